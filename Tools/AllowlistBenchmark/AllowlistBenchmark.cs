using System;
using System.Collections.Generic;
using System.IO;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Tools.AllowlistBenchmark;

/// <summary>Figures one run measured: counts and bytes only, so tests can assert on them deterministically.</summary>
public sealed class BenchmarkFigures
{
    public int Cards;

    /// <summary>The same population with an originality digest on every DESFire card (informational, no target).</summary>
    public double DigestTableBytesPerCard;
    public double DigestSnapshotBytesPerCard;
    public int DigestCards;
    public int TableFlashBytes;
    public double TableBytesPerCard;
    public int IndexRamBytes;
    public int BlockBufferBytes;
    public int BlockSize;
    public int Blocks;
    public int Lookups;
    public int MaxReadsPerLookup;
    public double MeanReadsPerLookup;
    public int MaxEntriesDecoded;
    public double MeanEntriesDecoded;
    public long AllocatedBytesForAllLookups;
    public int SnapshotWireBytes;
    public double SnapshotWireBytesPerCard;
    public int DeltaChanges;
    public int DeltaWireBytes;
    public double DeltaWireBytesPerChange;
    public long SnapshotApplyAllocatedBytes;
    public long SnapshotApplyAllocatedExcludingIndex;
    public int SmallSnapshotCards;
    public long SmallSnapshotApplyAllocatedExcludingIndex;
    public long DeltaApplyFlashBytesWritten;
    public int DeltaApplyWrites;
    public int OverlayEntriesAfterDelta;
    public int BootReads;
    public long BootAllocatedBytes;
    public int OverlayRamBytes;
    public int OverlayCapacity;
    public int LookupRamBytes;
    public int VerifiedMaskBytes;
    public long CompactionFlashBytesWritten;
    public int CompactionWrites;
    public bool CompactedIntoTable;
    public bool LookupsCorrect;

    public const double FlashBytesPerCardTarget = 10;
    public const int FlashBytesTarget = 1_000_000;
    public const int IndexRamTarget = 8 * 1024;
    public const int ReadsPerLookupTarget = 2;
    public const double SnapshotWirePerCardTarget = 10;
    public const double DeltaWirePerChangeTarget = 16;

    public bool MeetsTargets =>
        LookupsCorrect
        && TableBytesPerCard <= FlashBytesPerCardTarget
        && TableFlashBytes <= FlashBytesTarget
        && LookupRamBytes <= IndexRamTarget
        && MaxReadsPerLookup <= ReadsPerLookupTarget
        && AllocatedBytesForAllLookups == 0
        && SnapshotWireBytesPerCard <= SnapshotWirePerCardTarget
        && DeltaWireBytesPerChange <= DeltaWirePerChangeTarget
        && SmallSnapshotApplyAllocatedExcludingIndex == SnapshotApplyAllocatedExcludingIndex;
}

/// <summary>
/// Builds a realistic LéoCarte population, signs it as the gateway would, streams it into a terminal's flash
/// through <see cref="ListUpdate"/> in network-sized chunks, then looks up every listed card and as many
/// unknown ones. Deterministic (fixed seeds): the same figures on every machine.
/// </summary>
public static partial class AllowlistBenchmark
{
    private const uint Site = 14;
    private const double StorageReadMs = 1.0; // cost-model.md: flash storage read (small record), 1 ms
    private const int NetworkChunk = 1460;    // one TCP segment of payload on Ethernet-sized MTU

