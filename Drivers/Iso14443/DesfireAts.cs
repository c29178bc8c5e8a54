namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>How a card's ATS compares with the ATS of a MIFARE DESFire.</summary>
    public enum AtsMatch : byte
    {
        /// <summary>No ATS: RATS not sent (not an ISO 14443-4 card, or <c>RequestAts</c> off) or not answered.</summary>
        NotRead = 0,

        /// <summary>Exactly the ATS every DESFire EV1/EV2/EV3 answers from the factory: 06 75 77 81 02 80.</summary>
        DesfireDefault = 1,

        /// <summary>A well-formed ATS with DESFire's single historical byte 80h but other interface bytes: a genuine
        /// EV2/EV3 whose ATS was changed with SetConfiguration (option 02h), or an emulator that copied only part of it.</summary>
        DesfireConfigured = 2,

        /// <summary>Anything else: the historical bytes of a JavaCard/JCOP, of a "magic" UID-changeable card, of a phone; a
        /// malformed ATS.</summary>
        NotDesfire = 3,
    }

    /// <summary>
    /// The ATS check of the card identity. A MIFARE DESFire (EV1, EV2 and EV3 alike; also in random-ID mode) answers
    /// RATS with TL 06, T0 75 (TA(1), TB(1), TC(1) present; FSCI 5: FSC 64 bytes), TA(1) 77 (DS and DR 2, 4, 8 =
    /// 212/424/848 kbit/s both ways, different divisors allowed), TB(1) 81 (FWI 8, SFGI 1), TC(1) 02 (CID supported, NAD
    /// not) and one historical byte 80h (ISO/IEC 14443-4 §5.2; NXP AN10833 §3.3 lists 06 75 77 81 02 80 for DESFire and
    /// DESFire EV1; proxmark3 `hf 14a info` of EV1 and EV2 cards shows the same bytes, CRC 02 F0). Clones that copy a
    /// student's 7-byte UID but are built on other silicon answer their own ATS: a JCOP/JavaCard DESFire emulator
    /// (e.g. 78 77 B1 02 "JCOPv241"), a Chinese UID-changeable "Gen4" card (09 78 00 91 02 DA BC 19 10 F0 05 unless
    /// reprogrammed). A card that copies the ATS as well passes this check; only AES authentication stops it.
    /// </summary>
    public static class DesfireAts
    {
        public const byte Tl = 0x06;
        public const byte T0 = 0x75;
        public const byte Ta1 = 0x77;
        public const byte Tb1 = 0x81;
        public const byte Tc1 = 0x02;
        public const byte Historical = 0x80;

        public static AtsMatch Classify(AtsInfo ats)
        {
            if (ats.DesfireFactory)
            {
                // Parse found these very bytes (06 75 77 81 02 80).
                return AtsMatch.DesfireDefault;
            }

            if (!ats.Valid || ats.Length == 0)
            {
                return ats.Length == 0 ? AtsMatch.NotRead : AtsMatch.NotDesfire;
            }

            if (ats.HistoricalLength != 1 || ats.Raw[ats.HistoricalOffset] != Historical)
            {
                return AtsMatch.NotDesfire;
            }

            bool factory = ats.Length == Tl && ats.Raw[1] == T0 && ats.Raw[2] == Ta1 && ats.Raw[3] == Tb1 && ats.Raw[4] == Tc1;
            return factory ? AtsMatch.DesfireDefault : AtsMatch.DesfireConfigured;
        }

        /// <summary>True when the match is enough to call the card a DESFire: the factory ATS, or a configured one when
        /// the site allows it (cards whose ATS was set by the card office).</summary>
        public static bool Accepts(AtsMatch match, bool acceptConfigured) =>
            match == AtsMatch.DesfireDefault || (acceptConfigured && match == AtsMatch.DesfireConfigured);
    }
}
