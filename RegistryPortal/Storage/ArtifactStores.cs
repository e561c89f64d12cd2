namespace RegistryPortal.Storage;

/// <summary>
/// A store of a given kind built from the portal's settings, without the portal: the same registration and start-time
/// checks as the portal's (<see cref="StorageServices.AddStorage"/>), for commands such as <c>artifacts migrate</c>.
/// </summary>
public sealed class ArtifactStores(ServiceProvider services) : IAsyncDisposable
{
    public IArtifactStore Store { get; } = services.GetRequiredService<IArtifactStore>();

    public static ArtifactStores Open(IConfiguration configuration, ArtifactStoreKind kind)
    {
        var settings = new ConfigurationBuilder().AddConfiguration(configuration)
            .AddInMemoryCollection([new($"{ArtifactOptions.Section}:{nameof(ArtifactOptions.Store)}", kind.ToString())]).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(settings).AddLogging().AddStorage(settings).BuildServiceProvider();
        try
        {
            Settings.Check(services);
            return new ArtifactStores(services);
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
