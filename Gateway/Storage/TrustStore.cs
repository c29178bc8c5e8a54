using System;
using System.Collections.Generic;
using System.Data.Common;
using LeoCarte.Terminal.Cards;
using static LeoCarte.Gateway.Storage.SqlGatewayStore;

namespace LeoCarte.Gateway.Storage;

/// <summary>Verdict of the journal checks for one record (Journal/JournalChecker).</summary>
public static class ReviewStatus
{
    /// <summary>No anomaly: billed by the next export when approved.</summary>
    public const string Clean = "clean";

    /// <summary>At least one anomaly, no decision yet: never billed, never purged.</summary>
    public const string Flagged = "flagged";

    /// <summary>An operator looked at the anomaly and decided to bill it (approved records) / acknowledged it.</summary>
    public const string Accepted = "accepted";

    /// <summary>An operator decided not to bill it.</summary>
    public const string Rejected = "rejected";
}

/// <summary>The checks' verdict on one uploaded record, stored beside the journal row (same key).</summary>
public sealed record JournalVerdict(string TerminalId, int JournalId, long Sequence, bool Approved, string Anomalies);

/// <summary>A flagged record as the card-office page shows it.</summary>
public sealed record FlaggedRecord(string TerminalId, int JournalId, long Sequence, DateTime ReceivedUtc, long TimeUnixMs, string Uid, bool Approved,
    int Reason, int AmountCents, long ListVersion, string Anomalies, string Status, string DecidedBy);

/// <summary>One line of a billing export.</summary>
public sealed record BilledRecord(string TerminalId, int JournalId, long Sequence, long TimeUnixMs, string Uid, int AmountCents, long ListVersion, string Eppn, string Status);

/// <summary>A terminal credential changed from the card-office page: revoked, or re-provisioned with a new secret.</summary>
public sealed record TerminalCredential(string TerminalId, bool Revoked, string SecretHex, DateTime ChangedUtc, string ChangedBy);

/// <summary>One audited operator action.</summary>
public sealed record AuditEntry(DateTime AtUtc, string Operator, string Action, string Target, string Detail);

/// <summary>Counts the card-office page shows above the flagged records.</summary>
public sealed record ReviewSummary(long Unchecked, long Flagged, long BillableRecords, long BillableCents, long Billed);

/// <summary>The state of a card in one list version, as far as the kept history tells.</summary>
public enum CardAtVersionKind
{
    Listed,
    NotListed,

    /// <summary>The version is older than the kept changes and the card changed since: cannot say.</summary>
    Unknown,
}

/// <summary>
/// The tables of issue 13's gateway side, kept apart from <see cref="SqlGatewayStore"/> (whose schema the
/// storage work owns): the journal checks' verdicts and billing marks (journal_checks, keyed like the journal),
/// billing exports, terminal credentials changed from the page (revocation, re-provisioning) and the operators'
/// audit log. Same database, same dialects, same one-transaction-per-write rule.
/// </summary>
public sealed class TrustStore
{
    private readonly SqlDialect dialect;
    private readonly string connectionString;

    public TrustStore(SqlDialect dialect, string connectionString)
    {
        this.dialect = dialect;
        this.connectionString = connectionString;
    }

    public static TrustStore For(GatewayOptions options) => new(options.Database?.ToLowerInvariant() switch
    {
        "postgres" or "postgresql" => new PostgresDialect(),
        _ => new SqliteDialect(), // GatewayApp.CreateStore has already refused an unknown name
    }, options.ConnectionString);

