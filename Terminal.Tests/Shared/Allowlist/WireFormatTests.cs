#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Allowlist
{
    /// <summary>The wire bytes exactly as FORMAT.md documents them (the gateway engineer codes against that page).</summary>
    [TestClass]
    public class WireFormatTests
    {
        [TestMethod]
        public void SnapshotBytesMatchTheDocumentedLayout()
        {
            ByteArraySink sink = new ByteArraySink();
            ListEncoder encoder = new ListEncoder(sink, AllowlistUpdateTests.Key());
            encoder.BeginSnapshot(0x0102, 7, 1767225600, 3);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf0 }, 0, 7, CardState.Active, 5, 0);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x02 }, 0, 7, CardState.Active, 70000, 0);
            encoder.Add(new byte[] { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe7, 0x03 }, 0, 7, CardState.Stolen, -2, 9);
            encoder.Finish();
            byte[] list = sink.ToArray();

            byte[] entries = new byte[]
            {
                0x30, 7, 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf0, 0x00, 0x00, 0x05, // full key, holder 5
                0x08, 0x01, 0x12, 0x01, 0x11, 0x70,                                 // FORMAT.md example
                0xC3, 0x01, 0xFF, 0xFF, 0xFF, 0xFE, 0x09,                           // Stolen, delta 1, holder -2 (4 bytes), category 9
            };

            byte[] header = new byte[]
            {
                0x4C, 0x43, 0x41, 0x4C, 2, 1, 0, 0, 0, 0, 0x01, 0x02,
                0, 0, 0, 0, 0, 0, 0, 7,                 // version
                0, 0, 0, 0, 0, 0, 0, 0,                 // base version
                0, 0, 0, 0, 0x69, 0x55, 0xB9, 0x00,     // issued
                0, 0, 0, 3,                             // entries
                0, 0, 0, 0, 0x5E, 0xED, 0x00, 0x01,     // database id
                0, 0, 0, 7,                             // key id
                0, 0, 0x10, 0x00,                       // chunk size 4096
                0, 0, 0, 25,                            // body length
                0, 0, 0, 1,                             // chunk count
            };
            Expect.Bytes(header, list, 0, 64);
            Assert.AreEqual(64 + 16 + 64 + entries.Length, list.Length);

            // Manifest: the chunk's HMAC-SHA256 under the public chunk key, first 16 bytes.
            byte[] digest = new byte[32];
            HmacSha256.Compute(WireFormat.ChunkDomainKey, entries, 0, entries.Length, digest, 0);
            Expect.Bytes(digest, list, 64, 16);

            // Signature over D = HMAC-SHA256(signed key, header ‖ manifest), then the body.
            HmacSha256.Compute(WireFormat.SignedDomainKey, list, 0, 80, digest, 0);
            Assert.IsTrue(AllowlistUpdateTests.GatewayKey.Verify(AllowlistUpdateTests.GatewayKey.PublicKey, digest, list, 80));
            Expect.Bytes(entries, list, 144, entries.Length);
        }

        [TestMethod]
        public void DeltaRemovalIsATagAndAKeyOnly()
        {
            ByteArraySink sink = new ByteArraySink();
            ListEncoder encoder = new ListEncoder(sink, AllowlistUpdateTests.Key());
            encoder.BeginDelta(1, 9, 8, 0, 2);
            encoder.AddRemoval(new byte[] { 1, 2, 3, 4 }, 0, 4);
            encoder.Add(new byte[] { 1, 2, 3, 6 }, 0, 4, CardState.Renewed, 1, 0);
            encoder.Finish();
            byte[] list = sink.ToArray();
            Assert.AreEqual(2, (int)list[5]);
            Assert.AreEqual(8L, (long)list[27]);
            Expect.Bytes(new byte[] { 0x37, 4, 1, 2, 3, 4, 0x04, 0x02, 0, 0, 1 }, list, 64 + 16 + 64, 11);
        }

        [TestMethod]
        public void ABodyIsCutIntoChunksOfTheDeclaredSize()
        {
            ListSigning signing = AllowlistUpdateTests.Key();
            signing.ChunkSize = 256;
            byte[] list = ListBuilder.BuildSnapshot(AllowlistUpdateTests.Site, 1, 0, AllowlistUpdateTests.Sample(200, 3), signing);
            ListHeader header = new ListHeader();
            ExpectEnum.Equal(ListUpdateResult.Ok, ListHeader.Read(list, 0, list.Length, header));
            Assert.AreEqual(256, header.ChunkSize);
            Assert.AreEqual((header.BodyLength + 255) / 256, header.ChunkCount);
            Assert.IsTrue(header.ChunkCount > 2, "chunks: " + header.ChunkCount.ToString() + ", body " + header.BodyLength.ToString());
            Assert.AreEqual(header.BodyOffset + header.BodyLength, list.Length);
            byte[] digest = new byte[32];
            int last = header.ChunkCount - 1;
            int lastLength = header.BodyLength - (last * 256);
            HmacSha256.Compute(WireFormat.ChunkDomainKey, list, header.BodyOffset + (last * 256), lastLength, digest, 0);
            Expect.Bytes(digest, list, 64 + (last * 16), 16);

            AllowlistStore store = new AllowlistStore(new LeoCarte.Terminal.Storage.MemoryFileStore(), "t", 128);
            store.Open();
            ExpectEnum.Equal(ListUpdateResult.Ok, AllowlistUpdateTests.Feed(store, list, 97));
            Assert.AreEqual(200, store.Count);
        }

        [TestMethod]
        public void HeaderReadsBackWhatTheBuilderWrote()
        {
            ListEntry[] changes = new ListEntry[] { ListEntry.Removal(new byte[] { 1, 2, 3, 4 }) };
            byte[] delta = ListBuilder.BuildDelta(0x01020304, 42, 41, 1767225600, changes, AllowlistUpdateTests.Key());
            ListHeader header = new ListHeader();
            ExpectEnum.Equal(ListUpdateResult.Ok, ListHeader.Read(delta, 0, delta.Length, header));
            ExpectEnum.Equal(ListKind.Delta, header.Kind);
            Assert.AreEqual(0x01020304u, header.SiteId);
            Assert.AreEqual(42L, header.Version);
            Assert.AreEqual(41L, header.BaseVersion);
            Assert.AreEqual(1767225600L, header.IssuedUnixSeconds);
            Assert.AreEqual(1, header.EntryCount);
            Assert.AreEqual(AllowlistUpdateTests.Database, header.DatabaseId);
            Assert.AreEqual(7u, header.KeyId);
            ExpectEnum.Equal(ListUpdateResult.Truncated, ListHeader.Read(delta, 0, 63, header));
            delta[5] = 3;
            ExpectEnum.Equal(ListUpdateResult.BadFormat, ListHeader.Read(delta, 0, delta.Length, header));
            delta[0] = (byte)'<';
            ExpectEnum.Equal(ListUpdateResult.BadMagic, ListHeader.Read(delta, 0, delta.Length, header));
        }

        [TestMethod]
        public void EncoderRefusesProgrammingErrors()
        {
            ListEncoder encoder = new ListEncoder(new ByteArraySink(), AllowlistUpdateTests.Key());
            encoder.BeginSnapshot(1, 1, 0, 2);
            encoder.Add(new byte[] { 1, 2, 3, 4 }, 0, 4, CardState.Active, 1, 0);
            Expect.Throws(typeof(System.ArgumentException), () => encoder.Add(new byte[] { 1, 2, 3, 4 }, 0, 4, CardState.Active, 1, 0));
            Expect.Throws(typeof(System.ArgumentException), () => encoder.Add(new byte[] { 1, 2, 3, 4, 5 }, 0, 5, CardState.Active, 1, 0));
            Expect.Throws(typeof(System.InvalidOperationException), () => encoder.AddRemoval(new byte[] { 1, 2, 3, 5 }, 0, 4));
            Expect.Throws(typeof(System.InvalidOperationException), () => encoder.Finish());
        }
    }
}
