using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Card lookup on the tap path: the overlay first, then one block of the table found through the RAM index; no allocation.</summary>
    public sealed partial class AllowlistStore
    {
        /// <summary>
        /// Finds the card uid[offset..+length); fills <paramref name="into"/> and returns true when listed. A UID of
        /// another size, no list, a read failure or corrupt flash all return false (unknown card). No allocation.
        /// </summary>
        public bool TryFind(byte[] uid, int offset, int length, CardRecord into)
        {
            lock (sync)
            {
                searchReads = 0;
                searchDecoded = 0;
                searchFailed = false;
                bool found = false;
                long version = Version;
                if (uid != null && into != null && CardUid.IsValidLength(length) && offset >= 0 && offset + length <= uid.Length && version != 0)
                {
                    target.Set(uid, offset, length);
                    found = FindTarget(into);
                }

                // Published only by the tap path's own call, so an update checking a delta meanwhile cannot blur them.
                lastLookupReads = searchReads;
                lastLookupEntriesDecoded = searchDecoded;
                lastLookupFailed = searchFailed;
                lastLookupVersion = version; // the lock keeps an update from switching lists during the lookup
                return found;
            }
        }

        /// <summary>Whether <paramref name="key"/> is in the list in force (update-time checks of deltas).</summary>
        internal bool Contains(EntryKey key, CardRecord scratch, out bool failed)
        {
            lock (sync)
            {
                searchFailed = false;
                target.CopyFrom(key);
                bool found = FindTarget(scratch);
                failed = searchFailed;
                return found;
            }
        }

        /// <summary>Looks <see cref="target"/> up: the overlay first (changes since the table), then the table.</summary>
        private bool FindTarget(CardRecord into)
        {
            int changed = overlay.Find(target);
            if (changed >= 0)
            {
                if (overlay.IsRemoved(changed))
                {
                    return false;
                }

                overlay.Fill(changed, into);
                return true;
            }

            if (blockCount == 0)
            {
                return false;
            }

            ulong prefix = target.IndexPrefix;

            // Last block whose first prefix is <= the target's.
            int lo = 0, hi = blockCount - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                if (index[mid] <= prefix)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found < 0)
            {
                return false;
            }

            int outcome = SearchBlock(found, into);
            if (outcome == SearchBeforeBlock && found > 0)
            {
                // Same 7-byte prefix as this block's first key but below it: only the previous block can hold it.
                outcome = SearchBlock(found - 1, into);
            }

            return outcome == SearchFound;
        }
    }
}
