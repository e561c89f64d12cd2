using System.Collections.Concurrent;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>
/// What a model's view costs most to read (its tags and aliases, and the latest version per stage with theirs), kept per
/// model under the model's <see cref="RegisteredModel.ContentStamp"/>: a search of 100 models otherwise reads ~400
/// versions and their tags every time. An entry is used only while the stamp read with the model's row equals it, and
/// every save that changes the view renews the stamp, so a change committed on any instance is never hidden.
/// Readers only: a write answers from its own transaction.
/// </summary>
public sealed class ModelViewCache
{
    /// <summary>Models kept at most (a few KB each); past it the cache starts again empty rather than track what was used last.</summary>
    internal const int Capacity = 20_000;

    /// <summary>The cached parts of one model's view, as of <paramref name="Stamp"/>; the versions' creators are named when used.</summary>
    internal sealed record Parts(Guid Stamp, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<AliasView> Aliases,
        IReadOnlyList<VersionView> LatestVersions);

    private readonly ConcurrentDictionary<int, Parts> parts = new();

    internal Parts? Find(RegisteredModel model) =>
        parts.TryGetValue(model.Id, out var found) && found.Stamp == model.ContentStamp ? found : null;

    internal void Keep(int modelId, Parts found)
    {
        if (parts.Count >= Capacity) parts.Clear();
        parts[modelId] = found;
    }
}