    public static BenchmarkFigures Run(int cardCount, TextWriter output, bool blockSizeTradeoff = true)
    {
        // The stand-in signer keeps the benchmark about the store (the signature's cost: Tools/SyncBenchmark).
        var keys = new StandInListKeys(1, 0x42);
        var key = keys.Signing(0x0DB0_0001);
        var trust = keys.Trust();
        var random = new Random(2026);
        var entries = Population(cardCount, random);
        var f = new BenchmarkFigures { Cards = cardCount };

        // Gateway side: the signed snapshot.
        byte[] snapshot = ListBuilder.BuildSnapshot(Site, 1000, 1_767_225_600, entries, key);
        f.SnapshotWireBytes = snapshot.Length;
        f.SnapshotWireBytesPerCard = (double)snapshot.Length / cardCount;

        // Terminal side: stream it into flash.
        var files = new FlashPartitionStore(6, 2 * 1024 * 1024);
        var store = new AllowlistStore(files);
        store.Open();
        var update = new ListUpdate(store, Site, trust);
        var result = Feed(update, snapshot);
        if (result != ListUpdateResult.Ok)
        {
            throw new InvalidOperationException("snapshot refused: " + result);
        }

        // Memory of an update, measured apart (minimum of 3 runs: the first run pays JIT and static tables such
        // as CRC-32's, and tiered compilation may allocate while re-compiling hot loops).
        f.SnapshotApplyAllocatedExcludingIndex = MeasureApply(snapshot, trust, out f.SnapshotApplyAllocatedBytes);
        f.SmallSnapshotCards = cardCount / 10;
        f.SmallSnapshotApplyAllocatedExcludingIndex = MeasureApply(
            ListBuilder.BuildSnapshot(Site, 1, 1_767_225_600, Population(f.SmallSnapshotCards, new Random(7)), key), trust, out _);

        // Boot: recovery reads both slot headers and the index of the list in force.
        files.ResetCounters();
        var rebooted = new AllowlistStore(files);
        long bootAllocated = GC.GetAllocatedBytesForCurrentThread();
        rebooted.Open();
        f.BootAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - bootAllocated;
        f.BootReads = files.ReadCount;
        f.TableFlashBytes = files.TotalBytes;
        f.TableBytesPerCard = (double)files.TotalBytes / cardCount;
        f.IndexRamBytes = store.IndexBytes;
        f.VerifiedMaskBytes = store.VerifiedMaskBytes;
        f.BlockSize = store.BlockSize;
        f.Blocks = store.BlockCount;
        f.BlockBufferBytes = store.BlockSize;

        // Lookups: every listed card, then as many unknown cards (including one-bit-off near misses).
        var probes = new List<byte[]>(cardCount * 2);
        foreach (var e in entries)
        {
            probes.Add(e.Uid);
        }

        var listed = new HashSet<string>();
        foreach (var e in entries)
        {
            listed.Add(Convert.ToHexString(e.Uid));
        }

        while (probes.Count < 2 * cardCount)
        {
            byte[] uid;
            if (probes.Count % 2 == 0)
            {
                uid = (byte[])entries[random.Next(entries.Length)].Uid.Clone();
                uid[random.Next(uid.Length)] ^= (byte)(1 << random.Next(8));
            }
            else
            {
                uid = NewUid(random);
            }

            if (!listed.Contains(Convert.ToHexString(uid)))
            {
                probes.Add(uid);
            }
        }

        var record = new CardRecord();
        bool correct = true;
        long reads = 0, decoded = 0;
        int maxReads = 0, maxDecoded = 0;
        var expected = new Dictionary<string, ListEntry>();
        foreach (var e in entries)
        {
            expected[Convert.ToHexString(e.Uid)] = e;
        }

        // Warm-up: one whole unmeasured pass, so tiered JIT's OSR/tier-1 recompiles (they allocate on this thread, later
        // on a loaded machine) are over before the measured pass.
        for (int i = 0; i < probes.Count; i++)
        {
            store.TryFind(probes[i], 0, probes[i].Length, record);
        }

        int readsBefore = files.ReadCount;
        bool[] found = new bool[probes.Count];
        int[] readsPer = new int[probes.Count];
        int[] decodedPer = new int[probes.Count];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < probes.Count; i++)
        {
            byte[] uid = probes[i];
            found[i] = store.TryFind(uid, 0, uid.Length, record);
            readsPer[i] = store.LastLookupReads;
            decodedPer[i] = store.LastLookupEntriesDecoded;
            if (found[i] && i < cardCount && (record.HolderKey != entries[i].HolderKey || record.State != entries[i].State || record.Category != entries[i].Category))
            {
                correct = false;
            }
        }

