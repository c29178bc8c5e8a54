using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// One card of a list as the platform side builds it (gateway, tools, tests): the exact UID, its state,
    /// holder and category — or, in a delta, the removal of a UID. Not used on the tap path.
    /// </summary>
    public sealed class ListEntry
    {
        /// <summary>The UID bytes in received order (4, 7 or 10 bytes); the array is the whole UID.</summary>
        public byte[] Uid;
        public CardState State;
        public int HolderKey;
        public byte Category;

        /// <summary>In a delta: the card leaves the list (State, HolderKey, Category ignored).</summary>
        public bool IsRemoval;

        public ListEntry()
        {
        }

        public ListEntry(byte[] uid, CardState state, int holderKey, byte category)
        {
            Uid = uid;
            State = state;
            HolderKey = holderKey;
            Category = category;
        }

        /// <summary>A delta entry removing <paramref name="uid"/>.</summary>
        public static ListEntry Removal(byte[] uid)
        {
            ListEntry entry = new ListEntry();
            entry.Uid = uid;
            entry.IsRemoval = true;
            return entry;
        }

        /// <summary>Allowlist order of the two entries' UIDs (<see cref="CardUid.Compare"/>).</summary>
        public static int CompareUid(ListEntry a, ListEntry b)
        {
            return CardUid.Compare(a.Uid, 0, a.Uid.Length, b.Uid, 0, b.Uid.Length);
        }

        /// <summary>True when state, holder and category are equal (the UID is not compared).</summary>
        public bool SameValues(ListEntry other)
        {
            return State == other.State && HolderKey == other.HolderKey && Category == other.Category && IsRemoval == other.IsRemoval;
        }
    }
}