    public void Initialize()
    {
        bool postgres = dialect.Name == "postgres";
        string bigint = postgres ? "BIGINT" : "INTEGER";
        string autoId = postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
        using DbConnection connection = dialect.Open(connectionString);
        foreach (string statement in new[]
        {
            $"CREATE TABLE IF NOT EXISTS journal_checks (terminal_id TEXT NOT NULL, journal_id INTEGER NOT NULL, sequence {bigint} NOT NULL, checked_ms {bigint} NOT NULL, " +
            $"approved INTEGER NOT NULL, anomalies TEXT, status TEXT NOT NULL, decided_by TEXT, decided_ms {bigint}, billed_ms {bigint}, billing_batch {bigint}, " +
            "PRIMARY KEY (terminal_id, journal_id, sequence))",
            "CREATE INDEX IF NOT EXISTS journal_checks_unbilled ON journal_checks (status, billed_ms)",
            $"CREATE TABLE IF NOT EXISTS billing_batches (id {autoId}, at_ms {bigint} NOT NULL, operator TEXT NOT NULL, record_count INTEGER NOT NULL, total_cents {bigint} NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS terminal_credentials (terminal_id TEXT PRIMARY KEY, revoked INTEGER NOT NULL, secret_hex TEXT, changed_ms {bigint} NOT NULL, changed_by TEXT NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS audit_log (id {autoId}, at_ms {bigint} NOT NULL, operator TEXT NOT NULL, action TEXT NOT NULL, target TEXT, detail TEXT)",
        })
        {
            Execute(connection, null, statement);
        }
    }

    // ---- What the journal checks look up ------------------------------------------------------------------

    private readonly System.Threading.AsyncLocal<DbConnection> scoped = new();

    /// <summary>
    /// Until disposed, the look-ups below made on this flow share one connection (a batch of 32 records makes
    /// about 35 of them; opening a pooled SQLite connection also re-runs its pragmas).
    /// </summary>
    public IDisposable LookupScope()
    {
        DbConnection connection = dialect.Open(connectionString);
        scoped.Value = connection;
        return new Lease(connection, true, () => scoped.Value = null);
    }

    private Lease Borrow() => scoped.Value is DbConnection shared ? new Lease(shared, false, null) : new Lease(dialect.Open(connectionString), true, null);

