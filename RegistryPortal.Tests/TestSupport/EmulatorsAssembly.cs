using RegistryPortal.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(EmulatorsAssembly))]

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// Stops the shared Azurite and S3 server after the last test, inside the run. Left to process exit, killing them and
/// deleting their data could pass the 10 seconds the runner allows a finished run to exit, and it then fails the run
/// ("Foreground threads were left running") with every test green.
/// </summary>
public sealed class EmulatorsAssembly : IDisposable
{
    public void Dispose()
    {
        Azurite.StopShared();
        S3Server.StopShared();
    }
}
