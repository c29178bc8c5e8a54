using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Allowlist;

[TestClass]
public class AllowlistRandomTests
{
    [TestMethod]
    public void SnapshotThenDeltasMatchAReferenceDictionary()
    {
        var files = new MemoryFileStore();
        var store = new AllowlistStore(files, "allow", 256);
        Assert.IsFalse(store.Open());
        var update = new ListUpdate(store, AllowlistTestData.Site, AllowlistTestData.Trust);
        var random = new Random(42);
        var current = AllowlistTestData.Population(3000, 7);
        var snapshot = ListBuilder.BuildSnapshot(AllowlistTestData.Site, 1, 1_700_000_000, current, AllowlistTestData.Key);
        Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, snapshot, 0, 3));
        Assert.AreEqual(1L, store.Version);
        int lookups = 0;
        int deltas = 0;
        for (long version = 2; version <= 12; version++)
        {
            var next = Mutate(current, random, 1 + random.Next(300));
            var changes = ListBuilder.ComputeDelta(current, next);
            var delta = ListBuilder.BuildDelta(AllowlistTestData.Site, version, version - 1, 1_700_000_000 + version, changes, AllowlistTestData.Key);
            Assert.AreEqual(ListUpdateResult.Ok, AllowlistTestData.Apply(update, delta, 0, (int)version), "delta " + version);
            deltas++;
            current = next;
            Assert.AreEqual(version, store.Version);
            Assert.IsTrue(AllowlistTestData.Holds(store, ListBuilder.SortedCopy(current)));
            lookups += CheckLookups(store, current, random);

            // The same store reopened from flash (a reboot) answers the same.
            var reopened = new AllowlistStore(files, "allow", 256);
            Assert.IsTrue(reopened.Open());
            Assert.AreEqual(version, reopened.Version);
            lookups += CheckLookups(reopened, current, random);
        }

        Console.WriteLine($"random lists: {deltas} deltas applied, {lookups} lookups checked against the reference dictionary");
    }

    internal static int CheckLookups(AllowlistStore store, ListEntry[] entries, Random random)
    {
        var map = AllowlistTestData.ToDictionary(entries);
        var record = new CardRecord();
        int checks = 0;
        foreach (var e in entries)
        {
            Assert.IsTrue(store.TryFind(e.Uid, 0, e.Uid.Length, record), "listed card not found");
            Assert.AreEqual(e.State, record.State);
            Assert.AreEqual(e.HolderKey, record.HolderKey);
            Assert.AreEqual(e.Category, record.Category);
            Assert.IsTrue(store.LastLookupReads <= 2);
            checks++;
        }

        for (int i = 0; i < 2000; i++)
        {
            // Unknown cards, including near misses (one bit away from a listed UID).
            byte[] uid;
            if (i % 2 == 0)
            {
                var source = entries[random.Next(entries.Length)].Uid;
                uid = (byte[])source.Clone();
                uid[random.Next(uid.Length)] ^= (byte)(1 << random.Next(8));
            }
            else
            {
                uid = new byte[new[] { 4, 7, 10 }[random.Next(3)]];
                random.NextBytes(uid);
            }

            bool listed = map.TryGetValue(Convert.ToHexString(uid), out var expected);
            Assert.AreEqual(listed, store.TryFind(uid, 0, uid.Length, record));
            if (listed)
            {
                Assert.AreEqual(expected.HolderKey, record.HolderKey);
            }

            checks++;
        }

        return checks;
    }

    internal static ListEntry[] Mutate(ListEntry[] current, Random random, int changes)
    {
        var map = AllowlistTestData.ToDictionary(current);
        var keys = new System.Collections.Generic.List<string>(map.Keys);
        for (int c = 0; c < changes; c++)
        {
            int kind = random.Next(3);
            if (kind == 0 && keys.Count > 0)
            {
                string k = keys[random.Next(keys.Count)];
                if (map.Remove(k))
                {
                    continue;
                }
            }

            if (kind == 1 && keys.Count > 0)
            {
                string k = keys[random.Next(keys.Count)];
                if (map.TryGetValue(k, out var e))
                {
                    map[k] = new ListEntry(e.Uid, AllowlistTestData.RandomState(random), random.Next(2) == 0 ? e.HolderKey : random.Next(), (byte)random.Next(3));
                    continue;
                }
            }

            var fresh = AllowlistTestData.Population(1, random.Next())[0];
            map[Convert.ToHexString(fresh.Uid)] = fresh;
        }

        return new System.Collections.Generic.List<ListEntry>(map.Values).ToArray();
    }
}
