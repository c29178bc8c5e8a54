namespace LeoCarte.Terminal.Cards
{
    /// <summary>
    /// The chip family a listed card must answer as (ISO/IEC 14443-3 ATQA/SAK, and the ATS where the reader asks for
    /// it). The ESUP-SGC export has no card-type field: the gateway maps the csn length (Allowlist/FORMAT.md, "Card
    /// family"), so a list entry normally carries the family its UID length implies and costs no byte for it.
    /// Values are stored in flash (2 bits of an entry's attribute byte): never renumber.
    /// </summary>
    public enum CardFamily : byte
    {
        /// <summary>No type check (10-byte UIDs, or a card the platform cannot tell).</summary>
        Unchecked = 0,

        /// <summary>MIFARE DESFire EV1/EV2/EV3 (ATQA 0344h, SAK 20h): every LéoCarte.</summary>
        Desfire = 1,

        /// <summary>MIFARE Classic 1K/4K/Mini (SAK 08h/18h/09h): the older campus cards.</summary>
        Classic = 2,
    }

    /// <summary>Family rules shared by the list format, the gateway and the tap loop.</summary>
    public static class CardFamilies
    {
        /// <summary>Highest value an entry may carry.</summary>
        public const int MaxValue = 2;

        /// <summary>
        /// The family a UID length implies when the entry does not say otherwise: 7 bytes → DESFire (NXP double-size
        /// UIDs; every LéoCarte issued through ESUP-SGC and ESUP-NFC-Tag), 4 bytes → Classic (the campus cards before
        /// LéoCarte), anything else → unchecked.
        /// </summary>
        public static CardFamily ImpliedBy(int uidLength)
        {
            if (uidLength == CardUid.DoubleSize)
            {
                return CardFamily.Desfire;
            }

            return uidLength == CardUid.SingleSize ? CardFamily.Classic : CardFamily.Unchecked;
        }

        public static string NameOf(CardFamily family)
        {
            switch (family)
            {
                case CardFamily.Desfire: return "DESFire";
                case CardFamily.Classic: return "Classic";
                case CardFamily.Unchecked: return "unchecked";
                default: return "CardFamily " + ((int)family).ToString();
            }
        }
    }
}
