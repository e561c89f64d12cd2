namespace RegistryPortal.Bench;

/// <summary>Runs the whole benchmark: generate, measure every figure, print the table, write the JSON.</summary>
public static class BenchRunner
{
    public static async Task<BenchReport> RunAsync(IReadOnlyList<string> args, TextWriter log)
    {
        var options = BenchOptions.Parse(args);
        var started = DateTime.UtcNow;
        if (options.Scales is { } scales)
        {
            log.WriteLine($"RegistryPortal benchmark: the API figures at {string.Join(", ", scales.Select(n => n.ToString("N0")))} models");
            return await ReportAsync(new BenchReport($"API figures at {string.Join("; ", scales.Select(n => $"{n:N0} models, {ScaleFigures.At(options, n).Versions:N0} versions"))}",
                started, 0, await ScaleFigures.RunAsync(options, log), null), options, log);
        }
        log.WriteLine($"RegistryPortal benchmark{(options.Smoke ? " (smoke scale)" : "")}: {options.Scale}");
        // Every group but pg-writers measures one portal on SQLite over the generated registry; pg-writers needs neither.
        var (figures, concurrency, generationSeconds) = options.Only.Any(group => group != "pg-writers")
            ? await MeasureOnSqliteAsync(options, log)
            : ([], null, 0);
        ConcurrencyOutcome? postgresConcurrency = null;
        if (options.Runs("pg-writers"))
        {
            log.WriteLine("Concurrent writers on PostgreSQL, two instances:");
            (var written, postgresConcurrency) = await PostgresWritersFigure.RunAsync(options, log);
            figures.AddRange(written);
        }

        log.WriteLine();
        log.WriteLine($"Scale: {options.Scale}; generated in {generationSeconds:0} s.");
        return await ReportAsync(new BenchReport(options.Scale, started, generationSeconds, figures, concurrency, postgresConcurrency), options, log);
    }

    /// <summary>The figures of one portal on SQLite, over a registry generated (or found in --data) first; stopped after.</summary>
    private static async Task<(List<Figure> Figures, ConcurrencyOutcome? Concurrency, double GenerationSeconds)> MeasureOnSqliteAsync(
        BenchOptions options, TextWriter log)
    {
        await using var host = await BenchHost.StartAsync(options.DataFolder, options.KeepData);
        log.WriteLine($"App at {host.BaseUrl}, data in {host.DataFolder}.");
        var registry = await DataGenerator.ExistingAsync(host.Db, log) ?? await DataGenerator.GenerateAsync(host.Db, host.AdminId, options, log);

        var figures = new List<Figure>();
        ConcurrencyOutcome? concurrency = null;
        if (options.Runs("api"))
        {
            log.WriteLine("API:");
            figures.AddRange(await ApiFigures.RunAsync(host, registry, options, log));
        }
        Figure? sessions = null;
        if (options.Runs("sessions") || options.Runs("pages"))
        {
            await using var browser = await Browser.StartAsync(host.BaseUrl);
            if (options.Runs("sessions"))
            {
                log.WriteLine("Idle sessions:");
                sessions = await PageFigures.IdleSessionsAsync(browser, options, log);
            }
            if (options.Runs("pages"))
            {
                log.WriteLine("Pages:");
                figures.AddRange(await PageFigures.RunAsync(host, browser, registry, options, log));
            }
        }
        if (options.Runs("timeline"))
        {
            log.WriteLine("Stage timeline:");
            figures.Add(await TimelineFigure.RunAsync(host, registry, options, log));
        }
        if (options.Runs("writers"))
        {
            log.WriteLine("Concurrent writers:");
            (var written, concurrency) = await ConcurrencyFigure.RunAsync([host], options, log);
            figures.AddRange(written);
            figures.Add(await ServiceWriteFigure.RunAsync(host, options, log));
        }
        if (options.Runs("artifacts"))
        {
            log.WriteLine("Artifacts:");
            figures.AddRange(await ArtifactFigure.RunAsync(host, options, log));
            figures.AddRange(await ObjectStoreFigure.RunAsync(options, log));
        }
        if (options.Runs("registration"))
        {
            log.WriteLine("Registration:");
            figures.AddRange(await RegistrationFigure.RunAsync(host, options, log));
        }
        if (sessions is not null) figures.Add(sessions);
        return (figures, concurrency, registry.Took.TotalSeconds);
    }

    private static async Task<BenchReport> ReportAsync(BenchReport report, BenchOptions options, TextWriter log)
    {
        log.Write(report.Table());
        await report.WriteJsonAsync(options.JsonPath);
        log.WriteLine($"Results written to {Path.GetFullPath(options.JsonPath)}");
        return report;
    }
}

public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }
        try
        {
            var report = await BenchRunner.RunAsync(args, Console.Out);
            return report.Figures.All(f => f.Met) ? 0 : 1;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
