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
    /// <summary>Signed snapshots and deltas applied to the flash table, and every refusal the update API reports.</summary>
    [TestClass]
    public partial class AllowlistUpdateTests
    {
        private const long Issued = 1767225600; // 2026-01-01T00:00:00Z

        [TestMethod]
        public void EmptyStoreKnowsNoCard()
        {
            AllowlistStore store = new AllowlistStore(new MemoryFileStore());
            Assert.IsFalse(store.Open());
            Assert.AreEqual(0L, store.Version);
            Assert.AreEqual(0, store.Count);
            Assert.IsFalse(store.TryFind(new byte[] { 4, 1, 2, 3, 4, 5, 6 }, 0, 7, new CardRecord()));
        }

        [TestMethod]
        public void SnapshotIsFoundCardByCard()
        {
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128);
            store.Open();
            ListEntry[] entries = Sample(60, 1);
            byte[] list = ListBuilder.BuildSnapshot(Site, 5, Issued, entries, Key());
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, list, 13));
            Assert.AreEqual(5L, store.Version);
            Assert.AreEqual(60, store.Count);
            Assert.AreEqual(Site, store.SiteId);
            Assert.AreEqual(new System.DateTime(2026, 1, 1, 0, 0, 0), store.IssuedUtc);
            Assert.IsTrue(store.BlockCount > 3, "several blocks");
            CardRecord record = new CardRecord();
            for (int i = 0; i < entries.Length; i++)
            {
                Assert.IsTrue(store.TryFind(entries[i].Uid, 0, entries[i].Uid.Length, record), "entry " + i);
                ExpectEnum.Equal(entries[i].State, record.State);
                Assert.AreEqual(entries[i].HolderKey, record.HolderKey);
                Assert.AreEqual((int)entries[i].Category, (int)record.Category);
                Assert.IsTrue(store.LastLookupReads <= 2);
            }

            // One bit away from a listed card is unknown: the table holds exact UIDs.
            byte[] near = (byte[])entries[7].Uid.Clone();
            near[near.Length - 1] ^= 0x10;
            Assert.IsFalse(store.TryFind(near, 0, near.Length, record));
            Assert.IsFalse(store.TryFind(entries[7].Uid, 0, 5, record));

            // A reboot finds the same list.
            AllowlistStore reopened = new AllowlistStore(files, "t", 128);
            Assert.IsTrue(reopened.Open());
            Assert.AreEqual(5L, reopened.Version);
            Assert.IsTrue(reopened.TryFind(entries[59].Uid, 0, entries[59].Uid.Length, record));
        }

        [TestMethod]
        public void DeltaAddsChangesAndRemoves()
        {
            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 128);
            store.Open();
            ListEntry[] entries = Sample(30, 2);
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, ListBuilder.BuildSnapshot(Site, 1, Issued, entries, Key()), 1000));

            byte[] added = new byte[] { 0x04, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA };
            ListEntry[] changes = new ListEntry[]
            {
                new ListEntry(added, CardState.Active, 900, 2),
                new ListEntry(entries[3].Uid, CardState.Lost, entries[3].HolderKey, 0),
                ListEntry.Removal(entries[4].Uid),
            };
            byte[] delta = ListBuilder.BuildDelta(Site, 2, 1, Issued + 60, changes, Key());
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, delta, 5));
            Assert.AreEqual(2L, store.Version);
            Assert.AreEqual(30, store.Count);

            CardRecord record = new CardRecord();
            Assert.IsTrue(store.TryFind(added, 0, 7, record));
            Assert.AreEqual(900, record.HolderKey);
            Assert.AreEqual(2, (int)record.Category);
            Assert.IsTrue(store.TryFind(entries[3].Uid, 0, entries[3].Uid.Length, record));
            ExpectEnum.Equal(CardState.Lost, record.State);
            Assert.IsFalse(store.TryFind(entries[4].Uid, 0, entries[4].Uid.Length, record));
            Assert.IsTrue(store.TryFind(entries[5].Uid, 0, entries[5].Uid.Length, record));
        }

        [TestMethod]
        public void ReplaysAndWrongBasesAreRefusedAndTheListKept()
        {
            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 128);
            store.Open();
            ListEntry[] entries = Sample(10, 3);
            byte[] v3 = ListBuilder.BuildSnapshot(Site, 3, Issued, entries, Key());
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, v3, 7));
            ExpectEnum.Equal(ListUpdateResult.VersionNotNewer, Feed(store, v3, 7));
            ExpectEnum.Equal(ListUpdateResult.VersionNotNewer, Feed(store, ListBuilder.BuildSnapshot(Site, 2, Issued, entries, Key()), 7));

            ListEntry[] change = new ListEntry[] { ListEntry.Removal(entries[0].Uid) };
            ExpectEnum.Equal(ListUpdateResult.BaseMismatch, Feed(store, ListBuilder.BuildDelta(Site, 5, 2, Issued, change, Key()), 7));
            ExpectEnum.Equal(ListUpdateResult.VersionNotNewer, Feed(store, ListBuilder.BuildDelta(Site, 3, 2, Issued, change, Key()), 7));
            ExpectEnum.Equal(ListUpdateResult.WrongSite, Feed(store, ListBuilder.BuildSnapshot(Site + 1, 9, Issued, entries, Key()), 7));

            // Another key under the trusted id (a forgery), and a key id the terminal does not hold.
            StandInListKeys forger = new StandInListKeys(GatewayKey.KeyId, 0x11);
            ExpectEnum.Equal(ListUpdateResult.BadSignature, Feed(store, ListBuilder.BuildSnapshot(Site, 9, Issued, entries, forger.Signing(Database)), 7));
            StandInListKeys unknown = new StandInListKeys(8, 0xA0);
            ExpectEnum.Equal(ListUpdateResult.UnknownKey, Feed(store, ListBuilder.BuildSnapshot(Site, 9, Issued, entries, unknown.Signing(Database)), 7));

            ListEntry[] absent = new ListEntry[] { ListEntry.Removal(new byte[] { 1, 2, 3, 4 }) };
            ExpectEnum.Equal(ListUpdateResult.BadDelta, Feed(store, ListBuilder.BuildDelta(Site, 4, 3, Issued, absent, Key()), 7));

            Assert.AreEqual(3L, store.Version);
            Assert.AreEqual(10, store.Count);
            Assert.IsTrue(store.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, new CardRecord()));
        }

        [TestMethod]
        public void TruncatedCorruptAndForeignStreamsAreRefused()
        {
            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 128);
            store.Open();
            byte[] list = ListBuilder.BuildSnapshot(Site, 1, Issued, Sample(10, 4), Key());

            byte[] cut = new byte[list.Length - 1];
            System.Array.Copy(list, cut, cut.Length);
            ExpectEnum.Equal(ListUpdateResult.Truncated, Feed(store, cut, 9));

            // A byte after the body: not a list this format produces.
            byte[] longer = new byte[list.Length + 1];
            System.Array.Copy(list, longer, list.Length);
            ExpectEnum.Equal(ListUpdateResult.BadFormat, Feed(store, longer, 9));

            byte[] html = CryptoText("<html><body>502 Bad Gateway</body></html>");
            ExpectEnum.Equal(ListUpdateResult.BadMagic, Feed(store, html, 9));

            // A flipped bit after the header: in the manifest or the signature it breaks the signature, in the body
            // the chunk's digest; never a structure error of an authentic list, never applied.
            ListHeader parsed = new ListHeader();
            ExpectEnum.Equal(ListUpdateResult.Ok, ListHeader.Read(list, 0, list.Length, parsed));
            for (int at = WireFormat.HeaderSize; at < list.Length; at++)
            {
                byte[] flipped = (byte[])list.Clone();
                flipped[at] ^= 0x01;
                ListUpdateResult flippedResult = Feed(store, flipped, 9);
                ExpectEnum.Equal(at < parsed.BodyOffset ? ListUpdateResult.BadSignature : ListUpdateResult.BadChunk, flippedResult);
            }

            Assert.AreEqual(0L, store.Version);
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, list, 9));
        }

        [TestMethod]
        public void UpdateApiMisuseGetsResultCodes()
        {
            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 128);
            store.Open();
            ListUpdate update = new ListUpdate(store, Site, Trust());
            byte[] list = ListBuilder.BuildSnapshot(Site, 1, Issued, Sample(3, 5), Key());
            ExpectEnum.Equal(ListUpdateResult.NotStarted, update.Write(list, 0, 4));
            ExpectEnum.Equal(ListUpdateResult.NotStarted, update.Commit());
            update.Begin();
            ExpectEnum.Equal(ListUpdateResult.InvalidArgument, update.Write(null, 0, 1));
            ExpectEnum.Equal(ListUpdateResult.InvalidArgument, update.Write(list, list.Length, 1));
            ExpectEnum.Equal(ListUpdateResult.Ok, update.Write(list, 0, list.Length / 2));
            update.Abort();
            Assert.AreEqual(0L, store.Version);
            ExpectEnum.Equal(ListUpdateResult.NotStarted, update.Commit());
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, list, 2));
        }

        [TestMethod]
        public void EmptyListIsAValidVersion()
        {
            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 128);
            store.Open();
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, ListBuilder.BuildSnapshot(Site, 1, Issued, new ListEntry[0], Key()), 3));
            Assert.AreEqual(1L, store.Version);
            Assert.AreEqual(0, store.Count);
            Assert.IsFalse(store.TryFind(new byte[] { 1, 2, 3, 4 }, 0, 4, new CardRecord()));
            ListEntry[] one = new ListEntry[] { new ListEntry(new byte[] { 1, 2, 3, 4 }, CardState.Active, 1, 0) };
            ExpectEnum.Equal(ListUpdateResult.Ok, Feed(store, ListBuilder.BuildDelta(Site, 2, 1, Issued, one, Key()), 3));
            Assert.IsTrue(store.TryFind(new byte[] { 1, 2, 3, 4 }, 0, 4, new CardRecord()));
        }

        [TestMethod]
        public void DeltaComputationRoundTrips()
        {
            ListEntry[] before = Sample(20, 6);
            ListEntry[] after = new ListEntry[20];
            for (int i = 0; i < 20; i++)
            {
                after[i] = before[i];
            }

            after[2] = new ListEntry(before[2].Uid, CardState.Stolen, before[2].HolderKey, 0);
            after[5] = new ListEntry(new byte[] { 9, 9, 9, 9 }, CardState.Active, 77, 0);
            ListEntry[] delta = ListBuilder.ComputeDelta(before, after);
            Assert.AreEqual(3, delta.Length);
            int removals = 0;
            for (int i = 0; i < delta.Length; i++)
            {
                if (delta[i].IsRemoval)
                {
                    removals++;
                    Assert.AreEqual(0, CardUid.Compare(delta[i].Uid, 0, delta[i].Uid.Length, before[5].Uid, 0, before[5].Uid.Length));
                }
            }

            Assert.AreEqual(1, removals);
        }

        private static byte[] CryptoText(string s)
        {
            byte[] b = new byte[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                b[i] = (byte)s[i];
            }

            return b;
        }
    }
}
