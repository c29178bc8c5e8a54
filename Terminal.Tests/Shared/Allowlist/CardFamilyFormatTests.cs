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
    /// The card family of each entry (key code 7 + attribute byte when it differs from the one the UID length implies)
    /// and the DESFire key versions of the header, as FORMAT.md documents them, through the wire, the flash table, the
    /// overlay, a compaction and a reboot.
    /// </summary>
    [TestClass]
    public class CardFamilyFormatTests
    {
        private const uint Site = 76;
        private const long Issued = 1767225600;

        [TestMethod]
        public void ImpliedFamilyCostsNothingAnotherFamilyIsAFullKeyAndOneAttributeByte()
        {
            ByteArraySink sink = new ByteArraySink();
            ListEncoder encoder = new ListEncoder(sink, AllowlistUpdateTests.Key());
            encoder.KeyVersion = 3;
            encoder.PreviousKeyVersion = 2;
            encoder.BeginSnapshot(0x0102, 7, 1767225600, 3);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf0 }, 0, 7, CardState.Active, 5, 0, CardFamily.Desfire);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x02 }, 0, 7, CardState.Active, 70000, 0, CardFamily.Classic);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x03 }, 0, 7, CardState.Stolen, 6, 9, CardFamily.Desfire);
            encoder.Finish();
            byte[] list = sink.ToArray();

            Assert.AreEqual(3, (int)list[6], "key version in force at offset 6");
            Assert.AreEqual(2, (int)list[7], "previous key version at offset 7");
            byte[] entries = new byte[]
            {
                0x30, 7, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf0, 0x00, 0x00, 0x05,       // DESFire as implied: key code 6, no attribute
                0x38, 7, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x02, 0x02, 0x01, 0x11, 0x70, // a 7-byte Classic: key code 7, attribute 02
                0x83, 0x01, 0x00, 0x00, 0x06, 0x09,                                        // back to deltas after it
            };
            // The body follows the header (64), one manifest digest (16) and the signature (64).
            const int BodyOffset = 64 + 16 + 64;
            Expect.Bytes(entries, list, BodyOffset, entries.Length);

            EntryCodec codec = new EntryCodec();
            int offset = BodyOffset;
            CardFamily[] expected = new CardFamily[] { CardFamily.Desfire, CardFamily.Classic, CardFamily.Desfire };
            for (int i = 0; i < 3; i++)
            {
                int size = EntryCodec.Measure(list, offset, list.Length - offset);
                Assert.IsTrue(codec.Decode(list, offset, size, false), "entry " + i);
                Assert.AreEqual((int)expected[i], (int)codec.Family, "family of entry " + i);
                offset += size;
            }

            ListHeader header = new ListHeader();
            ExpectEnum.Equal(ListUpdateResult.Ok, ListHeader.Read(list, 0, list.Length, header));
            Assert.AreEqual(3, (int)header.KeyVersion);
            Assert.AreEqual(2, (int)header.PreviousKeyVersion);
        }

        [TestMethod]
        public void MalformedAttributesAndKeyVersionsAreRefused()
        {
            byte[] entry = new byte[] { 0x38, 4, 1, 2, 3, 4, 0x01, 0, 0, 1 }; // a 4-byte DESFire: valid
            EntryCodec codec = new EntryCodec();
            Assert.AreEqual(entry.Length, EntryCodec.Measure(entry, 0, entry.Length));
            Assert.IsTrue(codec.Decode(entry, 0, entry.Length, false));
            Assert.AreEqual((int)CardFamily.Desfire, (int)codec.Family);

            entry[6] = 0x03; // family code 3: not defined
            codec.Key.Clear();
            Assert.IsFalse(codec.Decode(entry, 0, entry.Length, false));
            entry[6] = 0x41; // a reserved bit
            codec.Key.Clear();
            Assert.IsFalse(codec.Decode(entry, 0, entry.Length, false));

            // A removal has no attributes.
            Assert.AreEqual(-1, EntryCodec.Measure(new byte[] { 0x3F, 4 }, 0, 2));

            ListEntry[] one = new ListEntry[] { new ListEntry(new byte[] { 1, 2, 3, 4 }, CardState.Active, 1, 0) };
            Expect.Throws(typeof(System.ArgumentException), () => ListBuilder.BuildSnapshot(Site, 1, Issued, 0, 1, one, AllowlistUpdateTests.Key()));
            Expect.Throws(typeof(System.ArgumentException), () => ListBuilder.BuildSnapshot(Site, 1, Issued, 4, 4, one, AllowlistUpdateTests.Key()));

            // Headers forged with such pairs are refused before any flash is touched.
            byte[] list = ListBuilder.BuildSnapshot(Site, 1, Issued, 4, 3, one, AllowlistUpdateTests.Key());
            ListHeader header = new ListHeader();
            list[6] = 0;
            ExpectEnum.Equal(ListUpdateResult.BadFormat, ListHeader.Read(list, 0, list.Length, header));
            AllowlistStore store = new AllowlistStore(new MemoryFileStore(), "t", 128);
            store.Open();
            ExpectEnum.Equal(ListUpdateResult.BadFormat, AllowlistUpdateTests.Feed(store, list, 9));
            list[6] = 3;
            ExpectEnum.Equal(ListUpdateResult.BadFormat, ListHeader.Read(list, 0, list.Length, header));
        }

        [TestMethod]
        public void FamiliesAndKeyVersionsSurviveTableOverlayCompactionAndReboot()
        {
            MemoryFileStore files = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(files, "t", 128);
            store.Open();
            ListEntry[] entries = AllowlistUpdateTests.Sample(60, 11);
            for (int i = 0; i < entries.Length; i += 5)
            {
                entries[i].Family = i % 2 == 0 ? CardFamily.Unchecked : (entries[i].Uid.Length == 7 ? CardFamily.Classic : CardFamily.Desfire);
            }

            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildSnapshot(Site, 1, Issued, 2, 1, entries, AllowlistUpdateTests.Key()), 13));
            Assert.AreEqual(2, (int)store.KeyVersion);
            Assert.AreEqual(1, (int)store.PreviousKeyVersion);
            CheckAll(store, entries, "snapshot");

            // A small delta with the same key versions goes to the overlay: a family change rides in it.
            entries[3].Family = CardFamily.Unchecked;
            ListEntry[] change = new ListEntry[] { entries[3] };
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 2, 1, Issued, 2, 1, change, AllowlistUpdateTests.Key()), 7));
            Assert.AreEqual(1, store.OverlayCount, "applied in the overlay");
            CheckAll(store, entries, "overlay");

            // A rotation (3 in force, 2 still accepted) in an otherwise empty delta is written as a new table.
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, ListBuilder.BuildDelta(Site, 3, 2, Issued, 3, 2, new ListEntry[0], AllowlistUpdateTests.Key()), 7));
            Assert.AreEqual(0, store.OverlayCount, "compacted into a new table");
            Assert.AreEqual(3L, store.Version);
            Assert.AreEqual(3, (int)store.KeyVersion);
            Assert.AreEqual(2, (int)store.PreviousKeyVersion);
            CheckAll(store, entries, "compaction");

            AllowlistStore rebooted = new AllowlistStore(files, "t", 128);
            Assert.IsTrue(rebooted.Open());
            Assert.AreEqual(3, (int)rebooted.KeyVersion);
            Assert.AreEqual(2, (int)rebooted.PreviousKeyVersion);
            CheckAll(rebooted, entries, "reboot");

            // The end of the rotation: the previous version is no longer accepted.
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(rebooted, ListBuilder.BuildDelta(Site, 4, 3, Issued, 3, 0, new ListEntry[0], AllowlistUpdateTests.Key()), 7));
            Assert.AreEqual(3, (int)rebooted.KeyVersion);
            Assert.AreEqual(0, (int)rebooted.PreviousKeyVersion);

            Assert.AreEqual(entries.Length, rebooted.Count);
            CheckAll(rebooted, entries, "end of rotation");
        }

        private static void CheckAll(AllowlistStore store, ListEntry[] entries, string when)
        {
            CardRecord record = new CardRecord();
            for (int i = 0; i < entries.Length; i++)
            {
                Assert.IsTrue(store.TryFind(entries[i].Uid, 0, entries[i].Uid.Length, record), when + ": entry " + i);
                Assert.AreEqual((int)entries[i].Family, (int)record.Family, when + ": family of entry " + i);
                Assert.AreEqual(entries[i].HolderKey, record.HolderKey, when + ": holder of entry " + i);
            }
        }
    }
}
