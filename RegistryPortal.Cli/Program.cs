namespace RegistryPortal.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => RegistryCli.RunAsync(args, Console.Out, Console.Error);
}
