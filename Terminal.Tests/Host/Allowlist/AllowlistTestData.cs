using System;
using System.Collections.Generic;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Tests.Allowlist;

/// <summary>Deterministic card populations and helpers shared by the host allowlist tests and the benchmark's assertions.</summary>
internal static class AllowlistTestData
{
    public const uint Site = 14;
    /// <summary>The gateway's (real ECDSA P-256) key and database identity, and the terminal's trust in it.</summary>
    public static readonly ListSigning Key = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing();
    public static ListTrust Trust => global::LeoCarte.Terminal.Tests.Support.HostListKeys.Trust();

    /// <summary>
    /// A realistic mix: 90 % 7-byte DESFire UIDs (NXP manufacturer byte 0x04, 6 random bytes), 9.5 % 4-byte
    /// MIFARE Classic UIDs, 0.5 % 10-byte UIDs; mostly active; holder keys dense ids; a few categories.
    /// </summary>
    public static ListEntry[] Population(int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>();
        var entries = new ListEntry[count];
        int n = 0;
        while (n < count)
        {
            int roll = random.Next(1000);
            byte[] uid;
            if (roll < 900)
            {
                uid = new byte[7];
                random.NextBytes(uid);
                uid[0] = 0x04;
            }
            else if (roll < 995)
            {
                uid = new byte[4];
                random.NextBytes(uid);
            }
            else
            {
                uid = new byte[10];
                random.NextBytes(uid);
                uid[0] = 0x04;
            }

            if (!seen.Add(Convert.ToHexString(uid)))
            {
                continue;
            }

            entries[n] = new ListEntry(uid, RandomState(random), 1 + random.Next(count * 2), random.Next(10) == 0 ? (byte)random.Next(1, 5) : (byte)0);
            n++;
        }

        return entries;
    }

    public static CardState RandomState(Random random)
    {
        int roll = random.Next(100);
        return roll < 85 ? CardState.Active : (CardState)(1 + random.Next(6));
    }

    public static Dictionary<string, ListEntry> ToDictionary(IEnumerable<ListEntry> entries)
    {
        var map = new Dictionary<string, ListEntry>();
        foreach (var e in entries)
        {
            map[Convert.ToHexString(e.Uid)] = e;
        }

        return map;
    }

    /// <summary>Feeds bytes to an update in chunks of the given size (0 = random sizes from the seed).</summary>
    public static ListUpdateResult Apply(ListUpdate update, byte[] list, int chunk, int seed = 1)
    {
        var random = new Random(seed);
        update.Begin();
        int i = 0;
        while (i < list.Length)
        {
            int n = chunk > 0 ? chunk : random.Next(1, 700);
            if (n > list.Length - i)
            {
                n = list.Length - i;
            }

            var r = update.Write(list, i, n);
            if (r != ListUpdateResult.Ok)
            {
                return r;
            }

            i += n;
        }

        return update.Commit();
    }

    /// <summary>Every entry of the table in force, in order.</summary>
    public static List<ListEntry> ReadAll(AllowlistStore store)
    {
        var list = new List<ListEntry>();
        var cursor = store.OpenCursor();
        var buffer = new byte[10];
        while (cursor.MoveNext())
        {
            int n = cursor.CopyUid(buffer, 0);
            list.Add(new ListEntry(buffer.AsSpan(0, n).ToArray(), cursor.State, cursor.HolderKey, cursor.Category));
        }

        if (cursor.IsCorrupt)
        {
            throw new InvalidOperationException("table corrupt");
        }

        return list;
    }

    /// <summary>True when the store holds exactly these entries (content and order).</summary>
    public static bool Holds(AllowlistStore store, ListEntry[] sortedExpected)
    {
        var all = ReadAll(store);
        if (all.Count != sortedExpected.Length || store.Count != sortedExpected.Length)
        {
            return false;
        }

        for (int i = 0; i < all.Count; i++)
        {
            var a = all[i];
            var e = sortedExpected[i];
            if (!a.Uid.AsSpan().SequenceEqual(e.Uid) || !a.SameValues(e))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The device's IFileStore.Replace: Delete(target) then Move(source, target), two separate writes (brief:
    /// nanoFramework has no atomic File.Replace). Wraps a MemoryFileStore for crash tests.
    /// </summary>
    public sealed class NonAtomicReplaceStore : IFileStore
    {
        public readonly MemoryFileStore Inner;

        public NonAtomicReplaceStore(MemoryFileStore inner) => Inner = inner;

        public int Length(string name) => Inner.Length(name);

        public int Read(string name, int position, byte[] buffer, int offset, int count) => Inner.Read(name, position, buffer, offset, count);

        public void Append(string name, byte[] data, int offset, int count) => Inner.Append(name, data, offset, count);

        public void Write(string name, int position, byte[] data, int offset, int count) => Inner.Write(name, position, data, offset, count);

        public void Truncate(string name, int length) => Inner.Truncate(name, length);

        public void Replace(string source, string target)
        {
            Inner.Delete(target);
            Inner.Replace(source, target);
        }

        public void Delete(string name) => Inner.Delete(name);
    }
}
