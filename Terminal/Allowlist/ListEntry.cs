using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// One card of a list as the platform side builds it (gateway, tools, tests): the exact UID, its state,
    /// holder, category and card family — or, in a delta, the removal of a UID. Not used on the tap path.
    /// </summary>
    public sealed class ListEntry
    {
        /// <summary>The UID bytes in received order (4, 7 or 10 bytes); the array is the whole UID.</summary>
        public byte[] Uid;
        public CardState State;
        public int HolderKey;
        public byte Category;

        /// <summary>The chip family the card must answer as; the constructors set the one the UID length implies.</summary>
        public CardFamily Family;

        /// <summary>The originality digest of the card's verified Read_Sig answer (FORMAT.md, "Originality digest"); 0 = none.</summary>
        public uint OriginalityDigest;

        /// <summary>In a delta: the card leaves the list (State, HolderKey, Category ignored).</summary>
        public bool IsRemoval;

        public ListEntry()
        {
        }

        public ListEntry(byte[] uid, CardState state, int holderKey, byte category)
            : this(uid, state, holderKey, category, CardFamilies.ImpliedBy(uid == null ? 0 : uid.Length))
        {
        }

        public ListEntry(byte[] uid, CardState state, int holderKey, byte category, CardFamily family)
        {
            Uid = uid;
            State = state;
            HolderKey = holderKey;
            Category = category;
            Family = family;
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

        /// <summary>True when state, holder, category, family and originality digest are equal (the UID is not compared).</summary>
        public bool SameValues(ListEntry other)
        {
            return State == other.State && HolderKey == other.HolderKey && Category == other.Category && Family == other.Family && OriginalityDigest == other.OriginalityDigest && IsRemoval == other.IsRemoval;
        }
    }
}
