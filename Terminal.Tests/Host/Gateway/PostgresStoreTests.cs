using System;
using System.Linq;
using System.Threading.Tasks;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Gateway.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// The PostgreSQL variant of the gateway store, on LEOCARTE_TEST_POSTGRES or a throwaway cluster
/// (<see cref="PostgresForTests"/>; Inconclusive with one line where neither exists). Each test works in its
/// own schema, dropped at the end.
/// </summary>
[TestClass]
public class PostgresStoreTests
{
    private static readonly ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();

    private static string Connection(out string schema) => PostgresForTests.NewSchema(out schema);

    private static void Drop(string schema) => PostgresForTests.DropSchema(schema);

    private static EsupCard Card(long id, string csn, string etat, string motif = null) => new(id, csn, etat, null, $"s{id}@x", motif, 0);

    [TestMethod]
    public void PublishesDeltasAndDeduplicatesJournalsOnPostgres()
    {
        string connection = Connection(out string schema);
        try
        {
            var store = new SqlGatewayStore(new PostgresDialect(), connection);
            store.Initialize();
            store.Initialize(); // idempotent schema creation
            var lists = new ListService(store, new AllowlistListEncoder(14, Key));
            Assert.AreEqual(1L, lists.Apply(new[] { Card(1, "04a1b2c3d4e580", "ENABLED"), Card(2, "04b2c3d4e5f681", "ENABLED") }, "t", DateTime.UtcNow).Version);
            Assert.AreEqual(2L, lists.Apply(new[] { Card(1, "04a1b2c3d4e580", "DISABLED", "LOST"), Card(2, "04b2c3d4e5f681", "ENABLED") }, "t", DateTime.UtcNow).Version);
            Assert.AreEqual(ListAnswerKind.Delta, lists.GetList(1).Kind);
            Assert.AreEqual(ListAnswerKind.Snapshot, lists.GetList(0).Kind);
            Assert.AreEqual(ListAnswerKind.UpToDate, lists.GetList(2).Kind);
            Assert.AreEqual(1, store.Changes(1, 2).Count);

            var records = Enumerable.Range(1, 5).Select(i => new StoredJournalRecord("T1", 7, i, new byte[] { (byte)i }, 0, "04", true, 0, 100, 2)).ToList();
            Assert.AreEqual(5, store.StoreJournal("T1", records).Inserted);
            JournalStoreResult again = store.StoreJournal("T1", records);
            Assert.AreEqual(0, again.Inserted);
            Assert.AreEqual(5, again.Duplicates);
            Assert.AreEqual(1, store.StoreJournal("T1", new[] { new StoredJournalRecord("T1", 7, 3, new byte[] { 99 }, 0, "04", true, 0, 100, 2) }).Conflicts);
            Assert.AreEqual(5L, store.JournalCount("T1"));

            store.RecordHeartbeat(new TerminalRow { TerminalId = "T1", LastHeartbeatUtc = DateTime.UtcNow, ListVersion = 2, JournalDepth = 4, ClockState = "sntp" });
            store.RecordHeartbeat(new TerminalRow { TerminalId = "T1", LastHeartbeatUtc = DateTime.UtcNow, ListVersion = 2, JournalDepth = 0, ClockState = "sntp" });
            TerminalRow row = store.Terminals().Single();
            Assert.AreEqual(0, row.JournalDepth);
            Assert.AreEqual(5L, row.JournalRecords);
            Assert.AreEqual(1, row.JournalConflicts);
            store.RecordImport(new ImportRecord(DateTime.UtcNow, "t", false, "line 3: bad", 2));
            Assert.IsFalse(store.RecentImports(1).Single().Ok);
        }
        finally
        {
            Drop(schema);
        }
    }

    [TestMethod]
    public async Task TwoInstancesImportingAtOnceNeverPublishTheSameVersionTwice()
    {
        string connection = Connection(out string schema);
        try
        {
            var first = new SqlGatewayStore(new PostgresDialect(), connection);
            first.Initialize();
            var second = new SqlGatewayStore(new PostgresDialect(), connection);
            var a = new ListService(first, new AllowlistListEncoder(14, Key));
            var b = new ListService(second, new AllowlistListEncoder(14, Key));
            var tasks = Enumerable.Range(0, 10).Select(i => Task.Run(() =>
                (i % 2 == 0 ? a : b).Apply(new[] { Card(1, "04a1b2c3d4e580", i % 3 == 0 ? "ENABLED" : "DISABLED", "LOST"), Card(100 + i, $"04c0{i:x10}", "ENABLED") }, "t", DateTime.UtcNow))).ToArray();
            ImportOutcome[] outcomes = await Task.WhenAll(tasks);
            var published = outcomes.Where(o => o.Ok && o.Changes > 0).Select(o => o.Version).ToList();
            Assert.AreEqual(published.Count, published.Distinct().Count(), "a version number was published twice");
            long current = first.CurrentVersion().Version;
            Assert.AreEqual(published.Max(), current);
            // Every published version's changes are there, one version after another.
            for (long v = 1; v <= current; v++)
            {
                Assert.IsTrue(first.Changes(v - 1, v).Count > 0, $"version {v} has no changes");
            }
        }
        finally
        {
            Drop(schema);
        }
    }
}