        f.AllocatedBytesForAllLookups = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        int storeReads = files.ReadCount - readsBefore;
        for (int i = 0; i < probes.Count; i++)
        {
            correct &= found[i] == (i < cardCount);
            reads += readsPer[i];
            decoded += decodedPer[i];
            maxReads = Math.Max(maxReads, readsPer[i]);
            maxDecoded = Math.Max(maxDecoded, decodedPer[i]);
        }

        correct &= storeReads == reads; // the store's own counter agrees with the file store's
        f.Lookups = probes.Count;
        f.MaxReadsPerLookup = maxReads;
        f.MeanReadsPerLookup = (double)reads / probes.Count;
        f.MaxEntriesDecoded = maxDecoded;
        f.MeanEntriesDecoded = (double)decoded / probes.Count;
        f.LookupsCorrect = correct;

        // Deltas of 100 changes as a card office produces them. The first fits in the RAM overlay (a small
        // overlay file is written); the second overflows it and is compacted with the table into a new table.
        var touched = new HashSet<int>();
        int nextHolder = 10 * cardCount;
        var changes = Changes(entries, touched, random, ref nextHolder);
        byte[] delta = ListBuilder.BuildDelta(Site, 1001, 1000, 1_767_225_660, changes.ToArray(), key);
        f.DeltaChanges = changes.Count;
        f.DeltaWireBytes = delta.Length;
        f.DeltaWireBytesPerChange = (double)delta.Length / changes.Count;
        files.ResetCounters();
        result = Feed(update, delta);
        if (result != ListUpdateResult.Ok)
        {
            throw new InvalidOperationException("delta refused: " + result);
        }

        f.DeltaApplyFlashBytesWritten = files.BytesWritten;
        f.DeltaApplyWrites = files.WriteCount;
        f.OverlayEntriesAfterDelta = store.OverlayCount;
        f.OverlayRamBytes = store.OverlayBytes;
        f.OverlayCapacity = store.OverlayCapacity;
        f.LookupRamBytes = store.LookupRamBytes;
        f.LookupsCorrect &= CheckChanges(store, changes, record);

