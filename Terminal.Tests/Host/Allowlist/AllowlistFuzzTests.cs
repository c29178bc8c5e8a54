using System;
using System.Collections.Generic;
using LeoCarte.Gateway.Lists;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Allowlist;

/// <summary>
/// Fuzzing the snapshot and delta readers and the flash table reader: random bytes, bit flips, truncation at
/// every length, forged headers, wrong keys, and well-signed but malformed bodies (a buggy or compromised
/// gateway). Only clean result codes, never an exception, never a hang, and the list in force unchanged.
/// The store never fails here, so StorageError would reveal a parser bug caught as an exception.
/// </summary>
[TestClass]
public class AllowlistFuzzTests
{
    private static readonly ListUpdateResult[] CleanRefusals =
    {
        ListUpdateResult.BadMagic, ListUpdateResult.BadFormat, ListUpdateResult.Truncated, ListUpdateResult.BadSignature,
        ListUpdateResult.VersionNotNewer, ListUpdateResult.BaseMismatch, ListUpdateResult.WrongSite, ListUpdateResult.BadDelta,
        ListUpdateResult.LimitExceeded, ListUpdateResult.UnknownKey, ListUpdateResult.BadChunk, ListUpdateResult.VersionJumpTooLarge,
        ListUpdateResult.DatabaseChanged,
    };