    private readonly struct Lease(DbConnection connection, bool owned, Action after) : IDisposable
    {
        public DbConnection Connection => connection;

        public void Dispose()
        {
            after?.Invoke();
            if (owned)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Issue time of a published version (Unix ms), or null when it was never published.</summary>
    public long? VersionIssuedMs(long version)
    {
        using Lease lease = Borrow();
        DbConnection connection = lease.Connection;
        object value = Scalar(connection, null, "SELECT issued_ms FROM list_versions WHERE version = @v", ("@v", version));
        return value is null or DBNull ? null : Convert.ToInt64(value);
    }

    /// <summary>
    /// The card's entry in list version <paramref name="version"/>: the last kept change at or before it; else
    /// the card row when it has not changed since; else "not listed" when no change was ever pruned
    /// (delta_floor 0), else unknown.
    /// </summary>
    public CardAtVersionKind CardAtVersion(string csn, long version, out CardState state, out int holderKey, out byte category)
    {
        state = CardState.BlockedOther;
        holderKey = 0;
        category = 0;
        using Lease lease = Borrow();
        DbConnection connection = lease.Connection;
        using (DbCommand change = Command(connection, null,
            "SELECT state, holder_key, category FROM list_changes WHERE csn = @csn AND version <= @v ORDER BY version DESC LIMIT 1"))
        {
            Add(change, "@csn", csn);
            Add(change, "@v", version);
            using DbDataReader reader = change.ExecuteReader();
            if (reader.Read())
            {
                int s = reader.GetInt32(0);
                if (s < 0)
                {
                    return CardAtVersionKind.NotListed;
                }

                state = (CardState)s;
                holderKey = reader.GetInt32(1);
                category = (byte)reader.GetInt32(2);
                return CardAtVersionKind.Listed;
            }
        }

        using (DbCommand card = Command(connection, null, "SELECT state, holder_key, category, version FROM cards WHERE csn = @csn"))
        {
            Add(card, "@csn", csn);
            using DbDataReader reader = card.ExecuteReader();
            if (reader.Read() && reader.GetInt64(3) <= version)
            {
                state = (CardState)reader.GetInt32(0);
                holderKey = reader.GetInt32(1);
                category = (byte)reader.GetInt32(2);
                return CardAtVersionKind.Listed;
            }
        }

        long floor = Convert.ToInt64(Scalar(connection, null, "SELECT value FROM meta WHERE key = 'delta_floor'") ?? 0L);
        return floor == 0 ? CardAtVersionKind.NotListed : CardAtVersionKind.Unknown;
    }

    /// <summary>The highest sequence stored for this terminal's journal (0 when none).</summary>
    public long MaxStoredSequence(string terminalId, int journalId)
    {
        using Lease lease = Borrow();
        DbConnection connection = lease.Connection;
        object value = Scalar(connection, null, "SELECT MAX(sequence) FROM journal WHERE terminal_id = @t AND journal_id = @j", ("@t", terminalId), ("@j", journalId));
        return value is null or DBNull ? 0 : Convert.ToInt64(value);
    }

    public bool IsStored(string terminalId, int journalId, long sequence)
    {
        using Lease lease = Borrow();
        DbConnection connection = lease.Connection;
        return Scalar(connection, null, "SELECT 1 FROM journal WHERE terminal_id = @t AND journal_id = @j AND sequence = @s",
            ("@t", terminalId), ("@j", journalId), ("@s", sequence)) is not (null or DBNull);
    }

    /// <summary>
    /// Stores the verdicts of a batch (after the batch itself: a crash in between leaves the records unchecked,
    /// hence unbillable, and the terminal, never acknowledged, sends them again). A verdict already stored stays.
    /// </summary>
    public void SaveVerdicts(IReadOnlyList<JournalVerdict> verdicts, DateTime nowUtc)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        using DbCommand insert = Command(connection, transaction,
            "INSERT INTO journal_checks (terminal_id, journal_id, sequence, checked_ms, approved, anomalies, status) VALUES (@t, @j, @s, @now, @a, @anomalies, @status) " +
            "ON CONFLICT (terminal_id, journal_id, sequence) DO NOTHING");
        DbParameter t = Add(insert, "@t", ""), j = Add(insert, "@j", 0), s = Add(insert, "@s", 0L), a = Add(insert, "@a", 0), an = Add(insert, "@anomalies", DBNull.Value), st = Add(insert, "@status", "");
        Add(insert, "@now", ToMs(nowUtc));
        foreach (JournalVerdict v in verdicts)
        {
            t.Value = v.TerminalId;
            j.Value = v.JournalId;
            s.Value = v.Sequence;
            a.Value = v.Approved ? 1 : 0;
            an.Value = (object)v.Anomalies ?? DBNull.Value;
            st.Value = v.Anomalies == null ? ReviewStatus.Clean : ReviewStatus.Flagged;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Journal rows without a verdict (a gateway stopped between the two transactions, or rows stored before issue 13).</summary>
    public List<(string TerminalId, byte[] Raw, DateTime ReceivedUtc)> UncheckedRecords(int max)
    {
        var list = new List<(string, byte[], DateTime)>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null,
            "SELECT j.terminal_id, j.journal_id, j.sequence, j.record, j.received_ms FROM journal j WHERE NOT EXISTS " +
            "(SELECT 1 FROM journal_checks c WHERE c.terminal_id = j.terminal_id AND c.journal_id = j.journal_id AND c.sequence = j.sequence) " +
            "ORDER BY j.received_ms LIMIT @n");
        Add(command, "@n", max);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), (byte[])reader.GetValue(3), FromMs(reader.GetInt64(4))));
        }

        return list;
    }

    // ---- The card-office page: flagged records, decisions, billing ------------------------------------------

    public ReviewSummary Summary()
    {
        using DbConnection connection = dialect.Open(connectionString);
        // A verdict exists only for a stored record (saved after it) and goes with it (Purge), so the difference of
        // the two counts is the unchecked rows, without an anti-join over the whole journal at every page view.
        long notChecked = Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM journal")) - Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM journal_checks"));
        long flagged = Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM journal_checks WHERE status = 'flagged'"));
        long billed = Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM journal_checks WHERE billed_ms IS NOT NULL"));
        using DbCommand command = Command(connection, null,
            "SELECT COUNT(*), COALESCE(SUM(j.amount_cents), 0) FROM journal_checks c JOIN journal j ON j.terminal_id = c.terminal_id AND j.journal_id = c.journal_id AND j.sequence = c.sequence " +
            "WHERE " + Billable("c"));
        using DbDataReader reader = command.ExecuteReader();
        reader.Read();
        return new ReviewSummary(notChecked, flagged, reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1)), billed);
    }

    /// <summary>Approved, checked clean or accepted by an operator, not billed yet.</summary>
    private static string Billable(string c) => $"{c}.approved = 1 AND {c}.status IN ('clean', 'accepted') AND {c}.billed_ms IS NULL";

    /// <summary>
    /// Flags the unbilled clean records of a terminal of which another copy with different bytes arrived
    /// (journal_conflicts: a sound terminal never sends one), so that neither is billed before an operator looks.
    /// </summary>
    public int FlagConflicts(string terminalId)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand update = Command(connection, null,
            "UPDATE journal_checks SET status = 'flagged', anomalies = COALESCE(anomalies || '; ', '') || 'another copy with different content was uploaded (journal conflict)' " +
            "WHERE terminal_id = @t AND status = 'clean' AND billed_ms IS NULL AND EXISTS (SELECT 1 FROM journal_conflicts x WHERE x.terminal_id = journal_checks.terminal_id " +
            "AND x.journal_id = journal_checks.journal_id AND x.sequence = journal_checks.sequence)");
        Add(update, "@t", terminalId);
        return update.ExecuteNonQuery();
    }

    /// <summary>Flagged records (undecided first, then the latest decided), newest first within each.</summary>
    public List<FlaggedRecord> FlaggedRecords(int max)
    {
        var list = new List<FlaggedRecord>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null,
            "SELECT c.terminal_id, c.journal_id, c.sequence, j.received_ms, j.time_ms, j.uid, j.approved, j.reason, j.amount_cents, j.list_version, c.anomalies, c.status, c.decided_by " +
            "FROM journal_checks c JOIN journal j ON j.terminal_id = c.terminal_id AND j.journal_id = c.journal_id AND j.sequence = c.sequence " +
            "WHERE c.status IN ('flagged', 'accepted', 'rejected') ORDER BY CASE WHEN c.status = 'flagged' THEN 0 ELSE 1 END, j.received_ms DESC, c.sequence DESC LIMIT @n");
        Add(command, "@n", max);
        using DbDataReader r = command.ExecuteReader();
        while (r.Read())
        {
            list.Add(new FlaggedRecord(r.GetString(0), r.GetInt32(1), r.GetInt64(2), FromMs(r.GetInt64(3)), r.GetInt64(4), r.IsDBNull(5) ? "" : r.GetString(5),
                r.GetInt32(6) != 0, r.GetInt32(7), r.GetInt32(8), r.GetInt64(9), r.GetString(10), r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12)));
        }

        return list;
    }

    /// <summary>An operator's decision on a flagged record (accepted = bill it, rejected = never bill it), audited in the same transaction. False when it was not flagged.</summary>
    public bool Decide(string terminalId, int journalId, long sequence, bool accept, string operatorName, DateTime nowUtc)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        using DbCommand update = Command(connection, transaction,
            "UPDATE journal_checks SET status = @status, decided_by = @by, decided_ms = @now WHERE terminal_id = @t AND journal_id = @j AND sequence = @s AND status = 'flagged'");
        Add(update, "@status", accept ? ReviewStatus.Accepted : ReviewStatus.Rejected);
        Add(update, "@by", operatorName);
        Add(update, "@now", ToMs(nowUtc));
        Add(update, "@t", terminalId);
        Add(update, "@j", journalId);
        Add(update, "@s", sequence);
        if (update.ExecuteNonQuery() != 1)
        {
            transaction.Rollback();
            return false;
        }

        AuditIn(connection, transaction, nowUtc, operatorName, accept ? "record accepted for billing" : "record rejected (not billed)",
            $"{terminalId} journal {journalId} sequence {sequence}", null);
        transaction.Commit();
        return true;
    }

    /// <summary>
    /// Marks every billable record billed under a new export and returns them (one transaction: a record is in
    /// exactly one export). Flagged, rejected, unchecked and conflicting records are left out.
    /// </summary>
    public List<BilledRecord> ExportBilling(string operatorName, DateTime nowUtc, out long batchId)
    {
        var list = new List<BilledRecord>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        long now = ToMs(nowUtc);
        batchId = Convert.ToInt64(Scalar(connection, transaction,
            "INSERT INTO billing_batches (at_ms, operator, record_count, total_cents) VALUES (@now, @by, 0, 0) RETURNING id", ("@now", now), ("@by", operatorName)));
        Execute(connection, transaction, "UPDATE journal_checks SET billed_ms = @now, billing_batch = @batch WHERE " + Billable("journal_checks"), ("@now", now), ("@batch", batchId));
        using (DbCommand command = Command(connection, transaction,
            "SELECT c.terminal_id, c.journal_id, c.sequence, j.time_ms, j.uid, j.amount_cents, j.list_version, h.eppn, c.status " +
            "FROM journal_checks c JOIN journal j ON j.terminal_id = c.terminal_id AND j.journal_id = c.journal_id AND j.sequence = c.sequence " +
            "LEFT JOIN cards k ON k.csn = j.uid LEFT JOIN holders h ON h.holder_key = k.holder_key " +
            "WHERE c.billing_batch = @batch ORDER BY c.terminal_id, c.journal_id, c.sequence"))
        {
            Add(command, "@batch", batchId);
            using DbDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                list.Add(new BilledRecord(r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.IsDBNull(4) ? "" : r.GetString(4), r.GetInt32(5), r.GetInt64(6),
                    r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8)));
            }
        }

        long total = 0;
        foreach (BilledRecord b in list)
        {
            total += b.AmountCents;
        }

        Execute(connection, transaction, "UPDATE billing_batches SET record_count = @n, total_cents = @total WHERE id = @batch",
            ("@n", list.Count), ("@total", total), ("@batch", batchId));
        AuditIn(connection, transaction, nowUtc, operatorName, "billing export", "batch " + batchId, $"{list.Count} records, {total} cents");
        transaction.Commit();
        return list;
    }

    // ---- Retention ---------------------------------------------------------------------------------------

    /// <summary>
    /// Deletes the journal records settled before <paramref name="cutoffUtc"/>: billed approvals (by billing
    /// time), denials checked clean or decided, and records an operator decided on (by decision time). Unbilled
    /// approvals and undecided anomalies stay whatever their age. Returns the number of journal rows deleted.
    /// </summary>
    public int Purge(DateTime cutoffUtc)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        const string Settled =
            "(c.billed_ms IS NOT NULL AND c.billed_ms < @cutoff) " +
            "OR (c.approved = 0 AND c.status = 'clean' AND c.checked_ms < @cutoff) " +
            "OR (c.status = 'rejected' AND c.decided_ms < @cutoff) " +
            "OR (c.approved = 0 AND c.status = 'accepted' AND c.decided_ms < @cutoff)";
        using DbCommand delete = Command(connection, transaction,
            "DELETE FROM journal WHERE EXISTS (SELECT 1 FROM journal_checks c WHERE c.terminal_id = journal.terminal_id AND c.journal_id = journal.journal_id " +
            "AND c.sequence = journal.sequence AND (" + Settled + "))");
        Add(delete, "@cutoff", ToMs(cutoffUtc));
        int deleted = delete.ExecuteNonQuery();

        // Their verdicts and any conflicting copies go with them (they hold the same UID and time).
        const string Gone = "NOT EXISTS (SELECT 1 FROM journal j WHERE j.terminal_id = {0}.terminal_id AND j.journal_id = {0}.journal_id AND j.sequence = {0}.sequence)";
        Execute(connection, transaction, "DELETE FROM journal_checks WHERE " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Gone, "journal_checks"));
        Execute(connection, transaction, "DELETE FROM journal_conflicts WHERE received_ms < @cutoff AND " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Gone, "journal_conflicts"),
            ("@cutoff", ToMs(cutoffUtc)));
        transaction.Commit();
        return deleted;
    }

    // ---- Terminal credentials and the audit log ------------------------------------------------------------

    public List<TerminalCredential> Credentials()
    {
        var list = new List<TerminalCredential>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null, "SELECT terminal_id, revoked, secret_hex, changed_ms, changed_by FROM terminal_credentials ORDER BY terminal_id");
        using DbDataReader r = command.ExecuteReader();
        while (r.Read())
        {
            list.Add(new TerminalCredential(r.GetString(0), r.GetInt32(1) != 0, r.IsDBNull(2) ? null : r.GetString(2), FromMs(r.GetInt64(3)), r.GetString(4)));
        }

        return list;
    }

    /// <summary>Revokes a terminal (secretHex null) or re-provisions it with a new secret; audited in the same transaction.</summary>
    public void SetCredential(string terminalId, bool revoked, string secretHex, string operatorName, DateTime nowUtc)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        Execute(connection, transaction,
            "INSERT INTO terminal_credentials (terminal_id, revoked, secret_hex, changed_ms, changed_by) VALUES (@t, @r, @s, @now, @by) " +
            "ON CONFLICT (terminal_id) DO UPDATE SET revoked = excluded.revoked, secret_hex = excluded.secret_hex, changed_ms = excluded.changed_ms, changed_by = excluded.changed_by",
            ("@t", terminalId), ("@r", revoked ? 1 : 0), ("@s", (object)secretHex ?? DBNull.Value), ("@now", ToMs(nowUtc)), ("@by", operatorName));
        AuditIn(connection, transaction, nowUtc, operatorName, revoked ? "terminal secret revoked" : "terminal re-provisioned with a new secret", terminalId, null);
        transaction.Commit();
    }

    public List<AuditEntry> RecentAudit(int count)
    {
        var list = new List<AuditEntry>();
        using DbConnection connection = dialect.Open(connectionString);
        using DbCommand command = Command(connection, null, "SELECT at_ms, operator, action, target, detail FROM audit_log ORDER BY id DESC LIMIT @n");
        Add(command, "@n", count);
        using DbDataReader r = command.ExecuteReader();
        while (r.Read())
        {
            list.Add(new AuditEntry(FromMs(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }

        return list;
    }

    public void Audit(DateTime nowUtc, string operatorName, string action, string target, string detail)
    {
        using DbConnection connection = dialect.Open(connectionString);
        AuditIn(connection, null, nowUtc, operatorName, action, target, detail);
    }

    private static void AuditIn(DbConnection connection, DbTransaction transaction, DateTime nowUtc, string operatorName, string action, string target, string detail) =>
        Execute(connection, transaction, "INSERT INTO audit_log (at_ms, operator, action, target, detail) VALUES (@at, @op, @action, @target, @detail)",
            ("@at", ToMs(nowUtc)), ("@op", operatorName ?? "?"), ("@action", action), ("@target", (object)target ?? DBNull.Value), ("@detail", (object)detail ?? DBNull.Value));

    // ADO.NET helpers (ToMs, FromMs, Command, Add, Execute, Scalar): SqlGatewayStore's, imported by `using static`.
}
