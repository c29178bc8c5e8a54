namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>Card family as far as ATQA, SAK (and the ATS, when requested) tell it.</summary>
    public enum CardType : byte
    {
        Unknown = 0,
        MifareClassicMini = 1,
        MifareClassic1K = 2,
        MifareClassic4K = 3,

        /// <summary>MIFARE Ultralight family and NTAG 21x: SAK 0x00 (no ISO/IEC 14443-4, no Crypto1).</summary>
        MifareUltralightOrNtag = 4,

        /// <summary>MIFARE Plus in security level 2 (SAK 0x10 / 0x11).</summary>
        MifarePlus = 5,

        /// <summary>Any ISO/IEC 14443-4 compliant card not recognised more precisely.</summary>
        Iso14443_4 = 6,

        /// <summary>MIFARE DESFire (EV1..EV3): the LéoCarte. ATQA 0x0344, SAK 0x20; confirmed by the ATS when read.</summary>
        MifareDesfire = 7,

        /// <summary>A SmartMX-class card answering both MIFARE Classic and ISO/IEC 14443-4 (SAK 0x28 / 0x38).</summary>
        MifareClassicEmulationIso14443_4 = 8,
    }

    /// <summary>
    /// SAK and ATQA decoding (ISO/IEC 14443-3 §6.5.3.4; NXP AN10833 "MIFARE type identification procedure",
    /// table 6). Pure functions: shared tests cover them on both runtimes.
    /// </summary>
    public static class CardTypes
    {
        /// <summary>SAK bit 3 (0x04): UID not complete, another cascade level follows.</summary>
        public const byte SakCascadeBit = 0x04;

        /// <summary>SAK bit 6 (0x20): the card complies with ISO/IEC 14443-4.</summary>
        public const byte SakIso14443_4Bit = 0x20;

        /// <summary>ATQA of MIFARE DESFire with a 7-byte UID (AN10833), as received: 0x44 then 0x03.</summary>
        public const ushort DesfireAtqa = 0x0344;

        public static bool UidComplete(byte sak) => (sak & SakCascadeBit) == 0;

        public static bool IsIso14443_4Compliant(byte sak) => (sak & SakIso14443_4Bit) != 0 && (sak & SakCascadeBit) == 0;

        /// <summary>UID size announced by ATQA bits 8..7 (ISO/IEC 14443-3 §6.5.2.1): 4, 7, 10, or 0 (RFU value).</summary>
        public static int UidLengthFromAtqa(ushort atqa)
        {
            switch ((atqa >> 6) & 0x03)
            {
                case 0: return 4;
                case 1: return 7;
                case 2: return 10;
                default: return 0;
            }
        }

        public static CardType Decode(byte sak, ushort atqa)
        {
            if ((sak & SakCascadeBit) != 0)
            {
                // UID not complete (written out: nanoCLR does not inline UidComplete).
                return CardType.Unknown;
            }

            switch (sak & 0x7F)
            {
                case 0x00: return CardType.MifareUltralightOrNtag;
                case 0x08: return CardType.MifareClassic1K;
                case 0x09: return CardType.MifareClassicMini;
                case 0x18: return CardType.MifareClassic4K;
                case 0x10:
                case 0x11: return CardType.MifarePlus;
                case 0x28:
                case 0x38: return CardType.MifareClassicEmulationIso14443_4;
                case 0x20:
                    // AN10833: SAK 0x20 with ATQA 0x0344 is DESFire (0x0304 with a 4-byte random UID).
                    return (atqa & 0xFF0F) == 0x0304 ? CardType.MifareDesfire : CardType.Iso14443_4;
                default:
                    return IsIso14443_4Compliant(sak) ? CardType.Iso14443_4 : CardType.Unknown;
            }
        }

        /// <summary>True when the ATQA's UID-size bits (§6.5.2.1) announce <paramref name="uidLength"/> bytes.</summary>
        public static bool AtqaAgreesWithUid(ushort atqa, int uidLength)
        {
            // UidLengthFromAtqa written out (one call less per use; runs twice per new card): RFU value 3 announces 0.
            int bits = (atqa >> 6) & 0x03;
            return uidLength == (bits == 0 ? 4 : bits == 1 ? 7 : bits == 2 ? 10 : 0);
        }

        /// <summary>Refines a decoded type with the ATS (<see cref="DesfireAts"/>): DESFire EV1..EV3 answer exactly
        /// 06 75 77 81 02 80 (AN10833 §3.3); an ISO 14443-4 card with another ATS is not one. The two-argument form
        /// accepts only the factory ATS.</summary>
        public static CardType RefineWithAts(CardType decoded, AtsInfo ats) => RefineWithAts(decoded, ats, false);

        /// <summary>As above; <paramref name="acceptConfigured"/> also accepts DESFire's historical byte 80h with other
        /// interface bytes (an ATS changed with SetConfiguration).</summary>
        public static CardType RefineWithAts(CardType decoded, AtsInfo ats, bool acceptConfigured)
        {
            if (!ats.Valid || (decoded != CardType.MifareDesfire && decoded != CardType.Iso14443_4))
            {
                return decoded;
            }

            return DesfireAts.Accepts(DesfireAts.Classify(ats), acceptConfigured) ? CardType.MifareDesfire : CardType.Iso14443_4;
        }
    }
}