    [TestMethod]
    public void CorruptedSnapshotsAndDeltasAreRefusedCleanly()
    {
        var baseEntries = AllowlistTestData.Population(40, 51);
        var baseList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 10, 1000, baseEntries, AllowlistTestData.Key);
        var snapshot = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 11, 2000, AllowlistTestData.Population(12, 52), AllowlistTestData.Key);
        var delta = ListBuilder.BuildDelta(AllowlistTestData.Site, 11, 10, 2000,
            ListBuilder.ComputeDelta(baseEntries, AllowlistRandomTests.Mutate(baseEntries, new Random(53), 12)), AllowlistTestData.Key);

        var (files, store, update) = Fixture(baseList);
        var sortedBase = ListBuilder.SortedCopy(baseEntries);
        var counts = new Dictionary<ListUpdateResult, int>();
        int cases = 0;

        void Expect(byte[] list, string what, int seed, bool mayBeOk = false)
        {
            var result = Feed(update, list, seed);
            if (!(mayBeOk && result == ListUpdateResult.Ok))
            {
                Assert.IsTrue(Array.IndexOf(CleanRefusals, result) >= 0, $"{what}: {result}");
                Assert.AreEqual(10L, store.Version, what);
            }

            counts[result] = counts.TryGetValue(result, out int c) ? c + 1 : 1;
            cases++;
            if (result == ListUpdateResult.Ok)
            {
                // Only an intact list could be accepted; put the base back for the next case.
                (files, store, update) = Fixture(baseList);
            }
        }

        foreach (var (name, list) in new[] { ("snapshot", snapshot), ("delta", delta) })
        {
            // Every single-bit flip anywhere, including the tag.
            for (int bit = 0; bit < list.Length * 8; bit++)
            {
                var flipped = (byte[])list.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                if (bit >= WireFormat.HeaderSize * 8)
                {
                    // Past the header, corruption is named as such: BadSignature in the manifest or the signature,
                    // BadChunk in the body (checked before it is parsed): "fetch it again", never BadFormat/BadDelta.
                    var bodyResult = Feed(update, flipped, bit);
                    var header = new ListHeader();
                    ListHeader.Read(list, 0, list.Length, header);
                    Assert.AreEqual(bit / 8 < header.BodyOffset ? ListUpdateResult.BadSignature : ListUpdateResult.BadChunk, bodyResult, $"{name} bit {bit}");
                    counts[bodyResult] = counts.TryGetValue(bodyResult, out int b) ? b + 1 : 1;
                    cases++;
                    continue;
                }

                Expect(flipped, $"{name} bit {bit}", bit);
            }

            // Truncation at every length: always Truncated (or BadMagic never: the prefix is genuine).
            for (int length = 0; length < list.Length; length++)
            {
                var result = Feed(update, list.AsSpan(0, length).ToArray(), length);
                Assert.AreEqual(ListUpdateResult.Truncated, result, $"{name} cut at {length}");
                counts[result] = counts.TryGetValue(result, out int c) ? c + 1 : 1;
                cases++;
            }

            // Another key under the trusted id.
            var wrongKey = new ListSigningKey(global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId, new PemListSigner(1, global::LeoCarte.Terminal.Tests.Support.HostListKeys.NewPem()).PublicKey);
            var wrongTrust = new ListTrust(new[] { wrongKey }, new global::LeoCarte.Terminal.Tests.Support.DotNetListSignatureVerifier(), new LeoCarte.Terminal.Crypto.PortableMac());
            Assert.AreEqual(ListUpdateResult.BadSignature, Feed(new ListUpdate(store, AllowlistTestData.Site, wrongTrust), list, 3));
            cases++;

            // Forged headers: each header field changed, tag left as it was.
            var random = new Random(name.Length);
            for (int t = 0; t < 400; t++)
            {
                var forged = (byte[])list.Clone();
                int at = random.Next(WireFormat.HeaderSize);
                forged[at] = (byte)random.Next(256);
                if (forged[at] == list[at])
                {
                    continue;
                }

                Expect(forged, $"{name} header byte {at}", t);
            }

            // Random multi-byte corruption and random garbage tails.
            for (int t = 0; t < 1000; t++)
            {
                var corrupt = (byte[])list.Clone();
                int n = 1 + random.Next(6);
                for (int i = 0; i < n; i++)
                {
                    corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
                }

                Expect(corrupt, $"{name} random corruption {t}", t, mayBeOk: FixedTime.AreEqual(corrupt, 0, list, 0, list.Length));
            }
        }

        // Pure random bytes, with and without a genuine magic.
        var rng = new Random(99);
        for (int t = 0; t < 2000; t++)
        {
            var junk = new byte[rng.Next(0, 600)];
            rng.NextBytes(junk);
            if (t % 2 == 0 && junk.Length >= 4)
            {
                junk[0] = (byte)'L';
                junk[1] = (byte)'C';
                junk[2] = (byte)'A';
                junk[3] = (byte)'L';
            }

            Expect(junk, $"random {t}", t);
        }

        Assert.IsTrue(AllowlistTestData.Holds(store, sortedBase), "the list in force survived every refusal");
        Console.WriteLine($"fuzz wire readers: {cases} cases; results: {Describe(counts)}");
    }

    [TestMethod]
    public void SignedButMalformedBodiesAreRefusedCleanly()
    {
        // A header and body of random entry bytes, correctly signed: exercises the structural checks
        // that only a gateway bug or a leaked key would reach.
        var baseEntries = AllowlistTestData.Population(30, 61);
        var baseList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 10, 1000, baseEntries, AllowlistTestData.Key);
        var (files, store, update) = Fixture(baseList);
        var random = new Random(62);
        var counts = new Dictionary<ListUpdateResult, int>();
        int cases = 0;
        for (int t = 0; t < 4000; t++)
        {
            bool isDelta = t % 2 == 1;
            // Up to 600 bytes in 256-byte chunks: entries straddle chunk boundaries; counts mostly plausible for the length.
            var body = new byte[random.Next(0, 600)];
            random.NextBytes(body);
            int count = t % 7 == 0 ? random.Next(0, 12) : body.Length / (2 + random.Next(10));
            var list = Sign(isDelta ? ListKind.Delta : ListKind.Snapshot, 11, isDelta ? 10 : 0, count, body);
            var result = Feed(update, list, t);
            Assert.AreNotEqual(ListUpdateResult.StorageError, result, $"case {t}");
            Assert.AreNotEqual(ListUpdateResult.BadSignature, result, $"case {t}");
            counts[result] = counts.TryGetValue(result, out int c) ? c + 1 : 1;
            cases++;
            if (result == ListUpdateResult.Ok)
            {
                // Random bytes can form a valid list; it must then read back whole and consistent.
                AllowlistTestData.ReadAll(store);
                (files, store, update) = Fixture(baseList);
            }
        }

        Console.WriteLine($"fuzz signed malformed bodies: {cases} cases; results: {Describe(counts)}");
    }

    [TestMethod]
    public void CorruptFlashTablesNeverThrow()
    {
        var entries = AllowlistTestData.Population(200, 71);
        var list = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 3, 1000, entries, AllowlistTestData.Key);
        var (files, store, _) = Fixture(list);
        string slot = store.BlockCount > 0 && files.Length("allow-a.dat") > 0 ? "allow-a" : "allow-b";
        var data = files.Snapshot(slot + ".dat");
        var index = files.Snapshot(slot + ".idx");
        var random = new Random(72);
        var record = new CardRecord();
        int cases = 0, opened = 0, lookups = 0, found = 0, failed = 0;
        for (int t = 0; t < 2000; t++)
        {
            var d = (byte[])data.Clone();
            var x = (byte[])index.Clone();
            var target = t % 3 == 0 ? x : d;
            int n = 1 + random.Next(8);
            for (int i = 0; i < n; i++)
            {
                target[random.Next(target.Length)] = (byte)random.Next(256);
            }

            var corrupted = new MemoryFileStore();
            corrupted.Append(slot + ".dat", d, 0, d.Length);
            corrupted.Append(slot + ".idx", x, 0, x.Length);
            var reopened = new AllowlistStore(corrupted, "allow", 128);
            if (reopened.Open())
            {
                opened++;
                foreach (var e in entries)
                {
                    // Decayed flash never answers wrongly: the exact record, or a lookup reported as failed.
                    if (reopened.TryFind(e.Uid, 0, e.Uid.Length, record))
                    {
                        Assert.IsTrue(record.State == e.State && record.HolderKey == e.HolderKey && record.Category == e.Category, $"case {t}: wrong record");
                        found++;
                    }
                    else
                    {
                        Assert.IsTrue(reopened.LastLookupFailed, $"case {t}: a listed card silently missing");
                        failed++;
                    }

                    Assert.IsTrue(reopened.LastLookupReads <= 2);
                    lookups++;
                }

                for (int u = 0; u < 50; u++)
                {
                    var unknown = (byte[])entries[random.Next(entries.Length)].Uid.Clone();
                    unknown[random.Next(unknown.Length)] ^= (byte)(1 << random.Next(8));
                    if (Array.FindIndex(entries, x => x.Uid.AsSpan().SequenceEqual(unknown)) < 0)
                    {
                        Assert.IsFalse(reopened.TryFind(unknown, 0, unknown.Length, record), $"case {t}: unknown card accepted");
                        lookups++;
                    }
                }

                var cursor = reopened.OpenCursor();
                int guard = 0;
                while (cursor.MoveNext())
                {
                    Assert.IsTrue(++guard <= entries.Length + 1, "cursor terminates");
                }
            }

            cases++;
        }

        Console.WriteLine($"fuzz flash table: {cases} corrupted tables, {opened} still opened (index intact), {lookups} lookups without exception: " +
            $"listed cards found with their exact record {found}, reported as failed lookups {failed}, wrong answers 0");
    }

    [TestMethod]
    public void AFailingFlashReadIsAFailedLookupNotAnException()
    {
        var entries = AllowlistTestData.Population(50, 81);
        var inner = new MemoryFileStore();
        var files = new FailingReadStore(inner);
        var store = new AllowlistStore(files, "allow", 128);
        store.Open();
        var update = new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 0, entries, AllowlistTestData.Key), 100));
        var record = new CardRecord();
        Assert.IsTrue(store.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, record));
        Assert.IsFalse(store.LastLookupFailed);

        files.Failing = true;
        Assert.IsFalse(store.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, record));
        Assert.IsTrue(store.LastLookupFailed, "reported as a storage fault, not an unknown card");

        // A delta checked against the table while reads fail is refused as a storage error, the list kept.
        var delta = ListBuilder.BuildDelta(AllowlistTestData.Site, 2, 1, 0, new[] { ListEntry.Removal(entries[1].Uid) }, AllowlistTestData.Key);
        Assert.AreEqual(ListUpdateResult.StorageError, AllowlistTestData.Apply(update, delta, 100));
        files.Failing = false;
        Assert.AreEqual(1L, store.Version);
        Assert.IsTrue(store.TryFind(entries[1].Uid, 0, entries[1].Uid.Length, record));
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, delta, 100));
    }

    private sealed class FailingReadStore : IFileStore
    {
        private readonly MemoryFileStore inner;

        public FailingReadStore(MemoryFileStore inner) => this.inner = inner;

        public bool Failing;

        public int Length(string name) => inner.Length(name);

        public int Read(string name, int position, byte[] buffer, int offset, int count)
            => Failing && name.EndsWith(".dat", StringComparison.Ordinal) ? throw new System.IO.IOException("flash read fault") : inner.Read(name, position, buffer, offset, count);

        public void Append(string name, byte[] data, int offset, int count) => inner.Append(name, data, offset, count);

        public void Write(string name, int position, byte[] data, int offset, int count) => inner.Write(name, position, data, offset, count);

        public void Truncate(string name, int length) => inner.Truncate(name, length);

        public void Replace(string source, string target) => inner.Replace(source, target);

        public void Delete(string name) => inner.Delete(name);
    }

    private static (MemoryFileStore, AllowlistStore, ListUpdate) Fixture(byte[] baseList)
    {
        var files = new MemoryFileStore();
        var store = new AllowlistStore(files, "allow", 128);
        store.Open();
        var update = new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, baseList, 64));
        return (files, store, update);
    }

    private static ListUpdateResult Feed(ListUpdate update, byte[] list, int seed)
    {
        int chunk = seed % 5 == 0 ? list.Length + 1 : 1 + seed % 23;
        return AllowlistTestData.Apply(update, list, chunk);
    }

    /// <summary>A list around any body bytes, correctly signed by the test gateway's key (chunks of 64 bytes).</summary>
    private static byte[] Sign(ListKind kind, long version, long baseVersion, int count, byte[] body)
    {
        const int ChunkSize = WireFormat.MinChunkSize;
        int chunks = WireFormat.ChunkCount(body.Length, ChunkSize);
        int signedLength = WireFormat.HeaderSize + (chunks * WireFormat.ChunkDigestSize);
        var list = new byte[signedLength + WireFormat.SignatureSize + body.Length];
        "LCAL"u8.CopyTo(list);
        list[4] = WireFormat.FormatVersion;
        list[5] = (byte)kind;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(8), AllowlistTestData.Site);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(list.AsSpan(12), version);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(list.AsSpan(20), baseVersion);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(list.AsSpan(28), 5000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(36), (uint)count);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(list.AsSpan(40), AllowlistTestData.Key.DatabaseId);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(48), global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(52), ChunkSize);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(56), (uint)body.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(60), (uint)chunks);
        for (int i = 0; i < chunks; i++)
        {
            var part = body.AsSpan(i * ChunkSize, Math.Min(ChunkSize, body.Length - (i * ChunkSize)));
            System.Security.Cryptography.HMACSHA256.HashData(WireFormat.ChunkDomainKey, part).AsSpan(0, WireFormat.ChunkDigestSize)
                .CopyTo(list.AsSpan(WireFormat.HeaderSize + (i * WireFormat.ChunkDigestSize)));
        }

        var digest = System.Security.Cryptography.HMACSHA256.HashData(WireFormat.SignedDomainKey, list.AsSpan(0, signedLength));
        global::LeoCarte.Terminal.Tests.Support.HostListKeys.Gateway.SignDigest(digest, list, signedLength);
        body.CopyTo(list, signedLength + WireFormat.SignatureSize);
        return list;
    }

    private static string Describe(Dictionary<ListUpdateResult, int> counts)
    {
        var parts = new List<string>();
        foreach (var pair in counts)
        {
            parts.Add($"{pair.Key} {pair.Value}");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(", ", parts);
    }
}
