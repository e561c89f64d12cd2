using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

/// <summary>
/// Runs one admin operation: Identity's UserManager and the activity event on the same DbContext, in one
/// transaction that takes the database's write lock at its start (see RegistryStore), so a check such as "another admin remains"
/// still holds when it commits. Refuses anyone who is not an admin, whatever the caller.
/// </summary>
public sealed class AdminStore(IServiceScopeFactory scopes, RegistryStore store)
{
    public Task<T> WriteAsync<T>(Actor actor, string toDoWhat, Func<AdminOperation, Task<T>> write, CancellationToken ct = default) =>
        RegistryStore.RetryingAsync(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await using var transaction = await store.BeginWriteAsync(db, ct, actor: actor);
            Demand(transaction.Access!, toDoWhat);
            var operation = new AdminOperation(new OperationContext(db, transaction.Access!, actor, store.Now, ct), users);
            var result = await write(operation);
            await store.CommitAsync(operation.Op, transaction);
            return result;
        }, ct);

    public Task<T> ReadAsync<T>(Actor actor, string toDoWhat, Func<OperationContext, Task<T>> read, CancellationToken ct = default) =>
        store.ReadAsync(actor, op =>
        {
            Demand(op.Access, toDoWhat);
            return read(op);
        }, ct);

    private static void Demand(UserAccess access, string toDoWhat)
    {
        if (!access.IsAdmin) throw RegistryError.PermissionDenied($"Only admins may {toDoWhat}. Ask an admin.");
    }
}

/// <summary>An admin operation's database context, caller, clock and Identity's user manager (on the same context).</summary>
public sealed record AdminOperation(OperationContext Op, UserManager<ApplicationUser> Users)
{
    public RegistryDbContext Db => Op.Db;

    public async Task<ApplicationUser> UserAsync(string userId) =>
        await Users.FindByIdAsync(userId) ?? throw RegistryError.NotFound("That user does not exist (any more). Reload the user list.");

    /// <summary>Throws with Identity's own descriptions when an Identity call failed.</summary>
    public static void Check(IdentityResult result)
    {
        if (result.Succeeded) return;
        var message = string.Join(" ", result.Errors.Select(e => e.Description));
        throw result.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail")
            ? RegistryError.AlreadyExists(message)
            : result.Errors.Any(e => e.Code == "ConcurrencyFailure")
                ? RegistryError.Conflict("Someone else changed this user at the same time. Reload, then try again.")
                : RegistryError.InvalidValue(message);
    }
}