        // Lookups with the overlay in force: still no allocation, at most 2 reads.
        long allocatedWithOverlay = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] uid = i < changes.Count ? changes[i].Uid : probes[i];
            store.TryFind(uid, 0, uid.Length, record);
            f.MaxReadsPerLookup = Math.Max(f.MaxReadsPerLookup, store.LastLookupReads);
        }

        f.AllocatedBytesForAllLookups += GC.GetAllocatedBytesForCurrentThread() - allocatedWithOverlay;
        f.Lookups += 20_000;

        var moreChanges = Changes(entries, touched, random, ref nextHolder);
        byte[] secondDelta = ListBuilder.BuildDelta(Site, 1002, 1001, 1_767_225_720, moreChanges.ToArray(), key);
        files.ResetCounters();
        result = Feed(update, secondDelta);
        if (result != ListUpdateResult.Ok)
        {
            throw new InvalidOperationException("second delta refused: " + result);
        }

        f.CompactionFlashBytesWritten = files.BytesWritten;
        f.CompactionWrites = files.WriteCount;
        f.CompactedIntoTable = store.TableVersion == 1002 && store.OverlayCount == 0;
        f.LookupsCorrect &= CheckChanges(store, moreChanges, record) && f.CompactedIntoTable;

        Print(f, output);
        MeasureOriginalityDigests(entries, key, trust, f, output);
        if (blockSizeTradeoff)
        {
            PrintBlockSizeTradeoff(snapshot, entries, trust, output);
        }
        return f;
    }

    /// <summary>
    /// Bytes a snapshot apply allocates besides the new table's RAM index (minimum over 3 runs on fresh stores);
    /// <paramref name="total"/> includes the index. Equal for lists of different sizes when update memory does
    /// not grow with the list.
    /// </summary>
    private static long MeasureApply(byte[] list, ListTrust trust, out long total)
    {
        long best = long.MaxValue;
        total = 0;
        for (int run = 0; run < 3; run++)
        {
            var files = new FlashPartitionStore(6, 2 * 1024 * 1024);
            var store = new AllowlistStore(files);
            store.Open();
            var update = new ListUpdate(store, Site, trust);
            long before = GC.GetAllocatedBytesForCurrentThread();
            if (Feed(update, list) != ListUpdateResult.Ok)
            {
                throw new InvalidOperationException("snapshot refused");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long perBlock = store.IndexBytes + store.VerifiedMaskBytes; // grow with the list (8 B and 1 B per block); the rest must not
            if (allocated - perBlock < best)
            {
                best = allocated - perBlock;
                total = allocated;
            }
        }

        return best;
    }

    /// <summary>Flash, RAM index and per-lookup decoding work for other block sizes (AllowlistStore's constructor parameter).</summary>
    private static void PrintBlockSizeTradeoff(byte[] snapshot, ListEntry[] entries, ListTrust trust, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine("block size trade-off (listed cards only)");
        o.WriteLine("  block   flash bytes/card   block index bytes   reads max   entries decoded mean/max");
        var record = new CardRecord();
        foreach (int blockSize in new[] { 512, 1024, 2048, 4096 })
        {
            var files = new FlashPartitionStore(6, 2 * 1024 * 1024);
            var store = new AllowlistStore(files, "allow", blockSize);
            store.Open();
            if (Feed(new ListUpdate(store, Site, trust), snapshot) != ListUpdateResult.Ok)
            {
                throw new InvalidOperationException("snapshot refused");
            }

            long decoded = 0;
            int maxDecoded = 0, maxReads = 0;
            foreach (var e in entries)
            {
                store.TryFind(e.Uid, 0, e.Uid.Length, record);
                decoded += store.LastLookupEntriesDecoded;
                maxDecoded = Math.Max(maxDecoded, store.LastLookupEntriesDecoded);
                maxReads = Math.Max(maxReads, store.LastLookupReads);
            }

            o.WriteLine($"  {blockSize,5}   {(double)files.TotalBytes / entries.Length,16:F2}   {store.IndexBytes,17:N0}   {maxReads,9}   {(double)decoded / entries.Length,10:F1} / {maxDecoded}");
        }
    }

    /// <summary>
    /// About 100 changes: cards reported lost or stolen, renewals (old card marked renewed + new card added for
    /// the same holder), new students, purged cards.
    /// </summary>
    private static List<ListEntry> Changes(ListEntry[] entries, HashSet<int> touched, Random random, ref int nextHolder)
    {
        var changes = new List<ListEntry>();
        while (changes.Count < 100)
        {
            int i = random.Next(entries.Length);
            if (!touched.Add(i))
            {
                continue;
            }

            var e = entries[i];
            switch (changes.Count % 5)
            {
                case 0:
                    changes.Add(new ListEntry(e.Uid, CardState.Lost, e.HolderKey, e.Category));
                    break;
                case 1:
                    changes.Add(new ListEntry(e.Uid, CardState.Renewed, e.HolderKey, e.Category));
                    changes.Add(new ListEntry(NewDesfireUid(random), CardState.Active, e.HolderKey, e.Category));
                    break;
                case 2:
                    changes.Add(new ListEntry(NewDesfireUid(random), CardState.Active, nextHolder++, 0));
                    break;
                case 3:
                    changes.Add(ListEntry.Removal(e.Uid));
                    break;
                default:
                    changes.Add(new ListEntry(e.Uid, CardState.Stolen, e.HolderKey, e.Category));
                    break;
            }
        }

        return changes;
    }

    private static bool CheckChanges(AllowlistStore store, List<ListEntry> changes, CardRecord record)
    {
        bool ok = true;
        foreach (var c in changes)
        {
            bool present = store.TryFind(c.Uid, 0, c.Uid.Length, record);
            ok &= c.IsRemoval ? !present : present && record.State == c.State && record.HolderKey == c.HolderKey;
        }

        return ok;
    }

    private static ListUpdateResult Feed(ListUpdate update, byte[] list)
    {
        update.Begin();
        for (int i = 0; i < list.Length; i += NetworkChunk)
        {
            var r = update.Write(list, i, Math.Min(NetworkChunk, list.Length - i));
            if (r != ListUpdateResult.Ok)
            {
                return r;
            }
        }

        return update.Commit();
    }

    /// <summary>
    /// 89.9 % 7-byte DESFire UIDs (0x04 NXP manufacturer byte + 6 random bytes), 10 % 4-byte MIFARE Classic,
    /// 0.1 % 10-byte; 88 % active, the rest spread over the blocked states; holder keys are dense ids as the
    /// gateway assigns them, 3 % of holders own a second (renewed) card; 10 % of cards carry a category.
    /// </summary>
    private static ListEntry[] Population(int count, Random random)
    {
        var seen = new HashSet<string>();
        var entries = new ListEntry[count];
        var holders = new int[count];
        for (int i = 0; i < count; i++)
        {
            holders[i] = i + 1;
        }

        random.Shuffle(holders);
        int n = 0;
        while (n < count)
        {
            byte[] uid = NewUid(random);
            if (!seen.Add(Convert.ToHexString(uid)))
            {
                continue;
            }

            int roll = random.Next(100);
            var state = roll < 88 ? CardState.Active : (CardState)(1 + random.Next(6));
            int holder = random.Next(100) < 3 && n > 0 ? entries[random.Next(n)].HolderKey : holders[n];
            entries[n] = new ListEntry(uid, state, holder, random.Next(10) == 0 ? (byte)random.Next(1, 8) : (byte)0);
            n++;
        }

        return entries;
    }

    private static byte[] NewUid(Random random)
    {
        int roll = random.Next(1000);
        if (roll < 899)
        {
            return NewDesfireUid(random);
        }

        var uid = new byte[roll < 999 ? 4 : 10];
        random.NextBytes(uid);
        if (uid.Length == 10)
        {
            uid[0] = 0x04;
        }

        return uid;
    }

    private static byte[] NewDesfireUid(Random random)
    {
        var uid = new byte[7];
        random.NextBytes(uid);
        uid[0] = 0x04;
        return uid;
    }

    private static void Print(BenchmarkFigures f, TextWriter o)
    {
        string Mark(bool ok) => ok ? "OK" : "MISSED";
        o.WriteLine("LeoCarte allowlist benchmark");
        o.WriteLine($"population: {f.Cards:N0} cards (89.9% 7-byte DESFire 0x04.., 10% 4-byte Classic, 0.1% 10-byte; 88% active)");
        o.WriteLine("cost model: shared/design/cost-model.md, flash storage read = 1 ms");
        o.WriteLine();
        o.WriteLine("flash table (terminal)");
        o.WriteLine($"  total flash bytes        {f.TableFlashBytes,12:N0}   target <= {BenchmarkFigures.FlashBytesTarget:N0}   {Mark(f.TableFlashBytes <= BenchmarkFigures.FlashBytesTarget)}");
        o.WriteLine($"  bytes per card           {f.TableBytesPerCard,12:F2}   target <= {BenchmarkFigures.FlashBytesPerCardTarget}   {Mark(f.TableBytesPerCard <= BenchmarkFigures.FlashBytesPerCardTarget)}");
        o.WriteLine($"  blocks                   {f.Blocks,12:N0}   x {f.BlockSize} bytes");
        o.WriteLine($"  RAM index bytes          {f.LookupRamBytes,12:N0}   target <= {BenchmarkFigures.IndexRamTarget:N0}   {Mark(f.LookupRamBytes <= BenchmarkFigures.IndexRamTarget)}   = block index {f.IndexRamBytes:N0} + verified mask {f.VerifiedMaskBytes:N0} + overlay {f.OverlayRamBytes:N0} ({f.OverlayCapacity} changes x {(f.OverlayCapacity == 0 ? 0 : f.OverlayRamBytes / f.OverlayCapacity)}); + one {f.BlockBufferBytes}-byte block buffer");
        o.WriteLine($"  boot recovery (Open)     {f.BootReads,12:N0} storage reads (modeled {f.BootReads * StorageReadMs:F0} ms), {f.BootAllocatedBytes:N0} bytes allocated (the RAM index and read buffers)");
        o.WriteLine();
        o.WriteLine($"lookups: {f.Lookups:N0} ({f.Cards:N0} listed + {f.Lookups - f.Cards - 20_000:N0} unknown, half of them one bit off a listed UID, + 20,000 with a 100-change overlay in force); answers correct: {(f.LookupsCorrect ? "yes" : "NO")}");
        o.WriteLine($"  storage reads per lookup max {f.MaxReadsPerLookup}, mean {f.MeanReadsPerLookup:F4} (over the first 200,000)   target <= {BenchmarkFigures.ReadsPerLookupTarget}   {Mark(f.MaxReadsPerLookup <= BenchmarkFigures.ReadsPerLookupTarget)}");
        o.WriteLine($"  allocated bytes per lookup   {(double)f.AllocatedBytesForAllLookups / f.Lookups:F3} ({f.AllocatedBytesForAllLookups} bytes over all lookups)   target 0   {Mark(f.AllocatedBytesForAllLookups == 0)}");
        o.WriteLine($"  entries decoded per lookup   max {f.MaxEntriesDecoded}, mean {f.MeanEntriesDecoded:F1}   (managed compute, not modeled)");
        o.WriteLine($"  modeled lookup latency       max {f.MaxReadsPerLookup * StorageReadMs:F1} ms, mean {f.MeanReadsPerLookup * StorageReadMs:F3} ms   ({StorageReadMs} ms per storage read)");
        o.WriteLine();
        o.WriteLine("wire (gateway -> terminal, signed)");
        o.WriteLine($"  snapshot bytes           {f.SnapshotWireBytes,12:N0}   {f.SnapshotWireBytesPerCard:F2} bytes/card   target <= {BenchmarkFigures.SnapshotWirePerCardTarget}   {Mark(f.SnapshotWireBytesPerCard <= BenchmarkFigures.SnapshotWirePerCardTarget)}");
        o.WriteLine($"  delta bytes              {f.DeltaWireBytes,12:N0}   for {f.DeltaChanges} changes: {f.DeltaWireBytesPerChange:F2} bytes/changed card   target <= {BenchmarkFigures.DeltaWirePerChangeTarget}   {Mark(f.DeltaWireBytesPerChange <= BenchmarkFigures.DeltaWirePerChangeTarget)}");
        o.WriteLine();
        o.WriteLine("update apply (terminal)");
        o.WriteLine($"  snapshot apply allocated {f.SnapshotApplyAllocatedBytes,12:N0} bytes in total = new RAM index {f.IndexRamBytes:N0} + verified mask {f.VerifiedMaskBytes:N0} + {f.SnapshotApplyAllocatedExcludingIndex:N0} other");
        o.WriteLine($"  same for {f.SmallSnapshotCards:N0} cards         other = {f.SmallSnapshotApplyAllocatedExcludingIndex:N0} bytes   (independent of list size: {(f.SmallSnapshotApplyAllocatedExcludingIndex == f.SnapshotApplyAllocatedExcludingIndex ? "yes" : "NO")})");
        o.WriteLine($"  delta into the overlay   {f.DeltaApplyWrites,12:N0} flash writes, {f.DeltaApplyFlashBytesWritten:N0} bytes ({f.OverlayEntriesAfterDelta} changes now in the overlay)");
        o.WriteLine($"  delta compacting         {f.CompactionWrites,12:N0} flash writes, {f.CompactionFlashBytesWritten:N0} bytes (overlay full: table + overlay + delta rewritten to the other slot: {(f.CompactedIntoTable ? "yes" : "NO")})");
        o.WriteLine();
        o.WriteLine(f.MeetsTargets ? "all targets met" : "TARGETS MISSED");
    }
}
