namespace RegistryPortal.Search;

/// <summary>
/// What sets one search's filter text apart when it is cut into tokens: which characters make up an unquoted
/// word, whether numbers may carry a sign and an exponent, and how an error reads.
/// </summary>
/// <param name="Error">Makes the error for a problem at a 1-based position.</param>
/// <param name="UnexpectedCharacterHelp">Said after "unexpected character 'x'.": how to write what the user meant.</param>
/// <param name="BacktickedNoun">What a backticked token is called in this search ("tag key", "key").</param>
internal sealed record TokenDialect(
    Func<char, bool> IsWordChar, bool SignedNumbers, Func<int, string, RegistryPortal.Domain.RegistryError> Error,
    string UnexpectedCharacterHelp, string BacktickedNoun)
{
    /// <summary>
    /// Registered models and versions (MLflow's registry filters): words of letters, digits, '_' and '.'; a
    /// number is a word of digits.
    /// </summary>
    public static TokenDialect Registry(Func<int, string, RegistryPortal.Domain.RegistryError> error) => new(
        c => char.IsLetterOrDigit(c) || c is '_' or '.', SignedNumbers: false, error,
        "Put tag keys with spaces or symbols in backticks (tags.`my key`) and values in quotes.", "tag key");

    /// <summary>
    /// Runs and logged models: signed and scientific numbers (<c>-0.5</c>, <c>1e-3</c>), and unquoted keys may hold
    /// '-' and '/' after their first character (<c>metrics.val-loss</c>, <c>metrics.train/loss</c>).
    /// </summary>
    public static TokenDialect Tracking(Func<int, string, RegistryPortal.Domain.RegistryError> error) => new(
        c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '/', SignedNumbers: true, error,
        "Put keys with spaces or symbols in backticks (metrics.`my key`) and text values in quotes.", "key");
}
