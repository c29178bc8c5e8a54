using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;

namespace LeoCarte.Gateway.Storage;

/// <summary>
/// The group commit on PostgreSQL: a whole group of uploads in a fixed number of statements, each one array
/// insert (<c>unnest</c> of one array per column), instead of one statement — one network round trip — per
/// record. With 256 requests of up to 32 records per group that was up to 8,000 round trips inside the single
/// writer's transaction; now it is 2 to 6 statements whatever the group's size:
/// <list type="number">
/// <item>the group's distinct records, sorted by key, <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING
/// RETURNING</c> the keys actually inserted;</item>
/// <item>only when some key was already there: its stored bytes, read back in a second statement (it sees rows
/// another instance committed while the insert waited for them, which the insert's own snapshot would not);</item>
/// <item>conflicts (same key, other bytes), when any;</item>
/// <item>the journal checks' verdicts of the records (journal_checks), when the upload carries them;</item>
/// <item>the per-terminal counters, one upsert row per terminal (summed over its uploads in the group);</item>
/// <item>the heartbeats, one upsert row per terminal (its latest in the group).</item>
/// </list>
/// All in the group's one transaction, committed before any request of the group is answered: acknowledged =
/// durable, and a connection killed between two statements commits nothing (the terminals retry; the retry is
/// recognised record by record). Rows are sent sorted by key so two instances writing overlapping groups lock
/// them in the same order.
/// </summary>
public sealed partial class SqlGatewayStore
{
    /// <summary>
    /// Called after each statement of a PostgreSQL group commit, before the commit, with the statement's name
    /// (tests: the connection is killed there to show that nothing of the group is kept). Null in production.
    /// </summary>
    public Action<DbConnection, string> AfterBatchStatement { get; set; }

    private JournalStoreResult[] StoreJournalArrays(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalUpload> uploads, long now)
    {
        // Distinct keys of the group, first occurrence kept (a terminal's retry may repeat a record within a group).
        var first = new Dictionary<(string Terminal, int Journal, long Sequence), StoredJournalRecord>();
        foreach (JournalUpload upload in uploads)
        {
            foreach (StoredJournalRecord r in upload.Records)
            {
                first.TryAdd((upload.TerminalId, r.JournalId, r.Sequence), r);
            }
        }

        var results = new JournalStoreResult[uploads.Count];
        if (first.Count == 0)
        {
            for (int u = 0; u < uploads.Count; u++)
            {
                results[u] = new JournalStoreResult(0, 0, 0);
            }

            return results;
        }

        var keys = first.Keys.OrderBy(k => k.Terminal, StringComparer.Ordinal).ThenBy(k => k.Journal).ThenBy(k => k.Sequence).ToArray();
        var rows = keys.Select(k => first[k]).ToArray();
        var inserted = new HashSet<(string, int, long)>();
        using (DbCommand insert = Command(connection, transaction,
            "INSERT INTO journal (terminal_id, journal_id, sequence, received_ms, record, time_ms, uid, approved, reason, amount_cents, list_version) " +
            "SELECT t, j, s, @now, r, tm, u, a, re, am, l FROM unnest(@t::text[], @j::integer[], @s::bigint[], @r::bytea[], @tm::bigint[], @u::text[], @a::integer[], @re::integer[], @am::integer[], @l::bigint[]) " +
            "AS x(t, j, s, r, tm, u, a, re, am, l) ON CONFLICT (terminal_id, journal_id, sequence) DO NOTHING RETURNING terminal_id, journal_id, sequence"))
        {
            Add(insert, "@now", now);
            Add(insert, "@t", keys.Select(k => k.Terminal).ToArray());
            Add(insert, "@j", keys.Select(k => k.Journal).ToArray());
            Add(insert, "@s", keys.Select(k => k.Sequence).ToArray());
            Add(insert, "@r", rows.Select(r => r.Raw).ToArray());
            Add(insert, "@tm", rows.Select(r => r.TimeUnixMs).ToArray());
            Add(insert, "@u", rows.Select(r => r.Uid).ToArray());
            Add(insert, "@a", rows.Select(r => r.Approved ? 1 : 0).ToArray());
            Add(insert, "@re", rows.Select(r => r.Reason).ToArray());
            Add(insert, "@am", rows.Select(r => r.AmountCents).ToArray());
            Add(insert, "@l", rows.Select(r => r.ListVersion).ToArray());
            using DbDataReader reader = insert.ExecuteReader();
            while (reader.Read())
            {
                inserted.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
            }
        }

        AfterBatchStatement?.Invoke(connection, "journal");

        // What is stored under each key that was not inserted now: the reference its occurrences are compared with.
        var held = new Dictionary<(string, int, long), byte[]>();
        if (inserted.Count < keys.Length)
        {
            var missing = keys.Where(k => !inserted.Contains(k)).ToArray();
            using DbCommand existing = Command(connection, transaction,
                "SELECT j.terminal_id, j.journal_id, j.sequence, j.record FROM journal j JOIN unnest(@t::text[], @j::integer[], @s::bigint[]) AS x(t, jid, s) " +
                "ON j.terminal_id = x.t AND j.journal_id = x.jid AND j.sequence = x.s");
            Add(existing, "@t", missing.Select(k => k.Terminal).ToArray());
            Add(existing, "@j", missing.Select(k => k.Journal).ToArray());
            Add(existing, "@s", missing.Select(k => k.Sequence).ToArray());
            using DbDataReader reader = existing.ExecuteReader();
            while (reader.Read())
            {
                held[(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2))] = (byte[])reader.GetValue(3);
            }

            AfterBatchStatement?.Invoke(connection, "existing");
        }

