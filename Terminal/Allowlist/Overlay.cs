using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Recent changes held in RAM on top of the flash table, so a small delta costs one small overlay file
    /// write instead of rewriting the whole table (flash wear, update time). Sorted fixed-capacity arrays
    /// (no allocation after construction); an entry is a card's current values or a removal marker. Lookups
    /// consult it first. When a delta would overflow it, the update merges table, overlay and delta into a
    /// new table (FORMAT.md, "Overlay").
    /// </summary>
    internal sealed class Overlay
    {
        /// <summary>State value meaning "removed since the table was written".</summary>
        public const byte Removed = EntryCodec.RemovalState;

        public readonly int Capacity;
        private readonly byte[] keys;
        private readonly byte[] lengths;
        private readonly byte[] states;
        private readonly int[] holders;
        private readonly byte[] categories;
        private readonly byte[] families;
        private readonly uint[] digests;
        private int count;

        public Overlay(int capacity)
        {
            Capacity = capacity;
            keys = new byte[capacity * CardUid.MaxLength];
            lengths = new byte[capacity];
            states = new byte[capacity];
            holders = new int[capacity];
            categories = new byte[capacity];
            families = new byte[capacity];
            digests = new uint[capacity];
        }

        public int Count
        {
            get { return count; }
        }

        /// <summary>RAM held by the arrays.</summary>
        public int Bytes
        {
            get { return Capacity * (CardUid.MaxLength + 1 + 1 + 4 + 1 + 1 + 4); }
        }

        public void Clear()
        {
            count = 0;
        }

        /// <summary>Appends an entry above the last one (loading in UID order); false when full.</summary>
        public bool Append(EntryKey key, int state, int holder, byte category, CardFamily family)
        {
            return Append(key, state, holder, category, family, 0);
        }

        /// <summary>Appends an entry with its originality digest (0 = none).</summary>
        public bool Append(EntryKey key, int state, int holder, byte category, CardFamily family, uint originalityDigest)
        {
            if (count == Capacity)
            {
                return false;
            }

            int at = count * CardUid.MaxLength;
            for (int i = 0; i < key.Length; i++)
            {
                keys[at + i] = key.Bytes[i];
            }

            lengths[count] = (byte)key.Length;
            states[count] = (byte)state;
            holders[count] = holder;
            categories[count] = category;
            families[count] = (byte)family;
            digests[count] = originalityDigest;
            count++;
            return true;
        }

        /// <summary>Index of the entry for <paramref name="key"/>, or -1 (binary search, no allocation).</summary>
        public int Find(EntryKey key)
        {
            int lo = 0, hi = count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                int order = CompareAt(mid, key);
                if (order == 0)
                {
                    return mid;
                }

                if (order < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return -1;
        }

        /// <summary>Order of entry <paramref name="index"/> against <paramref name="key"/>.</summary>
        public int CompareAt(int index, EntryKey key)
        {
            int length = lengths[index];
            if (length != key.Length)
            {
                return length < key.Length ? -1 : 1;
            }

            int at = index * CardUid.MaxLength;
            for (int i = 0; i < length; i++)
            {
                int d = keys[at + i] - key.Bytes[i];
                if (d != 0)
                {
                    return d;
                }
            }

            return 0;
        }

        public void CopyKey(int index, EntryKey into)
        {
            into.Set(keys, index * CardUid.MaxLength, lengths[index]);
        }

        public bool IsRemoved(int index)
        {
            return states[index] == Removed;
        }

        public int StateAt(int index)
        {
            return states[index];
        }

        public int HolderAt(int index)
        {
            return holders[index];
        }

        public byte CategoryAt(int index)
        {
            return categories[index];
        }

        public CardFamily FamilyAt(int index)
        {
            return (CardFamily)families[index];
        }

        public uint DigestAt(int index)
        {
            return digests[index];
        }

        public void Fill(int index, CardRecord into)
        {
            into.Family = (CardFamily)families[index];
            into.OriginalityDigest = digests[index];
            into.State = (CardState)states[index];
            into.HolderKey = holders[index];
            into.Category = categories[index];
        }
    }

    /// <summary>
    /// The overlay file (FORMAT.md, "Overlay file"): the overlay's entries (entry encoding, removals allowed,
    /// UID order) followed by a 48-byte trailer written last, whose CRC-32 covers the whole file.
    /// </summary>
    internal static class OverlayFormat
    {
        /// <summary>"LCAO" — LéoCarte allowlist overlay.</summary>
        public const uint Magic = 0x4C43414F;
        public const int FormatVersion = 1;
        public const int TrailerSize = 48;

        public const int OffsetMagic = 0;
        public const int OffsetFormatVersion = 4;
        public const int OffsetTrailerSize = 6;
        public const int OffsetTableVersion = 8;
        public const int OffsetVersion = 16;
        public const int OffsetIssued = 24;
        public const int OffsetListCount = 32;
        public const int OffsetEntryCount = 36;
        public const int OffsetEntriesLength = 40;
        public const int OffsetCrc = 44;

        public static void WriteTrailer(byte[] t, long tableVersion, long version, long issued, int listCount, int entryCount, int entriesLength)
        {
            System.Array.Clear(t, 0, TrailerSize);
            BigEndian.WriteUInt32(t, OffsetMagic, Magic);
            BigEndian.WriteUInt16(t, OffsetFormatVersion, FormatVersion);
            BigEndian.WriteUInt16(t, OffsetTrailerSize, TrailerSize);
            BigEndian.WriteInt64(t, OffsetTableVersion, tableVersion);
            BigEndian.WriteInt64(t, OffsetVersion, version);
            BigEndian.WriteInt64(t, OffsetIssued, issued);
            BigEndian.WriteUInt32(t, OffsetListCount, (uint)listCount);
            BigEndian.WriteUInt32(t, OffsetEntryCount, (uint)entryCount);
            BigEndian.WriteUInt32(t, OffsetEntriesLength, (uint)entriesLength);
        }
    }
}
