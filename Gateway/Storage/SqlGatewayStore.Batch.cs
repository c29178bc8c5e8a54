using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;

namespace LeoCarte.Gateway.Storage;

/// <summary>
/// Journal uploads and heartbeats stored several at a time in one transaction (group commit, issue 15): the
/// terminals' requests wait in <see cref="GroupCommitWriter"/> and are all acknowledged after the one commit
/// that made them durable. Each terminal's counters (records, last sequence, conflicts) are updated in the same
/// transaction, so the status pages read them instead of grouping the journal.
/// </summary>
public sealed partial class SqlGatewayStore
{
    public JournalStoreResult StoreJournal(string terminalId, IReadOnlyList<StoredJournalRecord> records) =>
        StoreBatch(new[] { new JournalUpload(terminalId, records) }, Array.Empty<TerminalRow>())[0];

    public void RecordHeartbeat(TerminalRow heartbeat) => StoreBatch(Array.Empty<JournalUpload>(), new[] { heartbeat });

    public JournalStoreResult[] StoreBatch(IReadOnlyList<JournalUpload> uploads, IReadOnlyList<TerminalRow> heartbeats)
    {
        using DbConnection connection = dialect.Open(connectionString);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        long now = ToMs(DateTime.UtcNow);
        JournalStoreResult[] results;
        if (dialect.ArrayBatches)
        {
            // PostgreSQL: a statement costs a round trip; the group goes in as arrays (SqlGatewayStore.ArrayBatch).
            results = StoreJournalArrays(connection, transaction, uploads, now);
            StoreVerdictsArray(connection, transaction, uploads, now);
            if (heartbeats.Count > 0)
            {
                StoreHeartbeatsArray(connection, transaction, heartbeats);
            }
        }
        else
        {
            results = StoreJournalRows(connection, transaction, uploads, now);
            StoreVerdictRows(connection, transaction, uploads, now);
            StoreHeartbeatRows(connection, transaction, heartbeats);
        }

        transaction.Commit();
        return results;
    }

