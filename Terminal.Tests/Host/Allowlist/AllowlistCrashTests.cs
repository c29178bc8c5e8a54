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
    private const int BlockSize = 64;

    private static readonly int[] TornVariants = { 0, -1, 1000 };

    [TestMethod]
    public void SnapshotOverSnapshotSurvivesAPowerCutAtEveryWrite()
    {
        var oldEntries = AllowlistTestData.Population(120, 11);
        var newEntries = AllowlistTestData.Population(150, 12);
        var oldList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 1000, oldEntries, AllowlistTestData.Key);
        var newList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 2, 2000, newEntries, AllowlistTestData.Key);
        Run("snapshot over snapshot", oldList, oldEntries, newList, newEntries);
    }

    [TestMethod]
    public void DeltaSurvivesAPowerCutAtEveryWrite()
    {
        var oldEntries = AllowlistTestData.Population(150, 21);
        var newEntries = AllowlistRandomTests.Mutate(oldEntries, new Random(22), 40);
        var oldList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 7, 1000, oldEntries, AllowlistTestData.Key);
        var delta = ListBuilder.BuildDelta(AllowlistTestData.Site, 8, 7, 2000, ListBuilder.ComputeDelta(oldEntries, newEntries), AllowlistTestData.Key);
        Run("delta", oldList, oldEntries, delta, newEntries);
    }

    [TestMethod]
    public void FirstSnapshotOnAnEmptyTerminalSurvivesAPowerCutAtEveryWrite()
    {
        var newEntries = AllowlistTestData.Population(100, 31);
        var newList = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 1000, newEntries, AllowlistTestData.Key);
        Run("first snapshot", null, Array.Empty<ListEntry>(), newList, newEntries);
    }

    private static void Run(string name, byte[] oldList, ListEntry[] oldEntries, byte[] newList, ListEntry[] newEntries)
    {
        var oldSorted = ListBuilder.SortedCopy(oldEntries);
        var newSorted = ListBuilder.SortedCopy(newEntries);
        long oldVersion = oldList == null ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(oldList.AsSpan(12));

        // Writes an uninterrupted update makes.
        var probe = Prepare(oldList, false, out var probeStore, out _);
        probe.ResetCounters();
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(new ListUpdate(probeStore, AllowlistTestData.Site, AllowlistTestData.Key), newList, 37));
        int writes = probe.WriteCount;
        Assert.IsTrue(writes > 10, "the update spans many writes");

        int cuts = 0, sawOld = 0, sawNew = 0, recoveryCuts = 0;
        foreach (bool nonAtomicReplace in new[] { false, true })
        {
            foreach (int torn in TornVariants)
            {
                for (int k = 0; k <= writes; k++)
                {
                    var files = Prepare(oldList, nonAtomicReplace, out var store, out var fileStore);
                    files.TornBytesKept = torn;
                    files.CutPowerAfterWrites(k);
                    var result = AllowlistTestData.Apply(new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Key), newList, 37);
                    bool cut = files.IsPoweredOff;
                    Assert.IsTrue(cut || k == writes, $"cut expected at write {k}");
                    Assert.IsTrue(cut || result == ListUpdateResult.Ok, $"uncut update must succeed, got {result}");
                    files.Reboot();

                    // Recovery itself may be cut: at each of its writes, then recovered again.
                    var probeRecovery = files.WriteCount;
                    var afterCut = Snapshot(files);
                    var reopened = new AllowlistStore(fileStore, "allow", BlockSize);
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
                        new AllowlistStore(againStore, "allow", BlockSize).Open();
                        again.Reboot();
                        var recovered = new AllowlistStore(againStore, "allow", BlockSize);
                        recovered.Open();
                        Assert.AreEqual(isNew, Verify(recovered, oldSorted, oldVersion, newSorted, name, k), "recovery cut must not change the outcome");
                        recoveryCuts++;
                    }

                    // The terminal can then fetch the update again and apply it.
                    if (!isNew)
                    {
                        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(new ListUpdate(reopened, AllowlistTestData.Site, AllowlistTestData.Key), newList, 101));
                        Assert.IsTrue(AllowlistTestData.Holds(reopened, newSorted));
                    }

                    cuts++;
                }
            }
        }

        Assert.IsTrue(sawOld > 0 && sawNew > 0, "both outcomes occur");
        Console.WriteLine($"crash test {name}: {writes} writes per update, {cuts} power cuts (x3 torn-write variants x atomic/non-atomic Replace), " +
            $"{recoveryCuts} cuts during recovery; outcome old list {sawOld}, new list {sawNew}, mixed 0");
    }

    private static MemoryFileStore Prepare(byte[] oldList, bool nonAtomicReplace, out AllowlistStore store, out IFileStore fileStore)
    {
        var files = new MemoryFileStore();
        fileStore = nonAtomicReplace ? new AllowlistTestData.NonAtomicReplaceStore(files) : files;
        store = new AllowlistStore(fileStore, "allow", BlockSize);
        store.Open();
        if (oldList != null)
        {
            Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Key), oldList, 50));
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
        var names = new[] { "allow-a.idx", "allow-a.dat", "allow-b.idx", "allow-b.dat" };
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
