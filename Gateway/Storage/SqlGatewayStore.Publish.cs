using System;
using System.Collections.Generic;
using System.Data.Common;

namespace LeoCarte.Gateway.Storage;

/// <summary>Publication of a list version: the one write transaction of an import, timed step by step.</summary>
public sealed partial class SqlGatewayStore
{
    public long Publish(long expectedPrevious, DateTime issuedUtc, IReadOnlyList<ListChange> changes, int cardCount, byte[] snapshot, string source)
    {
        // Everything heavy (reading the export and the list in force, planning, signing the snapshot) was done
        // before this transaction: it holds the write lock only to insert the changes (COPY on PostgreSQL),
        // apply them to the cards set-wise and switch the current version.
        var steps = new PublishSteps();
        using DbConnection connection = dialect.Open(connectionString);
        using IDisposable bulk = dialect.PrepareBulkWrite(connection);
        using DbTransaction transaction = connection.BeginTransaction(dialect.WriteIsolation);
        long current = Convert.ToInt64(Scalar(connection, transaction, dialect.LockVersionRow));
        if (current != expectedPrevious)
        {
            transaction.Rollback();
            return -1;
        }

        steps.Lap("lock");
        long version = current + 1;
        dialect.InsertChanges(connection, transaction, version, changes);
        steps.Lap("changes");
        // SQLite needs the WHERE before ON CONFLICT (an upsert's SELECT is otherwise ambiguous); it is there.
        Execute(connection, transaction,
            "INSERT INTO cards (csn, state, holder_key, category, version) SELECT csn, state, holder_key, category, version FROM list_changes WHERE version = @v AND state >= 0 " +
            "ON CONFLICT (csn) DO UPDATE SET state = excluded.state, holder_key = excluded.holder_key, category = excluded.category, version = excluded.version", ("@v", version));
        Execute(connection, transaction, "DELETE FROM cards WHERE csn IN (SELECT csn FROM list_changes WHERE version = @v AND state < 0)", ("@v", version));
        steps.Lap("cards");

        using (DbCommand insertVersion = Command(connection, transaction,
            "INSERT INTO list_versions (version, issued_ms, card_count, change_count, source, snapshot) VALUES (@v, @issued, @count, @changes, @source, @snapshot)"))
        {
            Add(insertVersion, "@v", version);
            Add(insertVersion, "@issued", ToMs(issuedUtc));
            Add(insertVersion, "@count", cardCount);
            Add(insertVersion, "@changes", changes.Count);
            Add(insertVersion, "@source", (object)source ?? DBNull.Value);
            Add(insertVersion, "@snapshot", snapshot);
            insertVersion.ExecuteNonQuery();
        }

        // Only the current snapshot is served; deltas are built from the retained changes.
        Execute(connection, transaction, "UPDATE list_versions SET snapshot = NULL WHERE version = @previous", ("@previous", current));
        long floor = version - RetainedVersions;
        if (floor > 0)
        {
            Execute(connection, transaction, "DELETE FROM list_changes WHERE version <= @floor", ("@floor", floor));
            Execute(connection, transaction, "UPDATE meta SET value = @floor WHERE key = 'delta_floor' AND value < @floor", ("@floor", floor));
        }

        Execute(connection, transaction, "UPDATE meta SET value = @v WHERE key = 'current_version'", ("@v", version));
        steps.Lap("version");
        transaction.Commit();
        steps.Lap("commit");
        LastPublishTimings = steps.ToString();
        return version;
    }

    public string LastPublishTimings { get; private set; }

    /// <summary>Milliseconds of each step of a publication (ImportBenchmark prints them: what the write lock is held for).</summary>
    private sealed class PublishSteps
    {
        private readonly System.Diagnostics.Stopwatch watch = System.Diagnostics.Stopwatch.StartNew();
        private readonly List<string> laps = new();

        public void Lap(string step)
        {
            laps.Add($"{step} {watch.ElapsedMilliseconds}");
            watch.Restart();
        }

        public override string ToString() => string.Join(", ", laps) + " ms";
    }
}
