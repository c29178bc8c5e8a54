#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Allowlist
{
    /// <summary>Small deltas land in the RAM overlay (and its file); one that overflows it is compacted into a new table.</summary>
    [TestClass]
    public class OverlayTests
    {
        private const uint Site = 76;

        [TestMethod]
        public void SmallDeltasStayInTheOverlayAndSurviveAReboot()
        {
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128, 8);
            store.Open();
            ListEntry[] entries = AllowlistUpdateTests.Sample(30, 11);
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildSnapshot(Site, 1, 100, entries, AllowlistUpdateTests.Key()), 50));
            int tableBytes = files.TotalBytes;

            byte[] fresh = new byte[] { 0x04, 1, 2, 3, 4, 5, 6 };
            ListEntry[] first = new ListEntry[]
            {
                new ListEntry(fresh, CardState.Active, 4242, 1),
                new ListEntry(entries[2].Uid, CardState.Lost, entries[2].HolderKey, 0),
                ListEntry.Removal(entries[3].Uid),
            };
            files.ResetCounters();
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 2, 1, 200, first, AllowlistUpdateTests.Key()), 7));
            Assert.IsTrue(files.BytesWritten < 120, "a 3-change delta writes a small overlay file, not the table: " + files.BytesWritten);
            Assert.AreEqual(1L, store.TableVersion);
            Assert.AreEqual(2L, store.Version);
            Assert.AreEqual(3, store.OverlayCount);
            Assert.AreEqual(30, store.Count);
            Assert.IsTrue(files.TotalBytes < tableBytes + 120);

            // Second delta: removes the card the first one added, changes another.
            ListEntry[] second = new ListEntry[]
            {
                ListEntry.Removal(fresh),
                new ListEntry(entries[5].Uid, CardState.Expired, entries[5].HolderKey, 0),
            };
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 3, 2, 300, second, AllowlistUpdateTests.Key()), 5));
            Assert.AreEqual(3L, store.Version);
            Assert.AreEqual(29, store.Count);
            CheckState(store, entries, fresh);

            // Replays of either delta, and removing an already removed card, are refused.
            ExpectEnum.Equal(ListUpdateResult.VersionNotNewer, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 2, 1, 200, first, AllowlistUpdateTests.Key()), 7));
            ListEntry[] again = new ListEntry[] { ListEntry.Removal(entries[3].Uid) };
            ExpectEnum.Equal(ListUpdateResult.BadDelta, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 4, 3, 400, again, AllowlistUpdateTests.Key()), 7));

            AllowlistStore rebooted = new AllowlistStore(files, "t", 128, 8);
            Assert.IsTrue(rebooted.Open());
            Assert.AreEqual(3L, rebooted.Version);
            Assert.AreEqual(1L, rebooted.TableVersion);
            Assert.AreEqual(29, rebooted.Count);
            Assert.AreEqual(300L, rebooted.IssuedUnixSeconds);
            CheckState(rebooted, entries, fresh);
        }

        [TestMethod]
        public void ADeltaThatOverflowsTheOverlayIsCompactedIntoANewTable()
        {
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128, 4);
            store.Open();
            ListEntry[] entries = AllowlistUpdateTests.Sample(20, 12);
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildSnapshot(Site, 10, 100, entries, AllowlistUpdateTests.Key()), 50));
            ListEntry[] first = new ListEntry[] { ListEntry.Removal(entries[0].Uid), ListEntry.Removal(entries[1].Uid), ListEntry.Removal(entries[2].Uid) };
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 11, 10, 200, first, AllowlistUpdateTests.Key()), 9));
            Assert.AreEqual(3, store.OverlayCount);
            Assert.AreEqual(10L, store.TableVersion);

            ListEntry[] second = new ListEntry[] { ListEntry.Removal(entries[3].Uid), new ListEntry(entries[4].Uid, CardState.Stolen, 1, 0) };
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 12, 11, 300, second, AllowlistUpdateTests.Key()), 9));
            Assert.AreEqual(12L, store.Version);
            Assert.AreEqual(12L, store.TableVersion, "compacted into a new table");
            Assert.AreEqual(0, store.OverlayCount);
            Assert.AreEqual(16, store.Count);
            Assert.AreEqual(-1, files.Length("t.ov0"));
            Assert.AreEqual(-1, files.Length("t.ov1"));

            CardRecord record = new CardRecord();
            for (int i = 0; i < 4; i++)
            {
                Assert.IsFalse(store.TryFind(entries[i].Uid, 0, entries[i].Uid.Length, record));
            }

            Assert.IsTrue(store.TryFind(entries[4].Uid, 0, entries[4].Uid.Length, record));
            ExpectEnum.Equal(CardState.Stolen, record.State);
            Assert.IsTrue(store.TryFind(entries[19].Uid, 0, entries[19].Uid.Length, record));
        }

        [TestMethod]
        public void ACorruptOverlayFileFallsBackToTheTable()
        {
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128, 8);
            store.Open();
            ListEntry[] entries = AllowlistUpdateTests.Sample(10, 13);
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildSnapshot(Site, 1, 100, entries, AllowlistUpdateTests.Key()), 50));
            ListEntry[] change = new ListEntry[] { ListEntry.Removal(entries[0].Uid) };
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 2, 1, 200, change, AllowlistUpdateTests.Key()), 50));
            string name = files.Length("t.ov0") > 0 ? "t.ov0" : "t.ov1";
            byte[] overlay = files.Snapshot(name);
            for (int i = 0; i < overlay.Length; i++)
            {
                MemoryFileStore copy = new MemoryFileStore();
                copy.Append("t-a.idx", files.Snapshot("t-a.idx"), 0, files.Length("t-a.idx"));
                copy.Append("t-a.dat", files.Snapshot("t-a.dat"), 0, files.Length("t-a.dat"));
                byte[] corrupt = (byte[])overlay.Clone();
                corrupt[i] ^= 0x20;
                copy.Append(name, corrupt, 0, corrupt.Length);
                AllowlistStore reopened = new AllowlistStore(copy, "t", 128, 8);
                Assert.IsTrue(reopened.Open());
                Assert.AreEqual(1L, reopened.Version, "byte " + i);
                Assert.IsTrue(reopened.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, new CardRecord()));
                Assert.AreEqual(-1, copy.Length(name), "the corrupt overlay file is deleted");
            }
        }

        private static void CheckState(AllowlistStore store, ListEntry[] entries, byte[] fresh)
        {
            CardRecord record = new CardRecord();
            Assert.IsFalse(store.TryFind(fresh, 0, 7, record));
            Assert.AreEqual(0, store.LastLookupReads, "answered by the overlay");
            Assert.IsTrue(store.TryFind(entries[2].Uid, 0, entries[2].Uid.Length, record));
            ExpectEnum.Equal(CardState.Lost, record.State);
            Assert.IsFalse(store.TryFind(entries[3].Uid, 0, entries[3].Uid.Length, record));
            Assert.IsTrue(store.TryFind(entries[5].Uid, 0, entries[5].Uid.Length, record));
            ExpectEnum.Equal(CardState.Expired, record.State);
            Assert.IsTrue(store.TryFind(entries[6].Uid, 0, entries[6].Uid.Length, record));
            Assert.AreEqual(entries[6].HolderKey, record.HolderKey);
            int listed = 0;
            AllowlistCursor cursor = store.OpenCursor();
            while (cursor.MoveNext())
            {
                listed++;
            }

            Assert.AreEqual(store.Count, listed);
        }
    }
}
