using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Allowlist;

/// <summary>
/// The verified mask and the background scrub (Allowlist/README.md, "Integrity of the bytes a lookup reads"):
/// lookups skip the CRC checks of blocks verified since the table came in force; decayed flash (a byte changed in
/// the data file after boot: flash rot simulated) is found by the scrub within one pass and then answered with the
/// same corrupt-block result as before (a failed lookup, never a wrong state); a block never verified is checked
/// by its first lookup; a table written by an update is verified again from scratch.
/// </summary>
[TestClass]
public class AllowlistScrubTests
{
    // Small blocks: 400 cards in ≈ 60 blocks, more than Open verifies at boot (32), so both paths are exercised.
    private const int BlockSize = 128;

    // FORMAT.md, "Data file": block header 55 bytes, end of entries at offset 2, restart offsets from offset 5.
    private const int BlockHeaderSize = 55;
    private const int BlockOffsetEnd = 2;
    private const int BlockOffsetRestarts = 5;

    private static (MemoryFileStore Files, AllowlistStore Store, ListEntry[] Entries) Fixture(int cards = 400, int seed = 5)
    {
        var entries = ListBuilder.SortedCopy(AllowlistTestData.Population(cards, seed));
        var files = new MemoryFileStore();
        var store = new AllowlistStore(files, "allow", BlockSize);
        store.Open();
        var update = new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 1000, entries, AllowlistTestData.Key), 300));

        // Reboot: the store a terminal has after boot.
        var booted = new AllowlistStore(files, "allow", BlockSize);
        Assert.IsTrue(booted.Open());
        return (files, booted, entries);
    }

    private static string DataFile(AllowlistStore store, MemoryFileStore files) => files.Length("allow-a.dat") > 0 ? "allow-a.dat" : "allow-b.dat";

    /// <summary>Flash rot: one byte of the data file changes without the store writing it.</summary>
    private static void Rot(MemoryFileStore files, string name, int position)
    {
        var one = new byte[1];
        Assert.AreEqual(1, files.Read(name, position, one, 0, 1));
        one[0] ^= 0x5A;
        files.Write(name, position, one, 0, 1);
    }

    /// <summary>Position of the last entry byte of block <paramref name="blockNumber"/> (in its last segment, outside the navigation CRC's bytes).</summary>
    private static int LastEntryByte(MemoryFileStore files, string name, int blockNumber)
    {
        var header = new byte[BlockHeaderSize];
        files.Read(name, blockNumber * BlockSize, header, 0, header.Length);
        return blockNumber * BlockSize + (header[BlockOffsetEnd] << 8 | header[BlockOffsetEnd + 1]) - 1;
    }

    /// <summary>Every listed card is either found with its exact record or a failed lookup; never a wrong answer. Returns the failed ones.</summary>
    private static int CheckAnswers(AllowlistStore store, ListEntry[] entries)
    {
        var record = new CardRecord();
        int failed = 0;
        foreach (var e in entries)
        {
            if (store.TryFind(e.Uid, 0, e.Uid.Length, record))
            {
                Assert.AreEqual(e.State, record.State, "a listed card answered with another state");
                Assert.AreEqual(e.HolderKey, record.HolderKey);
            }
            else
            {
                Assert.IsTrue(store.LastLookupFailed, "a listed card silently missing");
                failed++;
            }
        }

        return failed;
    }

    [TestMethod]
    public void BootVerifiesTheFirstBlocksWholeAndLookupsVerifyTheRestOnFirstUse()
    {
        var (_, store, entries) = Fixture();
        Assert.IsTrue(store.BlockCount > AllowlistStore.BootVerifiedBlocks, $"blocks {store.BlockCount}");
        for (int b = 0; b < store.BlockCount; b++)
        {
            Assert.AreEqual(b < AllowlistStore.BootVerifiedBlocks, store.VerifiedSegments(b) != 0, $"block {b} after boot");
        }

        Assert.AreEqual(0, CheckAnswers(store, entries));
        for (int b = AllowlistStore.BootVerifiedBlocks; b < store.BlockCount; b++)
        {
            Assert.AreNotEqual(0, store.VerifiedSegments(b), $"block {b} verified by its first lookup");
        }

        Assert.AreEqual(0, store.CorruptBlockCount);
        Console.WriteLine($"scrub: {store.BlockCount} blocks, {AllowlistStore.BootVerifiedBlocks} verified at boot, the rest by their first lookups; {entries.Length} lookups exact");
    }

    [TestMethod]
    public void FlashRotAfterBootIsFoundByTheScrubWithinOnePassThenAnsweredAsACorruptBlock()
    {
        var (files, store, entries) = Fixture();
        string data = DataFile(store, files);
        Assert.AreEqual(0, CheckAnswers(store, entries), "every block verified by boot or by a lookup");

        // Rot in the last segment of a verified block (in the entries: state, holder or key bytes of its last card).
        int victim = 5;
        Assert.AreNotEqual(0, store.VerifiedSegments(victim));
        Rot(files, data, LastEntryByte(files, data, victim));

        int slices = 0, found = -1;
        while (slices < store.ScrubSlicesPerPass + 1 && found < 0)
        {
            slices++;
            if (store.VerifyNextSlice() == AllowlistStore.ScrubCorrupt)
            {
                found = store.LastScrubCorruptBlock;
            }
        }

        Assert.AreEqual(victim, found, "the scrub found the decayed block within one pass");
        Assert.AreEqual(1, store.ScrubCorruptBlocks);
        Assert.AreEqual(1, store.CorruptBlockCount, "counted like a lookup's corrupt block");
        Assert.AreEqual(0, store.VerifiedSegments(victim), "lookups into it check its CRCs again");

        // The lookups into the damaged segment get today's corrupt-block result; nothing answers wrong.
        int failed = CheckAnswers(store, entries);
        Assert.IsTrue(failed >= 1, "the card in the damaged segment is a failed lookup");

        // Every further pass finds it again (the damage stays) and nothing else: end this pass, run a whole one.
        int passes = store.ScrubPasses;
        while (store.ScrubPasses < passes + 2)
        {
            store.VerifyNextSlice();
        }

        Assert.AreEqual(2, store.ScrubCorruptBlocks);
        Console.WriteLine($"scrub: rot in block {victim} of {store.BlockCount} found after {slices} slices (pass = at most {store.ScrubSlicesPerPass}); {failed} lookups then failed as corrupt, the others exact");
    }

    [TestMethod]
    public void RotInANavigationByteAndInABlockNeverVerifiedIsFoundByTheFirstLookup()
    {
        var (files, store, entries) = Fixture();
        string data = DataFile(store, files);

        // A block past the boot verification, never looked up: its first lookup checks its CRCs as before.
        int late = store.BlockCount - 2;
        Assert.AreEqual(0, store.VerifiedSegments(late));
        Rot(files, data, late * BlockSize + BlockOffsetRestarts + 1);
        int failed = CheckAnswers(store, entries);
        Assert.IsTrue(failed >= 1, "a lookup into the damaged block fails");
        Assert.AreEqual(0, store.VerifiedSegments(late));
        Assert.IsTrue(store.CorruptBlockCount >= 1);

        // And the scrub reports it too.
        int before = store.ScrubCorruptBlocks;
        for (int i = 0; i < store.ScrubSlicesPerPass; i++)
        {
            store.VerifyNextSlice();
        }

        Assert.AreEqual(before + 1, store.ScrubCorruptBlocks);
        Assert.AreEqual(late, store.LastScrubCorruptBlock);
    }

    [TestMethod]
    public void ARotFoundByTheBootVerificationIsCountedAndItsLookupsFail()
    {
        var (files, store, entries) = Fixture();
        string data = DataFile(store, files);
        Rot(files, data, LastEntryByte(files, data, 3));

        var rebooted = new AllowlistStore(files, "allow", BlockSize);
        Assert.IsTrue(rebooted.Open(), "the list stays in force (index intact)");
        Assert.AreEqual(1, rebooted.ScrubCorruptBlocks);
        Assert.AreEqual(0, rebooted.VerifiedSegments(3));
        Assert.IsTrue(CheckAnswers(rebooted, entries) >= 1);
    }

    [TestMethod]
    public void ARewrittenTableIsVerifiedAgainFromScratch()
    {
        var (files, store, entries) = Fixture();
        Assert.AreEqual(0, CheckAnswers(store, entries));

        // Snapshot v2 written to the other slot by an update: nothing of it counts as verified.
        var v2 = ListBuilder.SortedCopy(AllowlistTestData.Population(420, 6));
        var update = new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, ListBuilder.BuildSnapshot(AllowlistTestData.Site, 2, 2000, v2, AllowlistTestData.Key), 300));
        Assert.AreEqual(2L, store.Version);
        Assert.AreEqual(0, store.ScrubPasses);
        for (int b = 0; b < store.BlockCount; b++)
        {
            Assert.AreEqual(0, store.VerifiedSegments(b), $"block {b} of the new table");
        }

        // Damage in the new table (block 1, never looked up): its first lookup checks and fails.
        string data = DataFile(store, files);
        Rot(files, data, LastEntryByte(files, data, 1));
        Assert.IsTrue(CheckAnswers(store, v2) >= 1);
        Assert.AreEqual(0, store.VerifiedSegments(1));

        // One scrub pass verifies every other block of the new table and reports block 1.
        int passes = store.ScrubPasses;
        int corrupt = store.ScrubCorruptBlocks;
        while (store.ScrubPasses == passes)
        {
            store.VerifyNextSlice();
        }

        Assert.AreEqual(corrupt + 1, store.ScrubCorruptBlocks);
        for (int b = 0; b < store.BlockCount; b++)
        {
            Assert.AreEqual(b != 1, store.VerifiedSegments(b) != 0, $"block {b} after one pass");
        }
    }

    [TestMethod]
    public void AFailingReadClearsTheBlocksVerifiedMask()
    {
        var (files, store, entries) = Fixture(60, 9);
        var record = new CardRecord();
        Assert.IsTrue(store.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, record));
        Assert.AreNotEqual(0, store.VerifiedSegments(0));

        // The data file shrinks under the store (a truncated read): the lookup fails and forgets the block's verification.
        string data = DataFile(store, files);
        var saved = files.Snapshot(data);
        files.Truncate(data, BlockSize / 2);
        Assert.IsFalse(store.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, record));
        Assert.IsTrue(store.LastLookupFailed);
        Assert.AreEqual(0, store.VerifiedSegments(0));
        Assert.AreEqual(AllowlistStore.ScrubCorrupt, store.VerifyNextSlice(), "the scrub's read fails too");

        files.Truncate(data, 0);
        files.Write(data, 0, saved, 0, saved.Length);
        Assert.IsTrue(store.TryFind(entries[0].Uid, 0, entries[0].Uid.Length, record), "whole again: verified again by the lookup");
        Assert.AreNotEqual(0, store.VerifiedSegments(0));
    }

    [TestMethod]
    public void ScrubSlicesAreBoundedToOneReadAndOneCheck()
    {
        var (files, store, _) = Fixture();
        files.ResetCounters();
        int slices = 0;
        int passes = store.ScrubPasses;
        while (store.ScrubPasses == passes)
        {
            store.VerifyNextSlice();
            slices++;
        }

        Assert.AreEqual(slices, files.ReadCount, "one storage read per slice");
        Assert.IsTrue(slices <= store.ScrubSlicesPerPass);
        Assert.AreEqual(0, store.ScrubCorruptBlocks);
        var empty = new AllowlistStore(new MemoryFileStore(), "allow", BlockSize);
        empty.Open();
        Assert.AreEqual(AllowlistStore.ScrubNothing, empty.VerifyNextSlice());
        Console.WriteLine($"scrub: one pass over {store.BlockCount} blocks of {BlockSize} bytes = {slices} slices, {files.ReadCount} reads");
    }
}
