using System;
using System.IO;
using System.Linq;
using LeoCarte.Gateway.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// Exactly once at the platform: the gateway stores each journal record once per (terminal, journal id,
/// sequence). A retried batch is a duplicate; a terminal whose flash was wiped starts a new journal (new random
/// id, sequences from 1 again) and its new transactions must be stored, not mistaken for replays.
/// </summary>
[TestClass]
public class JournalStoreTests
{
    private static StoredJournalRecord Record(int journalId, long sequence, byte marker) =>
        new("T1", journalId, sequence, new byte[] { marker, (byte)sequence }, 0, "04a1b2c3d4e580", true, 0, 330, 2);

    [TestMethod]
    public void RetriedBatchIsStoredOnceAndAWipedTerminalsNewJournalIsKept()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-journal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            var firstJournal = Enumerable.Range(1, 5).Select(i => Record(111, i, 1)).ToList();

            var stored = store.StoreJournal("T1", firstJournal);
            Assert.AreEqual(5, stored.Inserted);
            var retried = store.StoreJournal("T1", firstJournal);
            Assert.AreEqual(0, retried.Inserted);
            Assert.AreEqual(5, retried.Duplicates);

            // Flash wiped: a new journal id, sequences restart at 1 with other transactions.
            var afterWipe = store.StoreJournal("T1", Enumerable.Range(1, 3).Select(i => Record(222, i, 2)).ToList());
            Assert.AreEqual(3, afterWipe.Inserted);
            Assert.AreEqual(0, afterWipe.Conflicts);
            Assert.AreEqual(8L, store.JournalCount("T1"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
