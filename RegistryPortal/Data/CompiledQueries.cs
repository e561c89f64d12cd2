namespace RegistryPortal.Data;

/// <summary>
/// EF Core binds a compiled query to the model of the first context it runs on, and the SQLite and PostgreSQL
/// contexts have different models (a test process hosts both): each compiled query is made once per kind.
/// </summary>
internal static class CompiledQueries
{
    public static Func<RegistryDbContext, T1, TResult> PerContextKind<T1, TResult>(Func<Func<RegistryDbContext, T1, TResult>> compile)
    {
        var (sqlite, postgres) = (compile(), compile());
        return (db, a) => (db is PostgresRegistryDbContext ? postgres : sqlite)(db, a);
    }

    public static Func<RegistryDbContext, T1, T2, TResult> PerContextKind<T1, T2, TResult>(
        Func<Func<RegistryDbContext, T1, T2, TResult>> compile)
    {
        var (sqlite, postgres) = (compile(), compile());
        return (db, a, b) => (db is PostgresRegistryDbContext ? postgres : sqlite)(db, a, b);
    }

    public static Func<RegistryDbContext, T1, T2, T3, TResult> PerContextKind<T1, T2, T3, TResult>(
        Func<Func<RegistryDbContext, T1, T2, T3, TResult>> compile)
    {
        var (sqlite, postgres) = (compile(), compile());
        return (db, a, b, c) => (db is PostgresRegistryDbContext ? postgres : sqlite)(db, a, b, c);
    }

    public static Func<RegistryDbContext, T1, T2, T3, T4, T5, TResult> PerContextKind<T1, T2, T3, T4, T5, TResult>(
        Func<Func<RegistryDbContext, T1, T2, T3, T4, T5, TResult>> compile)
    {
        var (sqlite, postgres) = (compile(), compile());
        return (db, a, b, c, d, e) => (db is PostgresRegistryDbContext ? postgres : sqlite)(db, a, b, c, d, e);
    }
}
