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
    /// <summary>
    /// Originality digests carried through the wire, the flash table, the overlay, a compaction and a reboot
    /// (FORMAT.md, "Originality digest").
    /// </summary>
    [TestClass]
    public class OriginalityDigestStoreTests
    {
        private const uint Site = 76; // AllowlistUpdateTests.Feed's site
        private const long Issued = 1767225600;

        [TestMethod]
        public void DigestsSurviveTableOverlayCompactionAndReboot()
        {
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128);
            store.Open();
            ListEntry[] entries = AllowlistUpdateTests.Sample(60, 12);
            for (int i = 0; i < entries.Length; i += 3)
            {
                entries[i].OriginalityDigest = 0x01000193u * (uint)(i + 1);
            }

            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildSnapshot(Site, 1, Issued, 0, 0, entries, AllowlistUpdateTests.Key()), 13));
            CheckAll(store, entries, "snapshot");

            // Enrolment of one more card and removal of another's digest: a delta in the overlay.
            entries[4].OriginalityDigest = 0xA5A5A5A5u;
            entries[3].OriginalityDigest = 0;
            ListEntry[] change = new ListEntry[] { entries[3], entries[4] };
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 2, 1, Issued, 0, 0, change, AllowlistUpdateTests.Key()), 7));
            Assert.AreEqual(2, store.OverlayCount, "applied in the overlay");
            CheckAll(store, entries, "overlay");

            AllowlistStore reopened = new AllowlistStore(files, "t", 128);
            Assert.IsTrue(reopened.Open());
            CheckAll(reopened, entries, "overlay after reboot");

            // A key-version change compacts table and overlay into a new table.
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(reopened, ListBuilder.BuildDelta(Site, 3, 2, Issued, 2, 0, new ListEntry[0], AllowlistUpdateTests.Key()), 7));
            Assert.AreEqual(0, reopened.OverlayCount, "compacted into a new table");
            CheckAll(reopened, entries, "compaction");

            AllowlistStore rebooted = new AllowlistStore(files, "t", 128);
            Assert.IsTrue(rebooted.Open());
            CheckAll(rebooted, entries, "reboot");
        }

        private static void CheckAll(AllowlistStore store, ListEntry[] entries, string when)
        {
            CardRecord record = new CardRecord();
            for (int i = 0; i < entries.Length; i++)
            {
                Assert.IsTrue(store.TryFind(entries[i].Uid, 0, entries[i].Uid.Length, record), when + ": entry " + i);
                Assert.IsTrue(entries[i].OriginalityDigest == record.OriginalityDigest, when + ": digest of entry " + i);
                Assert.AreEqual(entries[i].HolderKey, record.HolderKey, when + ": holder of entry " + i);
            }
        }
    }
}
