using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Linq;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Gateway.Storage;

/// <summary>
/// <see cref="IGatewayStore"/> in plain SQL over ADO.NET, for SQLite (Microsoft.Data.Sqlite) and PostgreSQL
/// (Npgsql). Both accept the same '@name' parameters and 'INSERT ... ON CONFLICT' upserts, so only the schema
/// types and the locks differ (<see cref="SqlDialect"/>). Each call opens a pooled connection and, when it
/// writes, runs in one transaction: a gateway killed at any instant leaves the previous version or the new
/// one, and a journal batch entirely stored or not at all.
/// </summary>
public sealed partial class SqlGatewayStore : IGatewayStore
{
    private readonly SqlDialect dialect;
    private readonly string connectionString;

    /// <summary>How many versions of changes are kept for deltas; older terminals get a snapshot.</summary>
    public int RetainedVersions { get; set; } = 200;

    public SqlGatewayStore(SqlDialect dialect, string connectionString)
    {
        this.dialect = dialect;
        this.connectionString = connectionString;
    }

    public string DialectName => dialect.Name;

    public void Initialize()
    {
        using DbConnection connection = dialect.Open(connectionString);
        foreach (string statement in dialect.Schema)
        {
            Execute(connection, null, statement);
        }

        bool countersAdded = false;
        foreach (var (table, column, type) in SqlDialect.AddedColumns)
        {
            // SQLite has no ADD COLUMN IF NOT EXISTS: look first (both databases answer this query shape).
            bool present;
            try
            {
                Execute(connection, null, $"SELECT {column} FROM {table} WHERE 1 = 0");
                present = true;
            }
            catch (DbException)
            {
                present = false;
            }

            if (!present)
            {
                Execute(connection, null, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
                countersAdded |= table == "terminals" && column == "journal_records";
            }
        }

        if (countersAdded)
        {
            BackfillTerminalCounters(connection);
        }

        Execute(connection, null, "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");

        Execute(connection, null, "INSERT INTO meta (key, value) VALUES ('current_version', 0) ON CONFLICT (key) DO NOTHING");
        Execute(connection, null, "INSERT INTO meta (key, value) VALUES ('delta_floor', 0) ON CONFLICT (key) DO NOTHING");
        Execute(connection, null, "INSERT INTO meta (key, value) VALUES ('database_id', @id) ON CONFLICT (key) DO NOTHING", ("@id", NewDatabaseId()));
    }

    public long DatabaseId()
    {
        using DbConnection connection = dialect.Open(connectionString);
        return Convert.ToInt64(Scalar(connection, null, "SELECT value FROM meta WHERE key = 'database_id'"));
    }

    /// <summary>64 random bits, never 0 (0 means "no identity" on the terminal).</summary>
    private static long NewDatabaseId()
    {
        long id;
        do
        {
            id = BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        }
        while (id == 0);
        return id;
    }

    public ListVersionInfo CurrentVersion()
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null,
            "SELECT v.version, v.issued_ms, v.card_count, v.change_count, v.source FROM list_versions v JOIN meta m ON m.key = 'current_version' AND v.version = m.value");
        using DbDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new ListVersionInfo(reader.GetInt64(0), FromMs(reader.GetInt64(1)), reader.GetInt32(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    public Dictionary<string, ListCard> CurrentCards()
    {
        using DbConnection connection = dialect.Open(connectionString);
        return ReadCards(connection, null);
    }

    private static Dictionary<string, ListCard> ReadCards(DbConnection connection, DbTransaction transaction)
    {
        var cards = new Dictionary<string, ListCard>(StringComparer.Ordinal);
        using DbCommand command = Command(connection, transaction, "SELECT csn, state, holder_key, category FROM cards");
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            string csn = reader.GetString(0);
            cards[csn] = new ListCard(csn, (CardState)reader.GetInt32(1), reader.GetInt32(2), (byte)reader.GetInt32(3));
        }

        return cards;
    }

    public Dictionary<string, int> HolderKeys(IEnumerable<string> eppns)
    {
        var wanted = new HashSet<string>(eppns, StringComparer.Ordinal);

        // Two gateway instances (PostgreSQL) may hand out the same next key at once: the unique constraints
        // refuse the second, which then re-reads and tries again.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return HolderKeysOnce(wanted);
            }
            catch (DbException) when (attempt < 5)
            {
            }
        }
    }

    private Dictionary<string, int> HolderKeysOnce(HashSet<string> wanted)
    {
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        int next = 1;
        using (DbCommand command = Command(connection, transaction, "SELECT eppn, holder_key FROM holders"))
        using (DbDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                int key = reader.GetInt32(1);
                if (wanted.Contains(reader.GetString(0)))
                {
                    keys[reader.GetString(0)] = key;
                }

                next = Math.Max(next, key + 1);
            }
        }

        var created = new List<(string Eppn, int Key)>();
        foreach (string eppn in wanted.Where(e => !keys.ContainsKey(e)).OrderBy(e => e, StringComparer.Ordinal))
        {
            created.Add((eppn, next));
            keys[eppn] = next++;
        }

        if (created.Count > 0)
        {
            dialect.InsertHolders(connection, transaction, created);
        }

        transaction.Commit();
        return keys;
    }

    public byte[] Snapshot(long version)
    {
        using DbConnection connection = dialect.Open(connectionString);
        object value = Scalar(connection, null, "SELECT snapshot FROM list_versions WHERE version = @v", ("@v", version));
        return value as byte[];
    }

    public List<ListChange> Changes(long fromExclusive, long toInclusive)
    {
        using DbConnection connection = dialect.Open(connectionString);
        long floor = Convert.ToInt64(Scalar(connection, null, "SELECT value FROM meta WHERE key = 'delta_floor'"));
        if (fromExclusive < floor)
        {
            return null;
        }

        var changes = new List<ListChange>();
        using DbCommand command = Command(connection, null,
            "SELECT version, csn, state, holder_key, category FROM list_changes WHERE version > @from AND version <= @to ORDER BY version, csn");
        Add(command, "@from", fromExclusive);
        Add(command, "@to", toInclusive);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            int state = reader.GetInt32(2);
            changes.Add(new ListChange(reader.GetInt64(0), reader.GetString(1), state < 0 ? null : (CardState)state, reader.GetInt32(3), (byte)reader.GetInt32(4)));
        }

        return changes;
    }

    public void RecordImport(ImportRecord record)
    {
        using DbConnection connection = dialect.Open(connectionString);
        Execute(connection, null, "INSERT INTO imports (at_ms, source, ok, message, version, report) VALUES (@at, @source, @ok, @message, @version, @report)",
            ("@at", ToMs(record.AtUtc)), ("@source", record.Source), ("@ok", record.Ok ? 1 : 0), ("@message", record.Message), ("@version", record.Version), ("@report", (object)record.Report ?? DBNull.Value));
    }

    public List<ImportRecord> RecentImports(int count)
    {
        var list = new List<ImportRecord>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null, "SELECT at_ms, source, ok, message, version, report FROM imports ORDER BY id DESC LIMIT @n");
        Add(command, "@n", count);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new ImportRecord(FromMs(reader.GetInt64(0)), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2) != 0,
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return list;
    }

    public long JournalCount(string terminalId)
    {
        using DbConnection connection = dialect.Open(connectionString);
        return Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM journal WHERE terminal_id = @t", ("@t", terminalId)));
    }

    /// <summary>The terminals page: one row per terminal, the journal counters included (kept on write), so its cost does not grow with the journal.</summary>
    public List<TerminalRow> Terminals()
    {
        var rows = new List<TerminalRow>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null, TerminalsQuery);
        using DbDataReader r = command.ExecuteReader();
        while (r.Read())
        {
            rows.Add(new TerminalRow
            {
                TerminalId = r.GetString(0),
                LastHeartbeatUtc = r.IsDBNull(1) ? null : FromMs(r.GetInt64(1)),
                Firmware = r.IsDBNull(2) ? null : r.GetString(2),
                ListVersion = r.IsDBNull(3) ? 0 : r.GetInt64(3),
                ListAgeSeconds = r.IsDBNull(4) ? -1 : r.GetInt64(4),
                JournalDepth = r.IsDBNull(5) ? 0 : r.GetInt32(5),
                ReaderHealth = r.IsDBNull(6) ? null : r.GetString(6),
                ClockState = r.IsDBNull(7) ? null : r.GetString(7),
                ClockSkewSeconds = r.IsDBNull(8) ? 0 : r.GetInt64(8),
                LastError = r.IsDBNull(9) ? null : r.GetString(9),
                JournalRecords = r.GetInt64(10),
                LastSequence = r.GetInt64(11),
                JournalConflicts = (int)r.GetInt64(12),
                UidOnlyApprovals = r.GetInt64(13),
                AuthenticatedApprovals = r.GetInt64(14),
            });
        }

        return rows.OrderBy(t => t.TerminalId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The only query behind the terminals page and the status JSON's terminals (tests check its plan never touches the journal).</summary>
    public const string TerminalsQuery =
        "SELECT terminal_id, heartbeat_ms, firmware, list_version, list_age_s, journal_depth, reader_health, clock_state, clock_skew_s, last_error, " +
        "journal_records, last_sequence, journal_conflicts, uid_only_approvals, authenticated_approvals FROM terminals";

    public Dictionary<string, int> FindHolderKeys(IEnumerable<string> eppns)
    {
        var wanted = new HashSet<string>(eppns, StringComparer.Ordinal);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null, "SELECT eppn, holder_key FROM holders");
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (wanted.Contains(reader.GetString(0)))
            {
                keys[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        return keys;
    }

    public string HolderEppn(int holderKey)
    {
        using DbConnection connection = dialect.Open(connectionString);
        return Scalar(connection, null, "SELECT eppn FROM holders WHERE holder_key = @key", ("@key", holderKey)) as string;
    }

    public List<ListChange> CardHistory(string csn)
    {
        var list = new List<ListChange>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null, "SELECT version, state, holder_key, category FROM list_changes WHERE csn = @csn ORDER BY version");
        Add(command, "@csn", csn);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            int state = reader.GetInt32(1);
            list.Add(new ListChange(reader.GetInt64(0), csn, state < 0 ? null : (CardState)state, reader.GetInt32(2), (byte)reader.GetInt32(3)));
        }

        return list;
    }

    public long HoldImport(HeldImport held, string cards)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        // One import waits for the operator at a time: a newer one supersedes it.
        Execute(connection, transaction, "UPDATE held_imports SET status = 'superseded', decided_ms = @at WHERE status = 'held'", ("@at", ToMs(held.AtUtc)));
        long id = Convert.ToInt64(Scalar(connection, transaction,
            "INSERT INTO held_imports (at_ms, source, base_version, reason, status, content_hash, report, cards) VALUES (@at, @source, @base, @reason, 'held', @hash, @report, @cards) RETURNING id",
            ("@at", ToMs(held.AtUtc)), ("@source", (object)held.Source ?? DBNull.Value), ("@base", held.BaseVersion), ("@reason", held.Reason),
            ("@hash", held.ContentHash), ("@report", (object)held.Report ?? DBNull.Value), ("@cards", cards)));
        transaction.Commit();
        return id;
    }

    public List<HeldImport> HeldImports(int count)
    {
        var list = new List<HeldImport>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null,
            "SELECT id, at_ms, source, base_version, reason, status, content_hash, report, decided_by, decided_ms, published_version FROM held_imports ORDER BY id DESC LIMIT @n");
        Add(command, "@n", count);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(ReadHeld(reader));
        }

        return list;
    }

    public HeldImport HeldImportById(long id, out string cards)
    {
        cards = null;
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null,
            "SELECT id, at_ms, source, base_version, reason, status, content_hash, report, decided_by, decided_ms, published_version, cards FROM held_imports WHERE id = @id");
        Add(command, "@id", id);
        using DbDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        cards = reader.GetString(11);
        return ReadHeld(reader);
    }

    public bool DecideHeldImport(long id, string status, string decidedBy, DateTime atUtc, long publishedVersion)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null,
            "UPDATE held_imports SET status = @status, decided_by = @by, decided_ms = @at, published_version = @version WHERE id = @id AND status = 'held'");
        Add(command, "@status", status);
        Add(command, "@by", (object)decidedBy ?? DBNull.Value);
        Add(command, "@at", ToMs(atUtc));
        Add(command, "@version", publishedVersion);
        Add(command, "@id", id);
        return command.ExecuteNonQuery() == 1;
    }

    private static HeldImport ReadHeld(DbDataReader reader) => new(
        reader.GetInt64(0), FromMs(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
        reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : FromMs(reader.GetInt64(9)), reader.IsDBNull(10) ? 0 : reader.GetInt64(10));

    public void Dispose()
    {
    }

    internal static long ToMs(DateTime utc) => (long)(utc.ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds;

    internal static DateTime FromMs(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);

    internal static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal static DbParameter Add(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    internal static void Execute(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql);
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        command.ExecuteNonQuery();
    }

    internal static object Scalar(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql);
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        return command.ExecuteScalar();
    }
}