        // Each occurrence, in the order the terminals sent them: the first occurrence of an inserted key counts
        // as inserted; every other one is a duplicate when its bytes equal what is stored, a conflict otherwise.
        var counted = new HashSet<(string, int, long)>();
        var conflictRows = new List<(string Terminal, StoredJournalRecord Record)>();
        var counters = new SortedDictionary<string, TerminalCounters>(StringComparer.Ordinal);
        for (int u = 0; u < uploads.Count; u++)
        {
            JournalUpload upload = uploads[u];
            int insertedHere = 0, duplicates = 0, conflicts = 0;
            TerminalCounters c = counters.TryGetValue(upload.TerminalId, out TerminalCounters known) ? known : new TerminalCounters();
            foreach (StoredJournalRecord r in upload.Records)
            {
                var key = (upload.TerminalId, r.JournalId, r.Sequence);
                if (inserted.Contains(key) && counted.Add(key))
                {
                    insertedHere++;
                    c.Count(r);
                    continue;
                }

                byte[] reference = inserted.Contains(key) ? first[key].Raw : held.GetValueOrDefault(key);
                if (reference != null && reference.AsSpan().SequenceEqual(r.Raw))
                {
                    duplicates++;
                }
                else
                {
                    // Should never happen (a wiped terminal draws a new journal id): both kept for the operator,
                    // the first one stays authoritative.
                    conflicts++;
                    c.Conflicts++;
                    conflictRows.Add((upload.TerminalId, r));
                }
            }

            if (insertedHere > 0 || conflicts > 0)
            {
                counters[upload.TerminalId] = c;
            }

            results[u] = new JournalStoreResult(insertedHere, duplicates, conflicts);
        }

        if (conflictRows.Count > 0)
        {
            using DbCommand conflict = Command(connection, transaction,
                "INSERT INTO journal_conflicts (terminal_id, journal_id, sequence, received_ms, record) SELECT t, j, s, @now, r FROM unnest(@t::text[], @j::integer[], @s::bigint[], @r::bytea[]) AS x(t, j, s, r)");
            Add(conflict, "@now", now);
            Add(conflict, "@t", conflictRows.Select(x => x.Terminal).ToArray());
            Add(conflict, "@j", conflictRows.Select(x => x.Record.JournalId).ToArray());
            Add(conflict, "@s", conflictRows.Select(x => x.Record.Sequence).ToArray());
            Add(conflict, "@r", conflictRows.Select(x => x.Record.Raw).ToArray());
            conflict.ExecuteNonQuery();
            AfterBatchStatement?.Invoke(connection, "conflicts");
        }

        if (counters.Count > 0)
        {
            // One row per terminal (an upsert may not touch a row twice), in key order.
            using DbCommand update = Command(connection, transaction,
                "INSERT INTO terminals (terminal_id, journal_records, last_sequence, journal_conflicts, uid_only_approvals, authenticated_approvals) " +
                "SELECT * FROM unnest(@t::text[], @n::bigint[], @s::bigint[], @c::bigint[], @uo::bigint[], @au::bigint[]) ON CONFLICT (terminal_id) DO UPDATE SET " +
                "journal_records = terminals.journal_records + excluded.journal_records, last_sequence = GREATEST(terminals.last_sequence, excluded.last_sequence), " +
                "journal_conflicts = terminals.journal_conflicts + excluded.journal_conflicts, uid_only_approvals = terminals.uid_only_approvals + excluded.uid_only_approvals, " +
                "authenticated_approvals = terminals.authenticated_approvals + excluded.authenticated_approvals");
            Add(update, "@t", counters.Keys.ToArray());
            Add(update, "@n", counters.Values.Select(x => x.Inserted).ToArray());
            Add(update, "@s", counters.Values.Select(x => x.LastSequence).ToArray());
            Add(update, "@c", counters.Values.Select(x => x.Conflicts).ToArray());
            Add(update, "@uo", counters.Values.Select(x => x.UidOnly).ToArray());
            Add(update, "@au", counters.Values.Select(x => x.Authenticated).ToArray());
            update.ExecuteNonQuery();
            AfterBatchStatement?.Invoke(connection, "counters");
        }

