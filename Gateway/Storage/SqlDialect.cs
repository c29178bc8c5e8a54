using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LeoCarte.Gateway.Storage;

/// <summary>The few places where SQLite and PostgreSQL differ; the rest of the SQL is shared.</summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }

    public abstract DbConnection Open(string connectionString);

    /// <summary>Schema, with the types spelled for this database.</summary>
    public abstract string[] Schema { get; }

    /// <summary>Locks the current-version row for the rest of the transaction (no-op on SQLite: one writer at a time).</summary>
    public abstract string LockVersionRow { get; }

    /// <summary>Isolation of write transactions: SQLite has one writer anyway; PostgreSQL relies on the row lock.</summary>
    public abstract System.Data.IsolationLevel WriteIsolation { get; }

    /// <summary>Columns added after the first release, for databases created before them: (table, column, type).</summary>
    public static readonly (string Table, string Column, string Type)[] AddedColumns =
    {
        ("imports", "report", "TEXT"),
    };

    protected static string[] SharedSchema(string blob, string bigint, string autoId) => new[]
    {
        $"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value {bigint} NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS cards (csn TEXT PRIMARY KEY, state INTEGER NOT NULL, holder_key INTEGER NOT NULL, category INTEGER NOT NULL, version {bigint} NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS list_versions (version {bigint} PRIMARY KEY, issued_ms {bigint} NOT NULL, card_count INTEGER NOT NULL, change_count INTEGER NOT NULL, source TEXT, snapshot {blob})",
        $"CREATE TABLE IF NOT EXISTS list_changes (version {bigint} NOT NULL, csn TEXT NOT NULL, state INTEGER NOT NULL, holder_key INTEGER NOT NULL, category INTEGER NOT NULL, PRIMARY KEY (version, csn))",
        "CREATE TABLE IF NOT EXISTS holders (eppn TEXT PRIMARY KEY, holder_key INTEGER NOT NULL UNIQUE)",
        $"CREATE TABLE IF NOT EXISTS imports (id {autoId}, at_ms {bigint} NOT NULL, source TEXT, ok INTEGER NOT NULL, message TEXT, version {bigint} NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS terminals (terminal_id TEXT PRIMARY KEY, heartbeat_ms {bigint}, firmware TEXT, list_version {bigint}, list_age_s {bigint}, journal_depth INTEGER, reader_health TEXT, clock_state TEXT, clock_skew_s {bigint}, last_error TEXT)",
        $"CREATE TABLE IF NOT EXISTS journal (terminal_id TEXT NOT NULL, journal_id INTEGER NOT NULL, sequence {bigint} NOT NULL, received_ms {bigint} NOT NULL, record {blob} NOT NULL, time_ms {bigint}, uid TEXT, approved INTEGER, reason INTEGER, amount_cents INTEGER, list_version {bigint}, PRIMARY KEY (terminal_id, journal_id, sequence))",
        // Imports held for an operator (ListService publication guard): the card set they would publish, one
        // "csn state holder category" line per card, and their report (JSON).
        $"CREATE TABLE IF NOT EXISTS held_imports (id {autoId}, at_ms {bigint} NOT NULL, source TEXT, base_version {bigint} NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, content_hash TEXT NOT NULL, report TEXT, cards TEXT NOT NULL, decided_by TEXT, decided_ms {bigint}, published_version {bigint})",
        $"CREATE TABLE IF NOT EXISTS journal_conflicts (terminal_id TEXT NOT NULL, journal_id INTEGER NOT NULL, sequence {bigint} NOT NULL, received_ms {bigint} NOT NULL, record {blob} NOT NULL)",
    };
}

public sealed class SqliteDialect : SqlDialect
{
    public override string Name => "sqlite";

    public override DbConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL: the web requests read while the importer writes; busy_timeout: wait instead of failing on a lock.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public override string[] Schema => SharedSchema("BLOB", "INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT");

    public override string LockVersionRow => "SELECT value FROM meta WHERE key = 'current_version'";

    public override System.Data.IsolationLevel WriteIsolation => System.Data.IsolationLevel.Serializable;
}

public sealed class PostgresDialect : SqlDialect
{
    public override string Name => "postgres";

    public override DbConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    public override string[] Schema => SharedSchema("BYTEA", "BIGINT", "BIGSERIAL PRIMARY KEY");

    public override string LockVersionRow => "SELECT value FROM meta WHERE key = 'current_version' FOR UPDATE";

    // Publish locks the current-version row (FOR UPDATE) and compares it with the version the import started
    // from, so two instances importing at once cannot both publish the same version number.
    public override System.Data.IsolationLevel WriteIsolation => System.Data.IsolationLevel.ReadCommitted;
}
