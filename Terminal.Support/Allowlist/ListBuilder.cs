using System;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Platform-side convenience over <see cref="ListEncoder"/>: builds whole signed snapshots and deltas from
    /// entry arrays (sorting them), and computes the delta between two versions of a list. Used by the gateway
    /// (issue 5), the benchmark and tests; allocates freely — not for the tap path.
    /// </summary>
    public static class ListBuilder
    {
        /// <summary>A signed snapshot of <paramref name="entries"/> (any order; duplicates rejected).</summary>
        public static byte[] BuildSnapshot(uint siteId, long version, long issuedUnixSeconds, ListEntry[] entries, ListSigning signing)
        {
            return BuildSnapshot(siteId, version, issuedUnixSeconds, 0, 0, entries, signing);
        }

        /// <summary>A signed snapshot announcing the site's DESFire key version in force and the previous one still accepted.</summary>
        public static byte[] BuildSnapshot(uint siteId, long version, long issuedUnixSeconds, byte keyVersion, byte previousKeyVersion, ListEntry[] entries, ListSigning signing)
        {
            ListEntry[] sorted = SortedCopy(entries);
            ByteArraySink sink = new ByteArraySink();
            ListEncoder encoder = new ListEncoder(sink, signing);
            encoder.KeyVersion = keyVersion;
            encoder.PreviousKeyVersion = previousKeyVersion;
            encoder.BeginSnapshot(siteId, version, issuedUnixSeconds, sorted.Length);
            for (int i = 0; i < sorted.Length; i++)
            {
                if (sorted[i].IsRemoval)
                {
                    throw new ArgumentException("a snapshot cannot remove");
                }

                encoder.Add(sorted[i]);
            }

            encoder.Finish();
            return sink.ToArray();
        }

        /// <summary>A signed delta applying <paramref name="changes"/> (adds/changes and removals, any order) to <paramref name="baseVersion"/>.</summary>
        public static byte[] BuildDelta(uint siteId, long version, long baseVersion, long issuedUnixSeconds, ListEntry[] changes, ListSigning signing)
        {
            return BuildDelta(siteId, version, baseVersion, issuedUnixSeconds, 0, 0, changes, signing);
        }

        /// <summary>A signed delta announcing the site's DESFire key versions (a change of them is a key rotation).</summary>
        public static byte[] BuildDelta(uint siteId, long version, long baseVersion, long issuedUnixSeconds, byte keyVersion, byte previousKeyVersion, ListEntry[] changes, ListSigning signing)
        {
            ListEntry[] sorted = SortedCopy(changes);
            ByteArraySink sink = new ByteArraySink();
            ListEncoder encoder = new ListEncoder(sink, signing);
            encoder.KeyVersion = keyVersion;
            encoder.PreviousKeyVersion = previousKeyVersion;
            encoder.BeginDelta(siteId, version, baseVersion, issuedUnixSeconds, sorted.Length);
            for (int i = 0; i < sorted.Length; i++)
            {
                encoder.Add(sorted[i]);
            }

            encoder.Finish();
            return sink.ToArray();
        }

        /// <summary>
        /// The changes turning <paramref name="before"/> into <paramref name="after"/> (any order, no duplicates):
        /// removals for cards that left, entries for cards added or whose state, holder, category or family changed.
        /// Sorted by UID.
        /// </summary>
        public static ListEntry[] ComputeDelta(ListEntry[] before, ListEntry[] after)
        {
            ListEntry[] a = SortedCopy(before);
            ListEntry[] b = SortedCopy(after);
            System.Collections.ArrayList changes = new System.Collections.ArrayList();
            int i = 0, j = 0;
            while (i < a.Length || j < b.Length)
            {
                int order = i == a.Length ? 1 : (j == b.Length ? -1 : ListEntry.CompareUid(a[i], b[j]));
                if (order < 0)
                {
                    changes.Add(ListEntry.Removal(a[i].Uid));
                    i++;
                }
                else if (order > 0)
                {
                    changes.Add(b[j]);
                    j++;
                }
                else
                {
                    if (!a[i].SameValues(b[j]))
                    {
                        changes.Add(b[j]);
                    }

                    i++;
                    j++;
                }
            }

            ListEntry[] result = new ListEntry[changes.Count];
            for (int k = 0; k < result.Length; k++)
            {
                result[k] = (ListEntry)changes[k];
            }

            return result;
        }

        /// <summary>A copy sorted by UID (stable merge sort: nanoFramework has no Array.Sort); throws on invalid or duplicate UIDs.</summary>
        public static ListEntry[] SortedCopy(ListEntry[] entries)
        {
            if (entries == null)
            {
                throw new ArgumentNullException("entries");
            }

            ListEntry[] data = new ListEntry[entries.Length];
            for (int i = 0; i < entries.Length; i++)
            {
                ListEntry e = entries[i];
                if (e == null || e.Uid == null || !CardUid.IsValidLength(e.Uid.Length))
                {
                    throw new ArgumentException("entry " + i + ": UID must be 4, 7 or 10 bytes");
                }

                data[i] = e;
            }

            ListEntry[] work = new ListEntry[data.Length];
            for (int width = 1; width < data.Length; width *= 2)
            {
                for (int lo = 0; lo < data.Length; lo += 2 * width)
                {
                    int mid = lo + width < data.Length ? lo + width : data.Length;
                    int hi = lo + 2 * width < data.Length ? lo + 2 * width : data.Length;
                    int x = lo, y = mid, k = lo;
                    while (x < mid && y < hi)
                    {
                        work[k++] = ListEntry.CompareUid(data[y], data[x]) < 0 ? data[y++] : data[x++];
                    }

                    while (x < mid)
                    {
                        work[k++] = data[x++];
                    }

                    while (y < hi)
                    {
                        work[k++] = data[y++];
                    }
                }

                ListEntry[] swap = data;
                data = work;
                work = swap;
            }

            for (int i = 1; i < data.Length; i++)
            {
                if (ListEntry.CompareUid(data[i - 1], data[i]) == 0)
                {
                    throw new ArgumentException("duplicate UID " + CsnText.ToText(data[i].Uid, 0, data[i].Uid.Length, CsnForm.Hex));
                }
            }

            return data;
        }
    }
}
