using LeoCarte.Drivers.Iso14443;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Does the card on the reader answer as the family its list entry records (Allowlist/FORMAT.md, "Card family")?
    /// A LéoCarte is a MIFARE DESFire (EV1–EV3: ATQA 0344h, SAK 20h, and the DESFire ATS 06 75 77 81 02 80 when the
    /// reader asks for it); the older campus cards are MIFARE Classic (SAK 08h/18h/09h, or 28h/38h for a SmartMX card
    /// emulating one). A "magic" Classic or an Ultralight programmed with a student's 7-byte UID keeps its own SAK (08h,
    /// 00h: shared/design/reader-facts.md, NXP AN10833), so it is refused as "card not genuine" under every policy,
    /// including `uid`. An emulator that copies ATQA, SAK and ATS too passes this check: only DESFire AES authentication
    /// (policy desfire-aes) stops it (hardware/security.md).
    /// </summary>
    public static class CardFamilyCheck
    {
        /// <summary>The anticollision answer (type decoded from ATQA and SAK) against the entry's family.</summary>
        public static bool MatchesAnswer(CardFamily family, CardType type)
        {
            switch (family)
            {
                case CardFamily.Desfire:
                    return type == CardType.MifareDesfire;
                case CardFamily.Classic:
                    return type == CardType.MifareClassic1K || type == CardType.MifareClassic4K || type == CardType.MifareClassicMini
                        || type == CardType.MifareClassicEmulationIso14443_4;
                default:
                    return true;
            }
        }

        /// <summary>The ATS, when the reader read one, against the entry's family (AN10833 §3.3: DESFire's historical byte 80h).</summary>
        public static bool MatchesAts(CardFamily family, AtsInfo ats)
        {
            if (family != CardFamily.Desfire)
            {
                return true;
            }

            return ats.Valid && CardTypes.RefineWithAts(CardType.MifareDesfire, ats) == CardType.MifareDesfire;
        }
    }
}
