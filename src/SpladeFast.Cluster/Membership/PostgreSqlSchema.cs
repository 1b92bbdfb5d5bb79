using Npgsql;

namespace SpladeFast.Cluster.Membership;

/// <summary>
/// Applies Orleans' ADO.NET clustering schema for PostgreSQL (PostgreSQL-Main.sql, then PostgreSQL-Clustering.sql,
/// from Orleans, MIT; see Sql/NOTICE.md) in one transaction: all of it or nothing.
/// </summary>
public static class PostgreSqlSchema
{
    private static readonly string[] Scripts = ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql"];

    /// <summary>Creates the tables, functions and queries unless they exist.</summary>
    /// <returns>True when applied now, false when the database already had them.</returns>
    /// <exception cref="NpgsqlException">The database cannot be reached or refused a statement.</exception>
    public static async Task<bool> ApplyAsync(string connectionString, CancellationToken cancellation = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleansmembershiptable') IS NOT NULL", connection))
        {
            if ((bool)(await exists.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!)
                return false;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        foreach (string script in Scripts)
        {
#pragma warning disable CA2100 // the text is our embedded script, not input
            await using var command = new NpgsqlCommand(Read(script), connection, transaction);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
        return true;
    }

    private static string Read(string script)
    {
        using var stream = typeof(PostgreSqlSchema).Assembly.GetManifestResourceStream($"SpladeFast.Cluster.Membership.Sql.{script}")
            ?? throw new InvalidOperationException($"embedded script {script} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
