using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace RegistryPortal.E2E;

/// <summary>
/// The portal as its own OS process (<c>dotnet RegistryPortal.dll</c> from the build output), as deployed, so a test can
/// kill it like a crash does (SIGKILL: no shutdown code runs) and start it again on the same data folder.
/// It listens on 127.0.0.1 at a port the OS picks; the address is read from its welcome line.
/// </summary>
public sealed partial class PortalProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@crash.test";
    public const string AdminPassword = "Crash-Admin-Passw0rd!";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly List<string> output = [];

    private PortalProcess(string dataFolder, Process process)
    {
        DataFolder = dataFolder;
        this.process = process;
    }

    public string DataFolder { get; }

    public string ArtifactsFolder => Path.Combine(DataFolder, "artifacts");

    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts the portal on <paramref name="dataFolder"/> (made on the first start) and waits until it serves.</summary>
    /// <param name="settings">Settings of the app's beyond the data folder and the admin, as command-line flags.</param>
    public static async Task<PortalProcess> StartAsync(string dataFolder, params (string Key, string Value)[] settings)
    {
        var info = StartInfo(dataFolder, settings);
        var portal = new PortalProcess(dataFolder, Process.Start(info)!);
        portal.process.OutputDataReceived += (_, e) => portal.Heard(e.Data);
        portal.process.ErrorDataReceived += (_, e) => portal.Heard(e.Data);
        portal.process.BeginOutputReadLine();
        portal.process.BeginErrorReadLine();
        var welcome = await portal.WaitForOutputAsync("RegistryPortal is running at ", StartTimeout);
        portal.BaseUrl = Address().Match(welcome).Value;
        return portal;
    }

    /// <summary>Starts the portal on <paramref name="dataFolder"/> with settings it refuses, and waits for it to exit.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RefusedAsync(string dataFolder, params (string Key, string Value)[] settings)
    {
        using var process = Process.Start(StartInfo(dataFolder, settings))!;
        var (output, error) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"The portal did not exit within {StartTimeout}:\n{await output}\n{await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary><c>dotnet RegistryPortal.dll</c> on 127.0.0.1 at a free port, with the data folder, the admin and <paramref name="settings"/> as flags.</summary>
    private static ProcessStartInfo StartInfo(string dataFolder, (string Key, string Value)[] settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppDll());
        foreach (var (key, value) in new[]
                 {
                     ("Urls", "http://127.0.0.1:0"), ("Database:DataFolder", dataFolder), ("Artifacts:Root", Path.Combine(dataFolder, "artifacts")),
                     ("Admin:Email", AdminEmail), ("Admin:Password", AdminPassword),
                 }.Concat(settings))
        {
            info.ArgumentList.Add($"--{key}");
            info.ArgumentList.Add(value);
        }
        return info;
    }

    /// <summary>The same data folder and settings again, after <see cref="Kill"/>.</summary>
    public static Task<PortalProcess> RestartAsync(PortalProcess killed, params (string Key, string Value)[] settings) =>
        StartAsync(killed.DataFolder, settings);

    /// <summary>SIGKILL, as <c>kill -9</c>: the process ends mid-write, with no chance to clean up.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Waits for the log line the recovery writes when its pass at start is over.</summary>
    public Task WaitForRecoveryAsync() => WaitForOutputAsync("Startup recovery finished", StartTimeout);

    /// <summary>The first line of output containing <paramref name="text"/>, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (output)
            {
                if (output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line) return line;
            }
            if (process.HasExited) throw new InvalidOperationException($"The portal exited ({process.ExitCode}) before writing '{text}':\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The portal did not write '{text}' within {timeout}:\n{Output}");
            await Task.Delay(50);
        }
    }

    public string Output
    {
        get { lock (output) return string.Join('\n', output); }
    }

    /// <summary>A client of the portal's API, as the admin over HTTP Basic.</summary>
    public HttpClient Admin() => new()
    {
        BaseAddress = new Uri(BaseUrl),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminEmail}:{AdminPassword}"))) },
    };

    /// <summary>The admin, for <see cref="MlflowApiClient"/> and <see cref="PortalPages.SignInAsync"/>.</summary>
    public static TestUser AdminUser => new(AdminEmail, AdminPassword, "Admin", new Security.Actor(""));

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Heard(string? line)
    {
        if (line is null) return;
        lock (output) output.Add(line);
    }

    /// <summary>The portal's own build output beside this test's (bin/&lt;configuration&gt;/net10.0 of RegistryPortal/).</summary>
    private static string AppDll()
    {
        var binaries = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (binaries.Name, binaries.Parent!.Name);
        for (var folder = binaries; folder is not null; folder = folder.Parent)
        {
            var dll = Path.Combine(folder.FullName, "RegistryPortal", "bin", configuration, framework, "RegistryPortal.dll");
            if (File.Exists(dll)) return dll;
        }
        throw new FileNotFoundException($"RegistryPortal.dll ({configuration}, {framework}) was not found above {binaries.FullName}: build the solution first.");
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Address();
}
