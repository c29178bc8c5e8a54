using System;
using System.Collections.Generic;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

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

    /// <summary>
    /// True where a statement costs a network round trip (PostgreSQL): the group commit sends each of its
    /// statements once with one array per column (SqlGatewayStore.ArrayBatch) instead of once per record.
    /// </summary>
    public virtual bool ArrayBatches => false;

    /// <summary>Columns added after the first release, for databases created before them: (table, column, type).</summary>
    public static readonly (string Table, string Column, string Type)[] AddedColumns =
    {
        ("imports", "report", "TEXT"),
        // Per-terminal journal counters, maintained in the transaction that stores the records, so the status
        // and card-office pages read one row per terminal instead of grouping the whole journal (issue 15).
        ("terminals", "journal_records", "BIGINT NOT NULL DEFAULT 0"),
        ("terminals", "last_sequence", "BIGINT NOT NULL DEFAULT 0"),
        ("terminals", "journal_conflicts", "BIGINT NOT NULL DEFAULT 0"),
        // Site card policy (Terminal/Journal/FORMAT.md flags): approvals by UID alone in migration mode (cards still to
        // personalise) and approvals of cards that proved their DESFire AES key. Records before these flags count 0.
        ("terminals", "uid_only_approvals", "BIGINT NOT NULL DEFAULT 0"),
        ("terminals", "authenticated_approvals", "BIGINT NOT NULL DEFAULT 0"),
    };

    /// <summary>
    /// Inserts one version's changes (list_changes). Default: one prepared statement executed per row, inside
    /// the caller's transaction (SQLite: no round trip, the statement is compiled once).
    /// </summary>
    public virtual void InsertChanges(DbConnection connection, DbTransaction transaction, long version, IReadOnlyList<ListChange> changes)
    {
        using DbCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO list_changes (version, csn, state, holder_key, category) VALUES (@v, @csn, @state, @holder, @category)";
        DbParameter v = Parameter(insert, "@v", version), csn = Parameter(insert, "@csn", ""), state = Parameter(insert, "@state", 0),
            holder = Parameter(insert, "@holder", 0), category = Parameter(insert, "@category", 0);
        insert.Prepare();
        foreach (ListChange change in changes)
        {
            csn.Value = change.Csn;
            state.Value = change.State.HasValue ? (int)change.State.Value : -1;
            holder.Value = change.HolderKey;
            category.Value = (int)change.Category;
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>Settings of a connection about to write a whole list (publication), undone when disposed: nothing by default.</summary>
    public virtual IDisposable PrepareBulkWrite(DbConnection connection) => null;

    /// <summary>Inserts new holders (eppn, key) inside the caller's transaction.</summary>
    public virtual void InsertHolders(DbConnection connection, DbTransaction transaction, IReadOnlyList<(string Eppn, int Key)> holders)
    {
        using DbCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO holders (eppn, holder_key) VALUES (@eppn, @key)";
        DbParameter eppn = Parameter(insert, "@eppn", ""), key = Parameter(insert, "@key", 0);
        insert.Prepare();
        foreach (var (name, value) in holders)
        {
            eppn.Value = name;
            key.Value = value;
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Serialises imports across every process sharing the database, held until disposed. SQLite: null (one
    /// gateway process per database file; ListService's own lock serialises its imports).
    /// </summary>
    public virtual IDisposable AcquireImportLock(string connectionString) => null;

    protected static DbParameter Parameter(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

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
        // synchronous=FULL: in WAL mode every commit fsyncs the WAL, so an acknowledged journal batch survives a
        // power cut (NORMAL would only guarantee the database's consistency and could lose the last commits,
        // breaking "acknowledged = durable"). The fsync cost is paid once per group commit, not per request
        // (Storage/GroupCommitWriter).
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public override string[] Schema => SharedSchema("BLOB", "INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT");

    // A first import writes ≈ 100,000 rows into two tables and their primary-key indexes: with SQLite's default
    // page cache (2 MB) the B-tree pages are evicted and re-read while the write lock is held. 64 MB for this
    // connection, during the publication only (memory, not durability; back to the default before the
    // connection returns to the pool, which would otherwise let every pooled connection grow to 64 MB).
    public override IDisposable PrepareBulkWrite(DbConnection connection)
    {
        SetCacheSize(connection, -65536);
        return new Undo(() => SetCacheSize(connection, -2000));
    }

    // One statement for the whole set, its rows passed as one JSON array read by json_each, instead of one
    // statement execution per row: Microsoft.Data.Sqlite's bookkeeping per execution (≈ 7 µs) made a first
    // import's 97,145 changes take 733 ms; multi-row VALUES with named parameters was worse (3.4 s: binding
    // looks each name up among all of the statement's parameters).
    public override void InsertChanges(DbConnection connection, DbTransaction transaction, long version, IReadOnlyList<ListChange> changes)
    {
        using DbCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO list_changes (version, csn, state, holder_key, category) " +
            "SELECT @v, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(@rows) j";
        Parameter(insert, "@v", version);
        Parameter(insert, "@rows", Json(changes.Count, (w, i) =>
        {
            ListChange c = changes[i];
            w.WriteStringValue(c.Csn);
            w.WriteNumberValue(c.State.HasValue ? (int)c.State.Value : -1);
            w.WriteNumberValue(c.HolderKey);
            w.WriteNumberValue((int)c.Category);
        }));
        insert.ExecuteNonQuery();
    }

    public override void InsertHolders(DbConnection connection, DbTransaction transaction, IReadOnlyList<(string Eppn, int Key)> holders)
    {
        using DbCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO holders (eppn, holder_key) SELECT j.value ->> 0, j.value ->> 1 FROM json_each(@rows) j";
        Parameter(insert, "@rows", Json(holders.Count, (w, i) =>
        {
            w.WriteStringValue(holders[i].Eppn);
            w.WriteNumberValue(holders[i].Key);
        }));
        insert.ExecuteNonQuery();
    }

    /// <summary>[[…], […], …]: one inner array per row (System.Text.Json escapes whatever an eppn holds).</summary>
    private static string Json(int rows, Action<System.Text.Json.Utf8JsonWriter, int> row)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (int i = 0; i < rows; i++)
            {
                writer.WriteStartArray();
                row(writer, i);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void SetCacheSize(DbConnection connection, int size)
    {
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA cache_size={size}";
        pragma.ExecuteNonQuery();
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

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

    public override bool ArrayBatches => true;

    /// <summary>Key of the session advisory lock every gateway instance takes around an import ("LeoCarte" in ASCII).</summary>
    public const long ImportLockKey = 0x4C656F4361727465;

    // COPY ... FROM STDIN (FORMAT BINARY): the rows stream in one round trip instead of one statement each
    // (100,000 cards: ≈ 100,000 round trips before, issue 15). It runs inside the connection's transaction.
    public override void InsertChanges(DbConnection connection, DbTransaction transaction, long version, IReadOnlyList<ListChange> changes)
    {
        using NpgsqlBinaryImporter copy = ((NpgsqlConnection)connection).BeginBinaryImport(
            "COPY list_changes (version, csn, state, holder_key, category) FROM STDIN (FORMAT BINARY)");
        foreach (ListChange change in changes)
        {
            copy.StartRow();
            copy.Write(version, NpgsqlDbType.Bigint);
            copy.Write(change.Csn, NpgsqlDbType.Text);
            copy.Write(change.State.HasValue ? (int)change.State.Value : -1, NpgsqlDbType.Integer);
            copy.Write(change.HolderKey, NpgsqlDbType.Integer);
            copy.Write((int)change.Category, NpgsqlDbType.Integer);
        }

        copy.Complete();
    }

    public override void InsertHolders(DbConnection connection, DbTransaction transaction, IReadOnlyList<(string Eppn, int Key)> holders)
    {
        using NpgsqlBinaryImporter copy = ((NpgsqlConnection)connection).BeginBinaryImport("COPY holders (eppn, holder_key) FROM STDIN (FORMAT BINARY)");
        foreach (var (eppn, key) in holders)
        {
            copy.StartRow();
            copy.Write(eppn, NpgsqlDbType.Text);
            copy.Write(key, NpgsqlDbType.Integer);
        }

        copy.Complete();
    }

    /// <summary>
    /// pg_advisory_lock on a connection of its own, held for the whole import (read, plan, publish): two
    /// instances never plan against the same version, and the loser of a race plans against the winner's list
    /// (finds it unchanged). A session lock: released when the connection closes, also when the instance dies.
    /// </summary>
    public override IDisposable AcquireImportLock(string connectionString)
    {
        // Not pooled: a pooled connection returned with the lock still held would keep it.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            command.CommandTimeout = 0; // another instance's import may take a while
            command.Parameters.AddWithValue("key", ImportLockKey);
            command.ExecuteNonQuery();
        }

        return connection; // closing it ends the session and releases the lock
    }

    // Publish locks the current-version row (FOR UPDATE) and compares it with the version the import started
    // from, so two instances importing at once cannot both publish the same version number.
    public override System.Data.IsolationLevel WriteIsolation => System.Data.IsolationLevel.ReadCommitted;
}
