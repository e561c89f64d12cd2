namespace RegistryPortal.Components.Shared;

/// <summary>The portal's addresses for models and versions, built in one place.</summary>
public static class ModelLinks
{
    public static string Model(string name) => $"models/{Uri.EscapeDataString(name)}";

    public static string Version(string name, int version) => $"{Model(name)}/versions/{version}";
}
