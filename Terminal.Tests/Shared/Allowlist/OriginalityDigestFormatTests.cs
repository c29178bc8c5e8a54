#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Allowlist
{
    /// <summary>
    /// The originality digest of an entry (attribute bit 2, four bytes after the attribute byte: FORMAT.md, "Originality
    /// digest") as written, decoded and refused, and carried through the wire, the flash table, the overlay, a compaction
    /// and a reboot.
    /// </summary>
    [TestClass]
    public class OriginalityDigestFormatTests
    {
        private const uint Site = 77;
        private const long Issued = 1767225600;

        [TestMethod]
        public void ADigestIsAFullKeyTheAttributeBitAndFourBytes()
        {
            ByteArraySink sink = new ByteArraySink();
            ListEncoder encoder = new ListEncoder(sink, AllowlistUpdateTests.Key());
            encoder.BeginSnapshot(Site, 7, Issued, 3);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf0 }, 0, 7, CardState.Active, 5, 0, CardFamily.Desfire);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x02 }, 0, 7, CardState.Active, 70000, 0, CardFamily.Desfire, 0xC0FFEE42u);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x03 }, 0, 7, CardState.Stolen, 6, 9, CardFamily.Desfire);
            encoder.Finish();
            byte[] list = sink.ToArray();

            byte[] entries = new byte[]
            {
                0x30, 7, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf0, 0x00, 0x00, 0x05,                               // no digest
                0x38, 7, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x02, 0x05, 0xC0, 0xFF, 0xEE, 0x42, 0x01, 0x11, 0x70, // key code 7, attribute 05 (DESFire + digest), digest
                0x83, 0x01, 0x00, 0x00, 0x06, 0x09,                                                                // back to deltas after it
            };
            const int BodyOffset = 64 + 16 + 64;
            Expect.Bytes(entries, list, BodyOffset, entries.Length);

            EntryCodec codec = new EntryCodec();
            uint[] expected = new uint[] { 0, 0xC0FFEE42u, 0 };
            int offset = BodyOffset;
            for (int i = 0; i < 3; i++)
            {
                int size = EntryCodec.Measure(list, offset, list.Length - offset);
                Assert.IsTrue(codec.Decode(list, offset, size, false), "entry " + i);
                Assert.IsTrue(expected[i] == codec.OriginalityDigest, "digest of entry " + i);
                Assert.AreEqual((int)CardFamily.Desfire, (int)codec.Family, "family of entry " + i);
                offset += size;
            }

            // Measure needs the attribute byte to know the size: 0 until it is there.
            Assert.AreEqual(0, EntryCodec.Measure(entries, 12, 2));
            Assert.AreEqual(0, EntryCodec.Measure(entries, 12, 9));
            Assert.AreEqual(17, EntryCodec.Measure(entries, 12, 10));
        }

        [TestMethod]
        public void MalformedDigestsAreRefused()
        {
            byte[] entry = new byte[] { 0x38, 4, 1, 2, 3, 4, 0x06, 0x12, 0x34, 0x56, 0x78, 0, 0, 1 }; // 4-byte DESFire + digest
            EntryCodec codec = new EntryCodec();
            Assert.AreEqual(entry.Length, EntryCodec.Measure(entry, 0, entry.Length));
            Assert.IsTrue(codec.Decode(entry, 0, entry.Length, false));
            Assert.IsTrue(0x12345678u == codec.OriginalityDigest);

            // A digest of 0 is "none": an encoder clears bit 2 instead, so bit 2 with 0 is malformed.
            byte[] zero = new byte[] { 0x38, 4, 1, 2, 3, 4, 0x06, 0, 0, 0, 0, 0, 0, 1 };
            codec.Key.Clear();
            Assert.IsFalse(codec.Decode(zero, 0, zero.Length, false));

            // Bits 3–7 stay reserved.
            entry[6] = 0x0E;
            codec.Key.Clear();
            Assert.IsFalse(codec.Decode(entry, 0, entry.Length, false));

            // An entry without the digest decoded after one with it: the digest does not leak into it.
            byte[] two = new byte[] { 0x38, 4, 1, 2, 3, 4, 0x06, 0x12, 0x34, 0x56, 0x78, 0, 0, 1, 0x00, 0x01, 0, 0, 2 };
            codec.Key.Clear();
            int first = EntryCodec.Measure(two, 0, two.Length);
            Assert.IsTrue(codec.Decode(two, 0, first, false));
            Assert.IsTrue(codec.Decode(two, first, EntryCodec.Measure(two, first, two.Length - first), false));
            Assert.IsTrue(0u == codec.OriginalityDigest, "a delta-keyed entry has no digest");
        }
    }
}
