using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RegistryPortal;

/// <summary>
/// Settings bound once into typed options and checked before the portal does anything (as aspire's dashboard does with
/// <c>DashboardOptions</c> and <c>ValidateDashboardOptions</c>): a wrong value stops the start with one line that names
/// the setting and says what to give instead. Each folder registers its own group (<see cref="AddSettings{TOptions, TValidator}"/>).
/// </summary>
public static class Settings
{
    /// <summary>The options under <paramref name="section"/>, bound from the app's configuration once and checked at start.</summary>
    public static IServiceCollection AddSettings<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddSettings<TOptions>(section);
    }

    /// <summary>A group with nothing to check beyond its values' types (a yes/no that is neither is still refused).</summary>
    public static IServiceCollection AddSettings<TOptions>(this IServiceCollection services, string section) where TOptions : class
    {
        services.AddOptions<TOptions>().Configure<IConfiguration>((options, configuration) => Bind(configuration, section, options)).ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The options under <paramref name="section"/>, bound and checked now: for what decides how the services are put
    /// together (the database) and for the commands that run without them (backup, restore).
    /// </summary>
    public static TOptions Read<TOptions>(IConfiguration configuration, string section, IValidateOptions<TOptions> validator) where TOptions : class, new()
    {
        var options = Refusing(() => Bind(configuration, section, new TOptions()));
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed) throw new InvalidSettingsException(result.Failures);
        return options;
    }

    /// <summary>Binds and checks every group registered with <c>ValidateOnStart</c>; the host would do so only after the migrations.</summary>
    public static void Check(IServiceProvider services) =>
        Refusing(() => { services.GetService<IStartupValidator>()?.Validate(); return true; });

    /// <summary>
    /// Binds the values under <paramref name="section"/> that are not empty: an empty value means the default, as it
    /// always has (<c>Registry__RecoverAfterMinutes=</c> in an environment is no number, and not meant as one).
    /// </summary>
    private static TOptions Bind<TOptions>(IConfiguration configuration, string section, TOptions options) where TOptions : class
    {
        var given = configuration.GetSection(section).AsEnumerable().Where(setting => !string.IsNullOrEmpty(setting.Value));
        new ConfigurationBuilder().AddInMemoryCollection(given).Build().GetSection(section).Bind(options);
        return options;
    }

    private static T Refusing<T>(Func<T> bind)
    {
        try { return bind(); }
        catch (OptionsValidationException e) { throw new InvalidSettingsException(e.Failures); }
        // The binder's own refusal of a value of the wrong type ("abc" for a number) names the setting and the value.
        catch (InvalidOperationException e) { throw new InvalidSettingsException([e.Message]); }
    }
}

/// <summary>Wrong settings, each as one line that names the setting; the portal refuses to start with them.</summary>
public sealed class InvalidSettingsException(IEnumerable<string> problems) : Exception(string.Join(Environment.NewLine, problems));

/// <summary>What is wrong with one group of settings, each problem one line that starts with the setting's full name.</summary>
public sealed class SettingProblems(string section)
{
    private readonly List<string> problems = [];

    public void Add(string name, string problem) => problems.Add($"{section}:{name} {problem}");

    /// <summary>Refuses a number outside [<paramref name="min"/>, <paramref name="max"/>] (or not above <paramref name="min"/>, when exclusive).</summary>
    public void Range(string name, double value, double min, double max, string unit, double defaultValue, bool aboveMin = false)
    {
        if (double.IsFinite(value) && (aboveMin ? value > min : value >= min) && value <= max) return;
        Add(name, string.Create(CultureInfo.InvariantCulture,
            $"is {value}: give a number of {unit} {(aboveMin ? "above" : "from")} {min} up to {max} (default {defaultValue})."));
    }

    public ValidateOptionsResult Result => problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}