        return results;
    }

    private void StoreVerdictsArray(DbConnection connection, DbTransaction transaction, IReadOnlyList<JournalUpload> uploads, long now)
    {
        JournalVerdict[] verdicts = uploads.Where(u => u.Verdicts != null).SelectMany(u => u.Verdicts)
            .OrderBy(v => v.TerminalId, StringComparer.Ordinal).ThenBy(v => v.JournalId).ThenBy(v => v.Sequence).ToArray();
        if (verdicts.Length == 0)
        {
            return;
        }

        // DO NOTHING also absorbs a key repeated within the array (a retry in the same group): the first verdict stays.
        using DbCommand insert = Command(connection, transaction,
            "INSERT INTO journal_checks (terminal_id, journal_id, sequence, checked_ms, approved, anomalies, status) " +
            "SELECT t, j, s, @now, a, an, st FROM unnest(@t::text[], @j::integer[], @s::bigint[], @a::integer[], @an::text[], @st::text[]) AS x(t, j, s, a, an, st) " +
            "ON CONFLICT (terminal_id, journal_id, sequence) DO NOTHING");
        Add(insert, "@now", now);
        Add(insert, "@t", verdicts.Select(v => v.TerminalId).ToArray());
        Add(insert, "@j", verdicts.Select(v => v.JournalId).ToArray());
        Add(insert, "@s", verdicts.Select(v => v.Sequence).ToArray());
        Add(insert, "@a", verdicts.Select(v => v.Approved ? 1 : 0).ToArray());
        Add(insert, "@an", verdicts.Select(v => v.Anomalies).ToArray());
        Add(insert, "@st", verdicts.Select(v => v.Anomalies == null ? ReviewStatus.Clean : ReviewStatus.Flagged).ToArray());
        insert.ExecuteNonQuery();
        AfterBatchStatement?.Invoke(connection, "verdicts");
    }

    private void StoreHeartbeatsArray(DbConnection connection, DbTransaction transaction, IReadOnlyList<TerminalRow> heartbeats)
    {
        // A terminal's latest heartbeat of the group wins (the group keeps arrival order), one row per terminal.
        var latest = new SortedDictionary<string, TerminalRow>(StringComparer.Ordinal);
        foreach (TerminalRow h in heartbeats)
        {
            latest[h.TerminalId] = h;
        }

        TerminalRow[] rows = latest.Values.ToArray();
        using DbCommand beat = Command(connection, transaction,
            "INSERT INTO terminals (terminal_id, heartbeat_ms, firmware, list_version, list_age_s, journal_depth, reader_health, clock_state, clock_skew_s, last_error) " +
            "SELECT * FROM unnest(@t::text[], @hb::bigint[], @fw::text[], @lv::bigint[], @age::bigint[], @depth::integer[], @reader::text[], @clock::text[], @skew::bigint[], @error::text[]) " +
            "ON CONFLICT (terminal_id) DO UPDATE SET " +
            "heartbeat_ms = excluded.heartbeat_ms, firmware = excluded.firmware, list_version = excluded.list_version, list_age_s = excluded.list_age_s, " +
            "journal_depth = excluded.journal_depth, reader_health = excluded.reader_health, clock_state = excluded.clock_state, " +
            "clock_skew_s = excluded.clock_skew_s, last_error = excluded.last_error");
        Add(beat, "@t", rows.Select(h => h.TerminalId).ToArray());
        Add(beat, "@hb", rows.Select(h => ToMs(h.LastHeartbeatUtc ?? DateTime.UtcNow)).ToArray());
        Add(beat, "@fw", rows.Select(h => h.Firmware).ToArray());
        Add(beat, "@lv", rows.Select(h => h.ListVersion).ToArray());
        Add(beat, "@age", rows.Select(h => h.ListAgeSeconds).ToArray());
        Add(beat, "@depth", rows.Select(h => h.JournalDepth).ToArray());
        Add(beat, "@reader", rows.Select(h => h.ReaderHealth).ToArray());
        Add(beat, "@clock", rows.Select(h => h.ClockState).ToArray());
        Add(beat, "@skew", rows.Select(h => h.ClockSkewSeconds).ToArray());
        Add(beat, "@error", rows.Select(h => h.LastError).ToArray());
        beat.ExecuteNonQuery();
        AfterBatchStatement?.Invoke(connection, "heartbeats");
    }

    /// <summary>One terminal's counter increments within a group.</summary>
    private sealed class TerminalCounters
    {
        public long Inserted, LastSequence, Conflicts, UidOnly, Authenticated;

        public void Count(StoredJournalRecord r)
        {
            Inserted++;
            LastSequence = Math.Max(LastSequence, r.Sequence);
            int flags = r.Raw.Length > 1 ? r.Raw[1] : 0;
            if ((flags & LeoCarte.Terminal.Journal.JournalRecord.FlagApproved) != 0)
            {
                UidOnly += (flags & LeoCarte.Terminal.Journal.JournalRecord.FlagUidOnly) != 0 ? 1 : 0;
                Authenticated += (flags & LeoCarte.Terminal.Journal.JournalRecord.FlagAuthenticated) != 0 ? 1 : 0;
            }
        }
    }
}
