using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using LeoCarte.Gateway.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Npgsql;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// The group commit's batch insert (issue 15): on PostgreSQL a group goes in as one array insert per statement
/// (Storage/SqlGatewayStore.ArrayBatch), on SQLite one prepared statement per record. Both must count the
/// same: a record repeated within a group, a retried acknowledged group, a conflicting record; and on
/// PostgreSQL a connection killed between the group's statements keeps nothing, the retry stores each record once.
/// </summary>
[TestClass]
public class JournalBatchTests
{
    private static StoredJournalRecord Record(string terminal, int journal, long sequence, byte marker = 0, bool approved = true) =>
        new(terminal, journal, sequence, new byte[] { 1, (byte)(approved ? 0x01 : 0x00), (byte)sequence, marker }, 1_700_000_000_000 + sequence, "04A1", approved, 0, 100, 1);

    private static TerminalRow Beat(string terminal, int depth) =>
        new() { TerminalId = terminal, LastHeartbeatUtc = DateTime.UtcNow, Firmware = "1.0", ListVersion = 1, JournalDepth = depth, ClockState = "gateway", ReaderHealth = "ok" };

    private static void OnBoth(Action<SqlGatewayStore, string> test)
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-batch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var sqlite = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            sqlite.Initialize();
            test(sqlite, "sqlite");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }

        string connection = PostgresForTests.NewSchema(out string schema);
        try
        {
            var postgres = new SqlGatewayStore(new PostgresDialect(), connection);
            postgres.Initialize();
            test(postgres, "postgres");
        }
        finally
        {
            PostgresForTests.DropSchema(schema);
        }
    }

    [TestMethod]
    public void RecordsRepeatedWithinOneGroupAreStoredOnceAndCountedAsDuplicatesOrConflicts()
    {
        OnBoth((store, backend) =>
        {
            var a1 = Record("T-A", 7, 1);
            var a2 = Record("T-A", 7, 2);
            var a3 = Record("T-A", 7, 3);
            var a3Other = Record("T-A", 7, 3, marker: 9);
            var uploads = new[]
            {
                new JournalUpload("T-A", new[] { a1, a2, a1 }),          // a record twice in one upload
                new JournalUpload("T-A", new[] { a1, a2 }),              // the terminal's retry in the same group
                new JournalUpload("T-B", new[] { Record("T-B", 3, 1) }), // another terminal, same sequence
                new JournalUpload("T-A", new[] { a3, a3Other }),         // same key, other bytes: a conflict
            };
            JournalStoreResult[] results = store.StoreBatch(uploads, new[] { Beat("T-A", 5), Beat("T-B", 1), Beat("T-A", 0) });
            Assert.AreEqual(new JournalStoreResult(2, 1, 0), results[0], backend);
            Assert.AreEqual(new JournalStoreResult(0, 2, 0), results[1], backend);
            Assert.AreEqual(new JournalStoreResult(1, 0, 0), results[2], backend);
            Assert.AreEqual(new JournalStoreResult(1, 0, 1), results[3], backend);
            Assert.AreEqual(3L, store.JournalCount("T-A"), backend);
            Assert.AreEqual(1L, store.JournalCount("T-B"), backend);
            TerminalRow a = store.Terminals().Single(t => t.TerminalId == "T-A");
            Assert.AreEqual(3L, a.JournalRecords, backend);
            Assert.AreEqual(3L, a.LastSequence, backend);
            Assert.AreEqual(1, a.JournalConflicts, backend);
            Assert.AreEqual(0, a.JournalDepth, backend + ": the terminal's latest heartbeat of the group wins");
            Assert.AreEqual(1L, store.Terminals().Single(t => t.TerminalId == "T-B").JournalRecords, backend);
        });
    }

    [TestMethod]
    public void ARetryOfAnAcknowledgedGroupStoresNothingAgainAndAConflictKeepsTheFirstRecord()
    {
        OnBoth((store, backend) =>
        {
            var records = Enumerable.Range(1, 40).Select(i => Record("T-C", 2, i, approved: i % 2 == 0)).ToArray();
            var uploads = new[] { new JournalUpload("T-C", records[..20]), new JournalUpload("T-C", records[20..]) };
            JournalStoreResult[] first = store.StoreBatch(uploads, Array.Empty<TerminalRow>());
            Assert.AreEqual(40, first.Sum(r => r.Inserted), backend);

            // The acknowledgement was lost: the terminal sends the same batches again (here in one group).
            JournalStoreResult[] again = store.StoreBatch(uploads, Array.Empty<TerminalRow>());
            Assert.AreEqual(0, again.Sum(r => r.Inserted), backend);
            Assert.AreEqual(40, again.Sum(r => r.Duplicates), backend);
            Assert.AreEqual(0, again.Sum(r => r.Conflicts), backend);

            // A record with a stored key but other bytes, beside a new one.
            JournalStoreResult mixed = store.StoreBatch(new[] { new JournalUpload("T-C", new[] { Record("T-C", 2, 5, marker: 7), Record("T-C", 2, 41) }) }, Array.Empty<TerminalRow>())[0];
            Assert.AreEqual(new JournalStoreResult(1, 0, 1), mixed, backend);
            TerminalRow row = store.Terminals().Single();
            Assert.AreEqual(41L, row.JournalRecords, backend);
            Assert.AreEqual(41L, row.LastSequence, backend);
            Assert.AreEqual(1, row.JournalConflicts, backend);
            Assert.AreEqual(41L, store.JournalCount("T-C"), backend);
        });
    }

    /// <summary>
    /// The group's connection is killed (pg_terminate_backend, as when the server or the network drops it) after
    /// each of its statements in turn: the group fails, nothing of it is in the database, and the same group
    /// stored again afterwards is stored exactly once.
    /// </summary>
    [TestMethod]
    public void OnPostgresAConnectionKilledBetweenTheGroupsStatementsKeepsNothingAndTheRetryStoresOnce()
    {
        string connection = PostgresForTests.NewSchema(out string schema);
        try
        {
            foreach (string killAfter in new[] { "journal", "existing", "conflicts", "counters", "verdicts", "heartbeats" })
            {
                var store = new SqlGatewayStore(new PostgresDialect(), connection);
                store.Initialize();
                new TrustStore(new PostgresDialect(), connection).Initialize();
                string terminal = "T-KILL-" + killAfter;
                // One record already stored, so the group runs every statement (existing keys, a conflict).
                store.StoreJournal(terminal, new[] { Record(terminal, 1, 1) });
                JournalVerdict[] verdicts = Enumerable.Range(1, 3).Select(i => new JournalVerdict(terminal, 1, i, true, i == 2 ? "amount not a price" : null)).ToArray();
                var uploads = new[] { new JournalUpload(terminal, new[] { Record(terminal, 1, 1), Record(terminal, 1, 2), Record(terminal, 1, 3) }, verdicts), new JournalUpload(terminal, new[] { Record(terminal, 1, 1, marker: 5) }) };
                var beats = new[] { Beat(terminal, 3) };
                var seen = new List<string>();
                store.AfterBatchStatement = (open, statement) =>
                {
                    seen.Add(statement);
                    if (statement == killAfter)
                    {
                        PostgresForTests.Run(connection, $"SELECT pg_terminate_backend({((NpgsqlConnection)open).ProcessID}, 5000)");
                    }
                };
                Assert.Throws<NpgsqlException>(() => store.StoreBatch(uploads, beats), killAfter);
                CollectionAssert.Contains(seen, killAfter);
                NpgsqlConnection.ClearAllPools();
                Assert.AreEqual(1L, store.JournalCount(terminal), killAfter + ": nothing of the killed group is stored");
                TerminalRow before = store.Terminals().Single(t => t.TerminalId == terminal);
                Assert.AreEqual(1L, before.JournalRecords, killAfter);
                Assert.AreEqual(0, before.JournalConflicts, killAfter);
                Assert.IsNull(before.LastHeartbeatUtc, killAfter);
                Assert.AreEqual(0L, Checks(connection, terminal), killAfter + ": nor any verdict");

                store.AfterBatchStatement = null;
                JournalStoreResult[] retried = store.StoreBatch(uploads, beats);
                Assert.AreEqual(new JournalStoreResult(2, 1, 0), retried[0], killAfter);
                Assert.AreEqual(new JournalStoreResult(0, 0, 1), retried[1], killAfter);
                TerminalRow after = store.Terminals().Single(t => t.TerminalId == terminal);
                Assert.AreEqual(3L, store.JournalCount(terminal), killAfter);
                Assert.AreEqual(3L, after.JournalRecords, killAfter);
                Assert.AreEqual(1, after.JournalConflicts, killAfter);
                Assert.AreEqual(3, after.JournalDepth, killAfter);
                Assert.AreEqual(3L, Checks(connection, terminal), killAfter + ": the verdicts are committed with their records");
            }
        }
        finally
        {
            PostgresForTests.DropSchema(schema);
        }
    }

    private static long Checks(string connection, string terminal)
    {
        using var open = new NpgsqlConnection(connection);
        open.Open();
        using var count = new NpgsqlCommand("SELECT COUNT(*) FROM journal_checks WHERE terminal_id = @t", open);
        count.Parameters.AddWithValue("t", terminal);
        return (long)count.ExecuteScalar();
    }

    /// <summary>
    /// Through the group-commit writer: the first group's connection is killed mid-transaction; every request of
    /// it is then stored alone (the writer's fallback) and answered with its own result, each record once.
    /// </summary>
    [TestMethod]
    public async Task OnPostgresAKilledGroupIsAnsweredRequestByRequestWithEachRecordStoredOnce()
    {
        string connection = PostgresForTests.NewSchema(out string schema);
        try
        {
            var store = new SqlGatewayStore(new PostgresDialect(), connection);
            store.Initialize();
            int kills = 0;
            store.AfterBatchStatement = (open, statement) =>
            {
                if (statement == "counters" && System.Threading.Interlocked.Increment(ref kills) == 1)
                {
                    PostgresForTests.Run(connection, $"SELECT pg_terminate_backend({((NpgsqlConnection)open).ProcessID}, 5000)");
                }
            };
            var tasks = new List<Task<JournalStoreResult>>();
            await using (var writer = new GroupCommitWriter(store))
            {
                for (int t = 0; t < 30; t++)
                {
                    string terminal = $"T-{t:00}";
                    var records = Enumerable.Range(1, 8).Select(i => Record(terminal, 1, i)).ToArray();
                    tasks.Add(writer.StoreJournalAsync(terminal, records));
                    tasks.Add(writer.StoreJournalAsync(terminal, records[..4])); // a retry racing its original
                }

                await Task.WhenAll(tasks);
            }

            Assert.IsTrue(kills >= 1, "a group was killed");
            for (int t = 0; t < 30; t++)
            {
                JournalStoreResult original = tasks[2 * t].Result, retry = tasks[2 * t + 1].Result;
                Assert.AreEqual(8, original.Inserted + retry.Inserted, $"T-{t:00}");
                Assert.AreEqual(4, original.Duplicates + retry.Duplicates, $"T-{t:00}");
                Assert.AreEqual(8L, store.JournalCount($"T-{t:00}"));
            }

            Assert.AreEqual(240L, store.Terminals().Sum(t => t.JournalRecords));
        }
        finally
        {
            PostgresForTests.DropSchema(schema);
        }
    }
}
