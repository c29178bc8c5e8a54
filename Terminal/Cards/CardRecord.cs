namespace LeoCarte.Terminal.Cards
{
    /// <summary>
    /// What the allowlist says of a card. ESUP-SGC states map onto these (issue 5): ENABLED → Active;
    /// DISABLED → Lost, Stolen or BlockedOther (the card office's reason when known); RENEWED → Renewed;
    /// CADUC → Expired; DESTROYED → BlockedOther; printed or encoded but never enabled → NotYetActivated.
    /// Values are stored in flash: never renumber.
    /// </summary>
    public enum CardState : byte
    {
        Active = 0,
        NotYetActivated = 1,
        Lost = 2,
        Stolen = 3,
        Renewed = 4,
        Expired = 5,
        BlockedOther = 6,
    }

    /// <summary>
    /// Why a <see cref="CardState.BlockedOther"/> card is blocked, carried in its entry's category byte (the
    /// three state bits of the list format are all taken; a blocked card buys nothing, so it has no tariff
    /// category). Terminals that predate this show the general "blocked" message for every value.
    /// </summary>
    public static class BlockReason
    {
        /// <summary>Not given (disabled without a motif, destroyed).</summary>
        public const byte Unspecified = 0;

        /// <summary>ESUP-SGC DISABLED with motif OUT_OF_ORDER: the card is out of order, the holder needs a new one.</summary>
        public const byte OutOfOrder = 1;
    }

    /// <summary>
    /// One allowlist entry as handed to the decision engine. A caller allocates one instance and passes it
    /// to every lookup, which fills it in place (no allocation per tap).
    /// </summary>
    public sealed class CardRecord
    {
        /// <summary>The card's state on the platform.</summary>
        public CardState State;

        /// <summary>
        /// The card holder (student) across renewed cards: per-holder rules such as one meal per service
        /// count against this key, so a renewed card cannot buy a second meal.
        /// </summary>
        public int HolderKey;

        /// <summary>Optional site-defined tariff category (0 = default).</summary>
        public byte Category;

        /// <summary>The chip family the card must answer as (Allowlist/FORMAT.md, "Card family"); a card that answers
        /// otherwise is refused as not genuine under every site policy.</summary>
        public CardFamily Family;

        /// <summary>The originality digest of the card's genuine Read_Sig answer (Allowlist/FORMAT.md, "Originality
        /// digest"; App/OriginalityCheck.Digest); 0 when the list carries none for this card.</summary>
        public uint OriginalityDigest;

        public void CopyFrom(CardRecord other)
        {
            OriginalityDigest = other.OriginalityDigest;
            State = other.State;
            HolderKey = other.HolderKey;
            Category = other.Category;
            Family = other.Family;
        }
    }

    /// <summary>The read side of the allowlist, as the decision engine sees it.</summary>
    public interface IAllowlist
    {
        /// <summary>Finds the card whose UID is uid[offset..offset+length); fills <paramref name="into"/> and returns true when listed.</summary>
        bool TryFind(byte[] uid, int offset, int length, CardRecord into);

        /// <summary>Version of the list in force; 0 when the terminal holds no list yet.</summary>
        long Version { get; }

        /// <summary>When the platform issued the list in force (UTC), for the staleness policy.</summary>
        System.DateTime IssuedUtc { get; }

        /// <summary>Number of cards in the list in force.</summary>
        int Count { get; }

        /// <summary>
        /// True when the last <see cref="TryFind"/> returned false because the flash could not be read or decoded,
        /// not because the card is absent: the terminal then says "storage fault", never "unknown card".
        /// </summary>
        bool LastLookupFailed { get; }

        /// <summary>Version of the list the last <see cref="TryFind"/> searched (a list switch may land just before).</summary>
        long LastLookupVersion { get; }

        /// <summary>The site's DESFire key version in force with this list (1–255; 0: the list announces none).</summary>
        byte KeyVersion { get; }

        /// <summary>The key version still accepted during a rotation (0: none).</summary>
        byte PreviousKeyVersion { get; }
    }
}
