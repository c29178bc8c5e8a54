using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Allowlist;

/// <summary>
/// SQLite-style crash tests: power is cut at every write index of an update (and of the recovery after it),
/// with torn writes keeping none, half or all but one of their bytes, on the atomic MemoryFileStore and on
/// the device's non-atomic Replace (the allowlist never calls Replace; the variant proves it). After reboot
/// the store holds exactly the old list or exactly the new one, never a mix, and lookups answer for it.
/// </summary>
[TestClass]
public class AllowlistCrashTests
{
    private const int BlockSize = 128;

    private static readonly int[] TornVariants = { 0, -1, 1000 };

    [TestMethod]
    public void SnapshotOverTableAndOverlaySurvivesAPowerCutAtEveryWrite()
    {
        // Table v1 with an overlay v2 in force, replaced by snapshot v3 (new table, overlay files dropped).
        var v1 = AllowlistTestData.Population(120, 11);
        var v2 = AllowlistRandomTests.Mutate(v1, new Random(13), 20);
        var v3 = AllowlistTestData.Population(150, 12);
        var setup = new[]
        {
            ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 1000, v1, AllowlistTestData.Key),
            ListBuilder.BuildDelta(AllowlistTestData.Site, 2, 1, 1500, ListBuilder.ComputeDelta(v1, v2), AllowlistTestData.Key),
        };
        var newList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 3, 2000, v3, AllowlistTestData.Key);
        Run("snapshot over table + overlay", setup, v2, newList, v3);
    }

    [TestMethod]
    public void DeltaIntoTheOverlaySurvivesAPowerCutAtEveryWrite()
    {
        // Table v7 with an overlay v8 in force, then delta v9 merged into a new overlay file.
        RunDeltaOverTableAndOverlay("delta into overlay", 21, overlayCapacity: 192, expectTableRewrite: false);
    }

    [TestMethod]
    public void DeltaOverflowingTheOverlayRewritesTheTableAndSurvivesAPowerCutAtEveryWrite()
    {
        // Delta v9 (40 changes) does not fit a 64-entry overlay already holding v8's 30, so table + overlay +
        // delta are merged into a new table in the other slot.
        RunDeltaOverTableAndOverlay("delta rewriting the table", 24, overlayCapacity: 64, expectTableRewrite: true);
    }

    /// <summary>Table v7 with an overlay v8 (30 changes) in force, then a delta v9 of 40 changes cut at every write.</summary>
    private static void RunDeltaOverTableAndOverlay(string label, int seed, int overlayCapacity, bool expectTableRewrite)
    {
        var v7 = AllowlistTestData.Population(150, seed);
        var v8 = AllowlistRandomTests.Mutate(v7, new Random(seed + 1), 30);
        var v9 = AllowlistRandomTests.Mutate(v8, new Random(seed + 2), 40);
        var setup = new[]
        {
            ListBuilder.BuildSnapshot(AllowlistTestData.Site, 7, 1000, v7, AllowlistTestData.Key),
            ListBuilder.BuildDelta(AllowlistTestData.Site, 8, 7, 1500, ListBuilder.ComputeDelta(v7, v8), AllowlistTestData.Key),
        };
        var delta = ListBuilder.BuildDelta(AllowlistTestData.Site, 9, 8, 2000, ListBuilder.ComputeDelta(v8, v9), AllowlistTestData.Key);
        Run(label, setup, v8, delta, v9, overlayCapacity: overlayCapacity, expectTableRewrite: expectTableRewrite);
    }

    [TestMethod]
    public void DeltaWithoutOverlaySurvivesAPowerCutAtEveryWrite()
    {
        var oldEntries = AllowlistTestData.Population(150, 27);
        var newEntries = AllowlistRandomTests.Mutate(oldEntries, new Random(28), 40);
        var oldList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 7, 1000, oldEntries, AllowlistTestData.Key);
        var delta = ListBuilder.BuildDelta(AllowlistTestData.Site, 8, 7, 2000, ListBuilder.ComputeDelta(oldEntries, newEntries), AllowlistTestData.Key);
        Run("delta, overlay disabled", new[] { oldList }, oldEntries, delta, newEntries, overlayCapacity: 0, expectTableRewrite: true);
    }

    [TestMethod]
    public void FirstSnapshotOnAnEmptyTerminalSurvivesAPowerCutAtEveryWrite()
    {
        var newEntries = AllowlistTestData.Population(100, 31);
        var newList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 1000, newEntries, AllowlistTestData.Key);
        Run("first snapshot", Array.Empty<byte[]>(), Array.Empty<ListEntry>(), newList, newEntries);
    }

    private static void Run(string name, byte[][] setupLists, ListEntry[] oldEntries, byte[] newList, ListEntry[] newEntries,
        int overlayCapacity = AllowlistStore.DefaultOverlayCapacity, bool expectTableRewrite = true)
    {
        var oldSorted = ListBuilder.SortedCopy(oldEntries);
        var newSorted = ListBuilder.SortedCopy(newEntries);
        long oldVersion = setupLists.Length == 0 ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(setupLists[^1].AsSpan(12));
        capacity = overlayCapacity;

        // Writes an uninterrupted update makes.
        var probe = Prepare(setupLists, false, out var probeStore, out _);
        long tableBefore = probeStore.TableVersion;
        probe.ResetCounters();
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(new ListUpdate(probeStore, AllowlistTestData.Site, AllowlistTestData.Trust), newList, 37));
        int writes = probe.WriteCount;
        Assert.AreEqual(expectTableRewrite, probeStore.TableVersion != tableBefore, "update path");
        Assert.IsTrue(writes >= (expectTableRewrite ? 10 : 3), "the update spans several writes");

        int cuts = 0, sawOld = 0, sawNew = 0, recoveryCuts = 0;
        foreach (bool nonAtomicReplace in new[] { false, true })
        {
            foreach (int torn in TornVariants)
            {
                for (int k = 0; k <= writes; k++)
                {
                    var files = Prepare(setupLists, nonAtomicReplace, out var store, out var fileStore);
                    files.TornBytesKept = torn;
                    files.CutPowerAfterWrites(k);
                    var result = AllowlistTestData.Apply(new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust), newList, 37);
                    bool cut = files.IsPoweredOff;
                    Assert.IsTrue(cut || k == writes, $"cut expected at write {k}");
                    Assert.IsTrue(cut || result == ListUpdateResult.Ok, $"uncut update must succeed, got {result}");
                    files.Reboot();

                    // Recovery itself may be cut: at each of its writes, then recovered again.
                    var probeRecovery = files.WriteCount;
                    var afterCut = Snapshot(files);
                    var reopened = new AllowlistStore(fileStore, "allow", BlockSize, capacity);
                    reopened.Open();
                    int recoveryWrites = files.WriteCount - probeRecovery;
                    bool isNew = Verify(reopened, oldSorted, oldVersion, newSorted, name, k);
                    if (isNew)
                    {
                        sawNew++;
                    }
                    else
                    {
                        sawOld++;
                    }

                    for (int j = 0; j < recoveryWrites; j++)
                    {
                        var again = Restore(afterCut, torn);
                        IFileStore againStore = nonAtomicReplace ? new AllowlistTestData.NonAtomicReplaceStore(again) : again;
                        again.CutPowerAfterWrites(j);
                        new AllowlistStore(againStore, "allow", BlockSize, capacity).Open();
                        again.Reboot();
                        var recovered = new AllowlistStore(againStore, "allow", BlockSize, capacity);
                        recovered.Open();
                        Assert.AreEqual(isNew, Verify(recovered, oldSorted, oldVersion, newSorted, name, k), "recovery cut must not change the outcome");
                        recoveryCuts++;
                    }

                    // The terminal can then fetch the update again and apply it.
                    if (!isNew)
                    {
                        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(new ListUpdate(reopened, AllowlistTestData.Site, AllowlistTestData.Trust), newList, 101));
                        Assert.IsTrue(AllowlistTestData.Holds(reopened, newSorted));
                    }

                    cuts++;
                }
            }
        }

        Assert.IsTrue(sawOld > 0 && sawNew > 0, "both outcomes occur");
        Console.WriteLine($"crash test {name}: {writes} writes per update, {cuts} power cuts (every write x 3 torn-write variants x atomic/non-atomic Replace), " +
            $"{recoveryCuts} cuts during recovery; outcome old list {sawOld}, new list {sawNew}, mixed none (each outcome checked entry by entry)");
    }

    [ThreadStatic]
    private static int capacity;

    private static MemoryFileStore Prepare(byte[][] setupLists, bool nonAtomicReplace, out AllowlistStore store, out IFileStore fileStore)
    {
        var files = new MemoryFileStore();
        fileStore = nonAtomicReplace ? new AllowlistTestData.NonAtomicReplaceStore(files) : files;
        store = new AllowlistStore(fileStore, "allow", BlockSize, capacity);
        store.Open();
        foreach (var list in setupLists)
        {
            Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust), list, 50));
        }

        return files;
    }

    private static bool Verify(AllowlistStore store, ListEntry[] oldSorted, long oldVersion, ListEntry[] newSorted, string name, int k)
    {
        var record = new CardRecord();
        if (store.Version == oldVersion)
        {
            Assert.IsTrue(oldVersion == 0 ? store.Count == 0 && AllowlistTestData.ReadAll(store).Count == 0 : AllowlistTestData.Holds(store, oldSorted), $"{name}: cut at {k} left a damaged old list");
            foreach (var e in oldSorted)
            {
                Assert.IsTrue(store.TryFind(e.Uid, 0, e.Uid.Length, record) && record.HolderKey == e.HolderKey);
            }

            return false;
        }

        Assert.IsTrue(AllowlistTestData.Holds(store, newSorted), $"{name}: cut at {k} left a version {store.Version} that is not exactly the new list");
        foreach (var e in newSorted)
        {
            Assert.IsTrue(store.TryFind(e.Uid, 0, e.Uid.Length, record) && record.State == e.State && record.HolderKey == e.HolderKey);
        }

        return true;
    }

    private static (string Name, byte[] Data)[] Snapshot(MemoryFileStore files)
    {
        var names = new[] { "allow-a.idx", "allow-a.dat", "allow-b.idx", "allow-b.dat", "allow.ov0", "allow.ov1" };
        var copy = new (string, byte[])[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            copy[i] = (names[i], files.Snapshot(names[i]));
        }

        return copy;
    }

    private static MemoryFileStore Restore((string Name, byte[] Data)[] snapshot, int torn)
    {
        var files = new MemoryFileStore { TornBytesKept = torn };
        foreach (var (name, data) in snapshot)
        {
            if (data != null)
            {
                files.Append(name, data, 0, data.Length);
            }
        }

        files.ResetCounters();
        return files;
    }
}
