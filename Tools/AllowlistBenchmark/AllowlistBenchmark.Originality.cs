using System;
using System.IO;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Tools.AllowlistBenchmark;

/// <summary>What the originality digest (FORMAT.md, "Originality digest") costs per card: the same population with a
/// digest on every DESFire card, as a site whose every card was enrolled would publish it.</summary>
public static partial class AllowlistBenchmark
{
    private static void MeasureOriginalityDigests(ListEntry[] entries, ListSigning key, ListTrust trust, BenchmarkFigures f, TextWriter output)
    {
        var random = new Random(12);
        var withDigests = new ListEntry[entries.Length];
        int digests = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            ListEntry e = entries[i];
            var copy = new ListEntry(e.Uid, e.State, e.HolderKey, e.Category, e.Family);
            if (e.Family == CardFamily.Desfire)
            {
                copy.OriginalityDigest = (uint)random.Next(1, int.MaxValue) ^ ((uint)random.Next(2) << 31);
                digests++;
            }

            withDigests[i] = copy;
        }

        byte[] snapshot = ListBuilder.BuildSnapshot(Site, 1000, 1_767_225_600, withDigests, key);
        var files = new FlashPartitionStore(6, 3 * 1024 * 1024);
        var store = new AllowlistStore(files);
        store.Open();
        ListUpdateResult result = Feed(new ListUpdate(store, Site, trust), snapshot);
        if (result != ListUpdateResult.Ok)
        {
            throw new InvalidOperationException("snapshot with digests refused: " + result);
        }

        var record = new CardRecord();
        foreach (ListEntry e in withDigests)
        {
            if (!store.TryFind(e.Uid, 0, e.Uid.Length, record) || record.OriginalityDigest != e.OriginalityDigest)
            {
                throw new InvalidOperationException("a digest was not read back");
            }
        }

        f.DigestCards = digests;
        f.DigestTableBytesPerCard = (double)files.TotalBytes / entries.Length;
        f.DigestSnapshotBytesPerCard = (double)snapshot.Length / entries.Length;
        output.WriteLine();
        output.WriteLine($"originality digests (every DESFire card enrolled: {digests:N0} of {entries.Length:N0} cards; no target)");
        output.WriteLine($"  flash table              {files.TotalBytes,12:N0} bytes   {f.DigestTableBytesPerCard:F2} bytes/card (without digests {f.TableBytesPerCard:F2})");
        output.WriteLine($"  snapshot                 {snapshot.Length,12:N0} bytes   {f.DigestSnapshotBytesPerCard:F2} bytes/card (without digests {f.SnapshotWireBytesPerCard:F2})");
        output.WriteLine($"  per card with a digest   +{(f.DigestTableBytesPerCard - f.TableBytesPerCard) * entries.Length / Math.Max(1, digests):F2} bytes in flash (key in full + attribute byte + 4 digest bytes instead of a delta key); every digest read back: yes");
    }
}
