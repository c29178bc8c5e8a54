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
    /// The RAM index keeps 8 bytes per block (length + first 7 UID bytes): exact for 4- and 7-byte UIDs, a prefix
    /// for 10-byte ones. When 10-byte UIDs sharing 7 bytes straddle a block boundary, a lookup reads the block
    /// the index points to and then the one before: the only case that takes two storage reads.
    /// </summary>
    [TestClass]
    public class TableIndexTests
    {
        [TestMethod]
        public void TenByteUidsStraddlingABlockBoundaryTakeTwoReads()
        {
            // 116-byte blocks (55-byte block header) hold four 15-byte entries: Q01, P01, P02, P03 | P04, P05, P06.
            ListEntry[] entries = new ListEntry[7];
            entries[0] = new ListEntry(Uid10(0x03, 1), CardState.Active, 1, 0);
            for (int i = 1; i < 7; i++)
            {
                entries[i] = new ListEntry(Uid10(0x04, (byte)i), CardState.Active, 100 + i, 0);
            }

            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 116);
            store.Open();
            byte[] list = ListBuilder.BuildSnapshot(76, 1, 0, entries, AllowlistUpdateTests.Key());
            ListUpdate update = new ListUpdate(store, 76, AllowlistUpdateTests.Trust());
            update.Begin();
            ExpectEnum.Equal(ListUpdateResult.Ok, update.Write(list, 0, list.Length));
            ExpectEnum.Equal(ListUpdateResult.Ok, update.Commit());
            Assert.AreEqual(2, store.BlockCount);

            CardRecord record = new CardRecord();
            int twoReads = 0;
            for (int i = 0; i < 7; i++)
            {
                files.ResetCounters();
                Assert.IsTrue(store.TryFind(entries[i].Uid, 0, 10, record), "entry " + i);
                Assert.AreEqual(entries[i].HolderKey, record.HolderKey);
                Assert.AreEqual(files.ReadCount, store.LastLookupReads);
                Assert.IsTrue(store.LastLookupReads <= 2);
                if (store.LastLookupReads == 2)
                {
                    twoReads++;
                }
            }

            Assert.AreEqual(3, twoReads, "P01..P03 sit before the block the index points to");

            // Unknown UIDs with the shared prefix: below, between and above the listed ones.
            Assert.IsFalse(store.TryFind(Uid10(0x04, 0), 0, 10, record));
            Assert.AreEqual(2, store.LastLookupReads);
            Assert.IsFalse(store.TryFind(Uid10(0x04, 9), 0, 10, record));
            Assert.AreEqual(1, store.LastLookupReads);
            Assert.IsFalse(store.TryFind(Uid10(0x02, 9), 0, 10, record));
            Assert.AreEqual(0, store.LastLookupReads);
        }

        [TestMethod]
        public void AWholeBlockOfTenByteUidsSharingSevenBytesIsAReportedLimit()
        {
            ListEntry[] entries = new ListEntry[9];
            for (int i = 0; i < 9; i++)
            {
                entries[i] = new ListEntry(Uid10(0x04, (byte)i), CardState.Active, i, 0);
            }

            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 116);
            store.Open();
            byte[] list = ListBuilder.BuildSnapshot(76, 1, 0, entries, AllowlistUpdateTests.Key());
            ListUpdate update = new ListUpdate(store, 76, AllowlistUpdateTests.Trust());
            update.Begin();
            // The chunk verified against the signed manifest, then its entries hit the limit: reported at once.
            ExpectEnum.Equal(ListUpdateResult.LimitExceeded, update.Write(list, 0, list.Length));
            ExpectEnum.Equal(ListUpdateResult.LimitExceeded, update.Commit());
            Assert.AreEqual(0L, store.Version);
        }

        [TestMethod]
        public void LookupsOfEverySizeReadOneBlock()
        {
            ListEntry[] entries = AllowlistUpdateTests.Sample(200, 9);
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128);
            store.Open();
            byte[] list = ListBuilder.BuildSnapshot(76, 1, 0, entries, AllowlistUpdateTests.Key());
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, list, 100));
            CardRecord record = new CardRecord();
            for (int i = 0; i < entries.Length; i++)
            {
                Assert.IsTrue(store.TryFind(entries[i].Uid, 0, entries[i].Uid.Length, record));
                Assert.AreEqual(1, store.LastLookupReads);
            }

            // The UID may sit anywhere in the caller's buffer.
            byte[] frame = new byte[20];
            System.Array.Copy(entries[5].Uid, 0, frame, 3, entries[5].Uid.Length);
            Assert.IsTrue(store.TryFind(frame, 3, entries[5].Uid.Length, record));
            Assert.IsFalse(store.TryFind(frame, 15, 7, record));
        }

        private static byte[] Uid10(byte seventh, byte last)
        {
            return new byte[] { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, seventh, 0x00, 0x00, last };
        }
    }
}
