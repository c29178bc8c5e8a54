using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Enumerates the list in force in UID order: the flash table merged with the RAM overlay (overlay entries
    /// replace or remove table entries). Used by the delta merge and for diagnostics, exports and tests; do not
    /// keep one across an update. Corrupt flash ends the enumeration with <see cref="IsCorrupt"/> set.
    /// </summary>
    public sealed class AllowlistCursor
    {
        private readonly TableCursor table = new TableCursor();
        private readonly EntryKey key = new EntryKey();
        private Overlay overlay;
        private int overlayIndex;
        private bool tableHasCurrent;
        private bool started;
        private CardState state;
        private int holderKey;
        private byte category;
        private CardFamily family;
        private uint originalityDigest;

        public bool IsCorrupt
        {
            get { return table.IsCorrupt; }
        }

        public CardState State
        {
            get { return state; }
        }

        public int HolderKey
        {
            get { return holderKey; }
        }

        public byte Category
        {
            get { return category; }
        }

        public CardFamily Family
        {
            get { return family; }
        }

        /// <summary>The current card's originality digest (0 = none).</summary>
        public uint OriginalityDigest
        {
            get { return originalityDigest; }
        }

        public int UidLength
        {
            get { return key.Length; }
        }

        internal EntryKey Key
        {
            get { return key; }
        }

        /// <summary>Copies the current UID to into[offset..] and returns its length.</summary>
        public int CopyUid(byte[] into, int offset)
        {
            System.Array.Copy(key.Bytes, 0, into, offset, key.Length);
            return key.Length;
        }

        public void CopyRecord(CardRecord into)
        {
            into.State = state;
            into.HolderKey = holderKey;
            into.Category = category;
            into.Family = family;
            into.OriginalityDigest = originalityDigest;
        }

        internal void Open(Storage.IFileStore files, string dataName, int blockSize, int blockCount, Overlay currentOverlay)
        {
            table.Open(files, dataName, blockSize, blockCount);
            overlay = currentOverlay;
            overlayIndex = 0;
            started = false;
            key.Clear();
        }

        /// <summary>Advances to the next card of the list; false at the end or on corruption.</summary>
        public bool MoveNext()
        {
            if (!started)
            {
                started = true;
                tableHasCurrent = table.MoveNext();
            }

            while (true)
            {
                if (table.IsCorrupt)
                {
                    return false;
                }

                bool overlayHas = overlay != null && overlayIndex < overlay.Count;
                if (!tableHasCurrent && !overlayHas)
                {
                    return false;
                }

                int order = !overlayHas ? 1 : (!tableHasCurrent ? -1 : overlay.CompareAt(overlayIndex, table.Key));
                if (order > 0)
                {
                    key.CopyFrom(table.Key);
                    state = table.State;
                    holderKey = table.HolderKey;
                    category = table.Category;
                    family = table.Family;
                    originalityDigest = table.OriginalityDigest;
                    tableHasCurrent = table.MoveNext();
                    return true;
                }

                if (order == 0)
                {
                    // The overlay's version of this card replaces the table's.
                    tableHasCurrent = table.MoveNext();
                }

                int index = overlayIndex++;
                if (overlay.IsRemoved(index))
                {
                    continue;
                }

                overlay.CopyKey(index, key);
                state = (CardState)overlay.StateAt(index);
                holderKey = overlay.HolderAt(index);
                category = overlay.CategoryAt(index);
                family = overlay.FamilyAt(index);
                originalityDigest = overlay.DigestAt(index);
                return true;
            }
        }
    }
}
