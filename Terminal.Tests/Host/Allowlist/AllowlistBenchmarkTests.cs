using System;
using LeoCarte.Tools.AllowlistBenchmark;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Allowlist;

/// <summary>
/// The issue 4/5 targets, asserted on the benchmark's deterministic counts (bytes, reads, allocations — no
/// timings): 100,000 cards in ≤ 1 MB (≤ 10 B/card), RAM index ≤ 8 KB, ≤ 2 storage reads and 0 bytes allocated
/// per lookup, snapshot ≤ 10 B/card and delta ≤ 16 B/changed card on the wire, update memory independent of size.
/// </summary>
[TestClass]
public class AllowlistBenchmarkTests
{
    [TestMethod]
    public void HundredThousandCardsMeetEveryTarget()
    {
        var f = AllowlistBenchmark.Run(100_000, Console.Out, blockSizeTradeoff: false);
        Assert.IsTrue(f.LookupsCorrect, "every listed card found with its record, every unknown card refused");
        Assert.IsTrue(f.TableFlashBytes <= 1_000_000, $"flash {f.TableFlashBytes}");
        Assert.IsTrue(f.TableBytesPerCard <= 10, $"bytes per card {f.TableBytesPerCard}");
        Assert.IsTrue(f.LookupRamBytes <= 8 * 1024, $"RAM index + overlay {f.LookupRamBytes}");
        Assert.IsTrue(f.MaxReadsPerLookup <= 2, $"reads {f.MaxReadsPerLookup}");
        Assert.AreEqual(0L, f.AllocatedBytesForAllLookups, "allocation over all lookups");
        Assert.IsTrue(f.SnapshotWireBytesPerCard <= 10, $"snapshot {f.SnapshotWireBytesPerCard} B/card");
        Assert.IsTrue(f.DeltaWireBytesPerChange <= 16, $"delta {f.DeltaWireBytesPerChange} B/change");
        Assert.AreEqual(f.SmallSnapshotApplyAllocatedExcludingIndex, f.SnapshotApplyAllocatedExcludingIndex, "update memory independent of list size");
        Assert.IsTrue(f.DeltaApplyFlashBytesWritten < 2_000, $"a 100-change delta goes to the overlay: {f.DeltaApplyFlashBytesWritten} bytes written");
        Assert.IsTrue(f.CompactedIntoTable, "an overflowing delta compacts into a new table");
        Assert.IsTrue(f.MaxEntriesDecoded <= 64, $"restart points bound the decoding per lookup: {f.MaxEntriesDecoded}");
        Assert.IsTrue(f.MeetsTargets);
    }
}
