using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Tests.Host.Sync;
using Microsoft.Data.Sqlite;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// Issue 15 on SQLite: group commit keeps every acknowledged record exactly once with fewer commits; the status
/// page's cost does not grow with the journal (counted in SQLite virtual-machine steps, not wall time); a
/// restarted gateway does not re-import an export it already applied; old databases get their counters.
/// </summary>
[TestClass]
public class GatewayScaleTests
{
    private static StoredJournalRecord Record(string terminal, int journalId, long sequence) =>
        new(terminal, journalId, sequence, new byte[] { (byte)sequence, (byte)(sequence >> 8), (byte)journalId }, 0, "04a1b2c3d4e580", true, 0, 330, 1);

    private static string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-scale-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void Delete(string folder)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, true);
    }

    [TestMethod]
    public async Task GroupCommitAcknowledgesEveryUploadAfterFewerCommitsAndStoresEachRecordOnce()
    {
        string folder = NewFolder();
        try
        {
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            await using var writer = new GroupCommitWriter(store);
            // 40 terminals upload 5 batches of 4 records each, all at once, and each batch is sent twice (a retry
            // after a lost answer), plus a heartbeat per batch.
            var uploads = new List<Task<JournalStoreResult>>();
            var beats = new List<Task>();
            for (int t = 0; t < 40; t++)
            {
                for (int batch = 0; batch < 5; batch++)
                {
                    string id = $"T{t:00}";
                    var records = Enumerable.Range(batch * 4 + 1, 4).Select(s => Record(id, 7, s)).ToList();
                    uploads.Add(Task.Run(() => writer.StoreJournalAsync(id, records)));
                    uploads.Add(Task.Run(() => writer.StoreJournalAsync(id, records)));
                    beats.Add(Task.Run(() => writer.RecordHeartbeatAsync(new TerminalRow { TerminalId = id, LastHeartbeatUtc = DateTime.UtcNow, JournalDepth = 4 })));
                }
            }

            JournalStoreResult[] results = await Task.WhenAll(uploads);
            await Task.WhenAll(beats);
            Assert.AreEqual(40 * 5 * 4, results.Sum(r => r.Inserted), "each record stored once");
            Assert.AreEqual(40 * 5 * 4, results.Sum(r => r.Duplicates), "each retry recognised");
            Assert.AreEqual(0, results.Sum(r => r.Conflicts));
            Assert.AreEqual(600L, writer.Requests);
            Console.WriteLine($"group commit: {writer.Requests} requests in {writer.Commits} commits");
            Assert.IsTrue(writer.Commits < writer.Requests, $"{writer.Commits} commits for {writer.Requests} requests: nothing was grouped");

            List<TerminalRow> rows = store.Terminals();
            Assert.AreEqual(40, rows.Count);
            foreach (TerminalRow row in rows)
            {
                Assert.AreEqual(20L, row.JournalRecords, row.TerminalId);
                Assert.AreEqual(20L, row.LastSequence, row.TerminalId);
                Assert.AreEqual(20L, store.JournalCount(row.TerminalId), "the counter equals the rows");
                Assert.IsNotNull(row.LastHeartbeatUtc);
            }
        }
        finally
        {
            Delete(folder);
        }
    }

    /// <summary>
    /// The terminals page on a journal of 2,000 rows and of 200,000 rows: SQLite executes the same number of
    /// virtual-machine steps (sqlite3_stmt_status VM_STEP) for its query, and no full-scan step, because it
    /// reads the per-terminal counters kept on write, never the journal.
    /// </summary>
    [TestMethod]
    public void TheTerminalsPageReadsTheSameNumberOfRowsWhateverTheJournalSize()
    {
        string folder = NewFolder();
        try
        {
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            const int Terminals = 20;
            var costs = new List<(long Rows, int VmSteps, int FullScanSteps)>();
            long sequence = 0;
            foreach (int perTerminal in new[] { 100, 10_000 })
            {
                // Grow every terminal's journal to perTerminal records, through the real write path.
                var batch = new List<JournalUpload>();
                for (int t = 0; t < Terminals; t++)
                {
                    string id = $"T{t:00}";
                    batch.Add(new JournalUpload(id, Enumerable.Range((int)sequence + 1, perTerminal - (int)sequence).Select(s => Record(id, 1, s)).ToList()));
                }

                store.StoreBatch(batch, Array.Empty<TerminalRow>());
                sequence = perTerminal;
                long rows = Enumerable.Range(0, Terminals).Sum(t => store.JournalCount($"T{t:00}"));
                using var connection = new SqliteConnection("Data Source=" + Path.Combine(folder, "g.db"));
                connection.Open();
                costs.Add((rows, Steps(connection, SqlGatewayStore.TerminalsQuery, SQLitePCL.raw.SQLITE_STMTSTATUS_VM_STEP),
                    Steps(connection, SqlGatewayStore.TerminalsQuery, SQLitePCL.raw.SQLITE_STMTSTATUS_FULLSCAN_STEP)));
                Assert.AreEqual((long)perTerminal, store.Terminals().First().JournalRecords);
            }

            foreach (var cost in costs)
            {
                Console.WriteLine($"journal {cost.Rows:N0} rows: terminals page query {cost.VmSteps} VM steps, {cost.FullScanSteps} full-scan steps");
            }

            Assert.AreEqual(2_000L, costs[0].Rows);
            Assert.AreEqual(200_000L, costs[1].Rows);
            Assert.AreEqual(costs[0].VmSteps, costs[1].VmSteps, "the query cost grew with the journal");
            // The terminals table itself is read whole (20 rows): a full scan of it, never of the journal.
            Assert.AreEqual(costs[0].FullScanSteps, costs[1].FullScanSteps);
        }
        finally
        {
            Delete(folder);
        }
    }

    /// <summary>Runs a query to the end through SQLite's C API and returns one of its statement counters.</summary>
    private static int Steps(SqliteConnection connection, string sql, int counter)
    {
        Assert.AreEqual(SQLitePCL.raw.SQLITE_OK, SQLitePCL.raw.sqlite3_prepare_v2(connection.Handle, sql, out SQLitePCL.sqlite3_stmt statement));
        using (statement)
        {
            while (SQLitePCL.raw.sqlite3_step(statement) == SQLitePCL.raw.SQLITE_ROW)
            {
            }

            return SQLitePCL.raw.sqlite3_stmt_status(statement, counter, 0);
        }
    }

    [TestMethod]
    public void ADatabaseFromBeforeTheCountersGetsThemFromItsJournal()
    {
        string folder = NewFolder();
        try
        {
            string connection = "Data Source=" + Path.Combine(folder, "g.db");
            using (var old = new SqliteConnection(connection))
            {
                old.Open();
                using var command = old.CreateCommand();
                // The tables as the first release created them, with journals and one heartbeat.
                command.CommandText =
                    "CREATE TABLE terminals (terminal_id TEXT PRIMARY KEY, heartbeat_ms INTEGER, firmware TEXT, list_version INTEGER, list_age_s INTEGER, journal_depth INTEGER, reader_health TEXT, clock_state TEXT, clock_skew_s INTEGER, last_error TEXT);" +
                    "CREATE TABLE journal (terminal_id TEXT NOT NULL, journal_id INTEGER NOT NULL, sequence INTEGER NOT NULL, received_ms INTEGER NOT NULL, record BLOB NOT NULL, time_ms INTEGER, uid TEXT, approved INTEGER, reason INTEGER, amount_cents INTEGER, list_version INTEGER, PRIMARY KEY (terminal_id, journal_id, sequence));" +
                    "CREATE TABLE journal_conflicts (terminal_id TEXT NOT NULL, journal_id INTEGER NOT NULL, sequence INTEGER NOT NULL, received_ms INTEGER NOT NULL, record BLOB NOT NULL);" +
                    "INSERT INTO terminals (terminal_id, heartbeat_ms, journal_depth) VALUES ('A', 1000, 2);" +
                    "INSERT INTO journal (terminal_id, journal_id, sequence, received_ms, record) VALUES ('A', 1, 1, 0, x'01'), ('A', 1, 2, 0, x'02'), ('B', 5, 9, 0, x'09');" +
                    "INSERT INTO journal_conflicts VALUES ('A', 1, 2, 0, x'ff');";
                command.ExecuteNonQuery();
            }

            var store = new SqlGatewayStore(new SqliteDialect(), connection);
            store.Initialize();
            store.Initialize(); // the backfill runs once: counts stay right
            Dictionary<string, TerminalRow> rows = store.Terminals().ToDictionary(r => r.TerminalId);
            Assert.AreEqual(2L, rows["A"].JournalRecords);
            Assert.AreEqual(2L, rows["A"].LastSequence);
            Assert.AreEqual(1, rows["A"].JournalConflicts);
            Assert.AreEqual(2, rows["A"].JournalDepth, "the heartbeat's fields are kept");
            Assert.AreEqual(1L, rows["B"].JournalRecords);
            Assert.AreEqual(9L, rows["B"].LastSequence);
            store.StoreJournal("B", new[] { Record("B", 5, 10) });
            Assert.AreEqual(2L, store.Terminals().Single(r => r.TerminalId == "B").JournalRecords);
        }
        finally
        {
            Delete(folder);
        }
    }

    [TestMethod]
    public async Task ARestartedGatewayDoesNotReimportAnExportItAlreadyApplied()
    {
        var text = new StringWriter();
        EsupSgcCsvWriter.WriteCampus(text, 300, 2026);
        await using GatewayFixture gateway = await GatewayFixture.StartAsync(text.ToString());
        Assert.AreEqual(1L, gateway.Store.CurrentVersion().Version);
        await gateway.StopAsync();
        await gateway.StartAsync();

        ImportOutcome again = await gateway.Imports.ImportNowAsync();
        Assert.IsTrue(again.Ok, again.Message);
        Assert.AreEqual(ImportStatus.Unchanged, again.Status);
        StringAssert.Contains(again.Message, "not re-imported");
        Assert.IsNull(again.Report, "the export was not read again");

        // One byte different: read, planned and published as usual.
        File.AppendAllText(gateway.ExportPath, EsupSgcCsvWriter.Row(990_001, "04EE0000000001", "ENABLED", new DateTime(2026, 12, 1, 9, 0, 0), "new@unicaen.fr", null));
        ImportOutcome changed = await gateway.Imports.ImportNowAsync();
        Assert.AreEqual(ImportStatus.Published, changed.Status, changed.Message + " " + changed.Report?.ToJson());
        Assert.AreEqual(2L, changed.Version);
        Assert.AreEqual(2L, gateway.Lists.Current().Version, "the list cache moved with the publication");
    }
}
