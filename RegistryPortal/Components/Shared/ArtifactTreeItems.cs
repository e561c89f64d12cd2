using MudBlazor;
using RegistryPortal.Tracking;

namespace RegistryPortal.Components.Shared;

/// <summary>A file tree (a run's artifacts, a version's files) as MudTreeView items, opened up when it is small.</summary>
public static class ArtifactTreeItems
{
    private const int ExpandedUpTo = 200;

    /// <summary>The items of <paramref name="items"/>; each node is also recorded in <paramref name="nodes"/> by its path.</summary>
    public static List<TreeItemData<string>> Of(IReadOnlyList<ArtifactNode> items, Dictionary<string, ArtifactNode> nodes) =>
        Of(items, nodes, expand: Count(items) <= ExpandedUpTo);

    private static List<TreeItemData<string>> Of(IReadOnlyList<ArtifactNode> items, Dictionary<string, ArtifactNode> nodes, bool expand) =>
        items.Select(node =>
        {
            nodes[node.Path] = node;
            return new TreeItemData<string>
            {
                Value = node.Path, Text = node.Name, Expandable = node.IsDir && node.Children.Count > 0, Expanded = expand,
                Icon = node.IsModel ? Icons.Material.Filled.ModelTraining : node.IsDir ? Icons.Material.Filled.Folder : Icons.Material.Outlined.InsertDriveFile,
                Children = node.IsDir ? Of(node.Children, nodes, expand) : null,
            };
        }).ToList();

    private static int Count(IReadOnlyList<ArtifactNode> items) => items.Sum(n => 1 + Count(n.Children));
}
