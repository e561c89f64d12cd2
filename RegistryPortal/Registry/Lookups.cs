using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>Finds models and versions by what users call them, with the not-found messages they see.</summary>
internal static class Lookups
{
    public static RegistryError ModelNotFound(string name) =>
        new(ErrorKind.NotFound, $"Registered model '{name}' does not exist. Check the name on the Models page.")
        {
            Subject = new ErrorSubject(name),
        };

    public static async Task<RegisteredModel> ModelAsync(this RegistryDbContext db, string? name, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name)) throw RegistryError.InvalidValue("A model name is required.");
        var normalized = ModelName.Normalize(name);
        return await db.Models.FirstOrDefaultAsync(m => m.NormalizedName == normalized, ct)
            ?? throw ModelNotFound(name);
    }

    public static async Task<ModelVersion> VersionAsync(this RegistryDbContext db, RegisteredModel model, int number, CancellationToken ct) =>
        await db.Versions.FirstOrDefaultAsync(v => v.ModelId == model.Id && v.Number == number, ct)
        ?? throw new RegistryError(ErrorKind.NotFound,
            $"Version {number} of '{model.Name}' does not exist. The model's page lists its versions.")
        {
            Subject = new ErrorSubject(model.Name, number),
        };

    /// <summary>Display names for user ids; a removed account shows as "deleted user".</summary>
    public static async Task<Func<string?, string>> UserNamesAsync(this RegistryDbContext db, IEnumerable<string?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        var names = await db.Users.Where(u => EF.Parameter(wanted).Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.UserName })
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, ct);
        return id => id is null ? "" : names.GetValueOrDefault(id, "deleted user");
    }
}
