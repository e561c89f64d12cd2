namespace RegistryPortal.Storage;

/// <summary>
/// How an object store names a key: its prefix (a folder inside the container or bucket, maybe none), '/', the key.
/// One rule for Azure's blob names and S3's object keys.
/// </summary>
internal readonly record struct ObjectNames(string Root)
{
    /// <param name="prefix">A checked key, or "" for the container's or bucket's root.</param>
    public static ObjectNames Under(string prefix) => new(prefix.Length == 0 ? "" : prefix + "/");

    public string Of(string key) => Root + key;

    /// <summary>The name prefix of everything inside <paramref name="folder"/> ("" is the store's root): "a/b/" never matches "a/bc".</summary>
    public string FolderPrefix(string folder) => folder.Length == 0 ? Root : Root + folder + "/";

    public string KeyOf(string objectName) => objectName[Root.Length..];
}
