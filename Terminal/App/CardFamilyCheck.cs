using LeoCarte.Drivers.Iso14443;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Is the card on the reader of the family its UID says? Every 7-byte LéoCarte is a MIFARE DESFire (EV1–EV3: ATQA
    /// 0344h, SAK 20h, and the DESFire ATS when the reader asks for it); the older campus cards with a 4-byte UID are
    /// MIFARE Classic (SAK 08h/18h/09h). A "magic" Classic or an Ultralight programmed with a student's 7-byte UID keeps
    /// its own SAK (08h, 00h: shared/design/reader-facts.md, NXP AN10833), so it is refused here as "card not genuine"
    /// before any list lookup — under every policy, including `uid`. An emulator that copies ATQA, SAK and ATS too is
    /// not caught by this check: only DESFire AES authentication stops it (hardware/security.md).
    /// </summary>
    public static class CardFamilyCheck
    {
        public static bool Plausible(int uidLength, CardType type)
        {
            if (uidLength == 7)
            {
                return type == CardType.MifareDesfire;
            }

            if (uidLength == 4)
            {
                // Classic campus cards; a DESFire in random-ID mode (08h ...) is not refused here (its UID is unknown
                // to every list anyway, and the refusal reason should say so).
                return type == CardType.MifareClassic1K || type == CardType.MifareClassic4K || type == CardType.MifareClassicMini
                    || type == CardType.MifareDesfire;
            }

            return false;
        }
    }
}