    /// <summary>
    /// SQLite: one prepared statement per record is cheap in process (no round trip); what a commit costs is its
    /// fsync, paid once per group.
    /// </summary>
    private static JournalStoreResult[] StoreJournalRows(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalUpload> uploads, long now)
    {
        var results = new JournalStoreResult[uploads.Count];
        using DbCommand insert = Command(connection, transaction,
            "INSERT INTO journal (terminal_id, journal_id, sequence, received_ms, record, time_ms, uid, approved, reason, amount_cents, list_version) " +
            "VALUES (@t, @jid, @seq, @now, @record, @time, @uid, @approved, @reason, @amount, @list) ON CONFLICT (terminal_id, journal_id, sequence) DO NOTHING");
        var p = new[]
        {
            Add(insert, "@t", ""), Add(insert, "@seq", 0L), Add(insert, "@now", now), Add(insert, "@record", Array.Empty<byte>()),
            Add(insert, "@time", 0L), Add(insert, "@uid", ""), Add(insert, "@approved", 0), Add(insert, "@reason", 0), Add(insert, "@amount", 0), Add(insert, "@list", 0L), Add(insert, "@jid", 0),
        };
        using DbCommand existing = Command(connection, transaction, "SELECT record FROM journal WHERE terminal_id = @t AND journal_id = @jid AND sequence = @seq");
        DbParameter et = Add(existing, "@t", "");
        DbParameter es = Add(existing, "@seq", 0L);
        DbParameter ej = Add(existing, "@jid", 0);
        using DbCommand conflict = Command(connection, transaction,
            "INSERT INTO journal_conflicts (terminal_id, journal_id, sequence, received_ms, record) VALUES (@t, @jid, @seq, @now, @record)");
        DbParameter ct = Add(conflict, "@t", ""), cj = Add(conflict, "@jid", 0), cs = Add(conflict, "@seq", 0L), cr = Add(conflict, "@record", Array.Empty<byte>());
        Add(conflict, "@now", now);
        using DbCommand counters = Command(connection, transaction,
            "INSERT INTO terminals (terminal_id, journal_records, last_sequence, journal_conflicts, uid_only_approvals, authenticated_approvals) VALUES (@t, @n, @seq, @c, @uo, @au) ON CONFLICT (terminal_id) DO UPDATE SET " +
            "journal_records = terminals.journal_records + excluded.journal_records, last_sequence = MAX(terminals.last_sequence, excluded.last_sequence), " +
            "journal_conflicts = terminals.journal_conflicts + excluded.journal_conflicts, uid_only_approvals = terminals.uid_only_approvals + excluded.uid_only_approvals, " +
            "authenticated_approvals = terminals.authenticated_approvals + excluded.authenticated_approvals");
        DbParameter nt = Add(counters, "@t", ""), nn = Add(counters, "@n", 0L), ns = Add(counters, "@seq", 0L), nc = Add(counters, "@c", 0L);
        DbParameter nu = Add(counters, "@uo", 0L), na = Add(counters, "@au", 0L);

        for (int u = 0; u < uploads.Count; u++)
        {
            JournalUpload upload = uploads[u];
            int inserted = 0, duplicates = 0, conflicts = 0, uidOnly = 0, authenticated = 0;
            long lastInserted = 0;
            p[0].Value = upload.TerminalId;
            et.Value = upload.TerminalId;
            foreach (StoredJournalRecord r in upload.Records)
            {
                p[1].Value = r.Sequence;
                p[3].Value = r.Raw;
                p[4].Value = r.TimeUnixMs;
                p[5].Value = r.Uid;
                p[6].Value = r.Approved ? 1 : 0;
                p[7].Value = r.Reason;
                p[8].Value = r.AmountCents;
                p[9].Value = r.ListVersion;
                p[10].Value = r.JournalId;
                if (insert.ExecuteNonQuery() == 1)
                {
                    inserted++;
                    lastInserted = Math.Max(lastInserted, r.Sequence);
                    int flags = r.Raw.Length > 1 ? r.Raw[1] : 0;
                    if ((flags & LeoCarte.Terminal.Journal.JournalRecord.FlagApproved) != 0)
                    {
                        uidOnly += (flags & LeoCarte.Terminal.Journal.JournalRecord.FlagUidOnly) != 0 ? 1 : 0;
                        authenticated += (flags & LeoCarte.Terminal.Journal.JournalRecord.FlagAuthenticated) != 0 ? 1 : 0;
                    }

                    continue;
                }

                es.Value = r.Sequence;
                ej.Value = r.JournalId;
                byte[] held = existing.ExecuteScalar() as byte[];
                if (held != null && held.AsSpan().SequenceEqual(r.Raw))
                {
                    duplicates++;
                }
                else
                {
                    // Same (terminal, journal, sequence), different bytes: should never happen (a wiped terminal draws a new journal id).
                    // Keep both for the operator; the first one stays authoritative.
                    conflicts++;
                    ct.Value = upload.TerminalId;
                    cj.Value = r.JournalId;
                    cs.Value = r.Sequence;
                    cr.Value = r.Raw;
                    conflict.ExecuteNonQuery();
                }
            }

            if (inserted > 0 || conflicts > 0)
            {
                nt.Value = upload.TerminalId;
                nn.Value = (long)inserted;
                ns.Value = lastInserted;
                nc.Value = (long)conflicts;
                nu.Value = (long)uidOnly;
                na.Value = (long)authenticated;
                counters.ExecuteNonQuery();
            }

            results[u] = new JournalStoreResult(inserted, duplicates, conflicts);
        }

        return results;
    }

    /// <summary>The journal checks' verdicts of the group's records (journal_checks, created by TrustStore), first verdict kept.</summary>
    private static void StoreVerdictRows(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalUpload> uploads, long now)
    {
        if (!uploads.Any(u => u.Verdicts is { Count: > 0 }))
        {
            return;
        }

        using DbCommand insert = Command(connection, transaction, InsertVerdictSql);
        DbParameter t = Add(insert, "@t", ""), j = Add(insert, "@j", 0), s = Add(insert, "@s", 0L), a = Add(insert, "@a", 0), an = Add(insert, "@anomalies", DBNull.Value), st = Add(insert, "@status", "");
        Add(insert, "@now", now);
        foreach (JournalVerdict v in uploads.Where(u => u.Verdicts != null).SelectMany(u => u.Verdicts))
        {
            t.Value = v.TerminalId;
            j.Value = v.JournalId;
            s.Value = v.Sequence;
            a.Value = v.Approved ? 1 : 0;
            an.Value = (object)v.Anomalies ?? DBNull.Value;
            st.Value = v.Anomalies == null ? ReviewStatus.Clean : ReviewStatus.Flagged;
            insert.ExecuteNonQuery();
        }
    }

