namespace RegistryPortal.Domain;

/// <summary>Size limits for model and version tags (MLflow's: key ≤ 250, value ≤ 5000).</summary>
public static class TagRules
{
    public const int MaxKeyLength = 250;
    public const int MaxValueLength = 5000;

    public static void Validate(string? key, string? value)
    {
        if (string.IsNullOrWhiteSpace(key)) throw RegistryError.InvalidValue("A tag key is required.");
        if (key.Length > MaxKeyLength)
            throw RegistryError.InvalidValue($"Tag key '{key[..20]}…' is {key.Length} characters; the limit is {MaxKeyLength}.");
        if (key.Any(char.IsControl)) throw RegistryError.InvalidValue($"Tag key '{key}' cannot contain control characters.");
        if (value is not null && value.Length > MaxValueLength)
            throw RegistryError.InvalidValue($"The value of tag '{key}' is {value.Length} characters; the limit is {MaxValueLength}.");
    }
}