    private const string InsertVerdictSql =
        "INSERT INTO journal_checks (terminal_id, journal_id, sequence, checked_ms, approved, anomalies, status) VALUES (@t, @j, @s, @now, @a, @anomalies, @status) " +
        "ON CONFLICT (terminal_id, journal_id, sequence) DO NOTHING";

    private static void StoreHeartbeatRows(DbConnection connection, DbTransaction transaction, IReadOnlyList<TerminalRow> heartbeats)
    {
        if (heartbeats.Count > 0)
        {
            using DbCommand beat = Command(connection, transaction,
                "INSERT INTO terminals (terminal_id, heartbeat_ms, firmware, list_version, list_age_s, journal_depth, reader_health, clock_state, clock_skew_s, last_error) " +
                "VALUES (@t, @hb, @fw, @lv, @age, @depth, @reader, @clock, @skew, @error) ON CONFLICT (terminal_id) DO UPDATE SET " +
                "heartbeat_ms = excluded.heartbeat_ms, firmware = excluded.firmware, list_version = excluded.list_version, list_age_s = excluded.list_age_s, " +
                "journal_depth = excluded.journal_depth, reader_health = excluded.reader_health, clock_state = excluded.clock_state, " +
                "clock_skew_s = excluded.clock_skew_s, last_error = excluded.last_error");
            DbParameter[] b =
            {
                Add(beat, "@t", ""), Add(beat, "@hb", 0L), Add(beat, "@fw", DBNull.Value), Add(beat, "@lv", 0L), Add(beat, "@age", 0L), Add(beat, "@depth", 0),
                Add(beat, "@reader", DBNull.Value), Add(beat, "@clock", DBNull.Value), Add(beat, "@skew", 0L), Add(beat, "@error", DBNull.Value),
            };
            foreach (TerminalRow h in heartbeats)
            {
                b[0].Value = h.TerminalId;
                b[1].Value = ToMs(h.LastHeartbeatUtc ?? DateTime.UtcNow);
                b[2].Value = (object)h.Firmware ?? DBNull.Value;
                b[3].Value = h.ListVersion;
                b[4].Value = h.ListAgeSeconds;
                b[5].Value = h.JournalDepth;
                b[6].Value = (object)h.ReaderHealth ?? DBNull.Value;
                b[7].Value = (object)h.ClockState ?? DBNull.Value;
                b[8].Value = h.ClockSkewSeconds;
                b[9].Value = (object)h.LastError ?? DBNull.Value;
                beat.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Once, when the counter columns are added to a database that already holds journals.</summary>
    private void BackfillTerminalCounters(DbConnection connection)
    {
        Execute(connection, null,
            "INSERT INTO terminals (terminal_id, journal_records, last_sequence) SELECT terminal_id, COUNT(*), MAX(sequence) FROM journal WHERE 1 = 1 GROUP BY terminal_id " +
            "ON CONFLICT (terminal_id) DO UPDATE SET journal_records = excluded.journal_records, last_sequence = excluded.last_sequence");
        Execute(connection, null,
            "UPDATE terminals SET journal_conflicts = (SELECT COUNT(*) FROM journal_conflicts c WHERE c.terminal_id = terminals.terminal_id)");
    }

    public string ReadSetting(string key)
    {
        using DbConnection connection = dialect.Open(connectionString);
        return Scalar(connection, null, "SELECT value FROM settings WHERE key = @k", ("@k", key)) as string;
    }

    public void WriteSetting(string key, string value)
    {
        using DbConnection connection = dialect.Open(connectionString);
        Execute(connection, null, "INSERT INTO settings (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("@k", key), ("@v", value));
    }

    public IDisposable AcquireImportLock() => dialect.AcquireImportLock(connectionString);

    /// <summary>Only the current version number (one primary-key lookup): what a cache checks to know whether it is stale.</summary>
    public long CurrentVersionNumber()
    {
        using DbConnection connection = dialect.Open(connectionString);
        return Convert.ToInt64(Scalar(connection, null, "SELECT value FROM meta WHERE key = 'current_version'"));
    }
}
