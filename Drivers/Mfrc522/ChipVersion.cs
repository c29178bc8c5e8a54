namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>What VersionReg (datasheet §9.3.4.8) says the chip is.</summary>
    public enum ChipKind : byte
    {
        /// <summary>Nothing read yet, or the bus returned 0x00/0xFF (no chip, wiring fault, chip in power-down).</summary>
        Unreadable = 0,

        /// <summary>NXP MFRC522 version 1.0 (0x91).</summary>
        Mfrc522Version1 = 1,

        /// <summary>NXP MFRC522 version 2.0 (0x92).</summary>
        Mfrc522Version2 = 2,

        /// <summary>A known compatible clone (0x88 = Fudan FM17522, 0x12 = counterfeit "MFRC522" marked parts,
        /// 0xB2 = FM17522E). They work but are not NXP parts: reported so a technician can tell.</summary>
        KnownClone = 3,

        /// <summary>Readable but unknown value: treated as a fault by the health check.</summary>
        Unknown = 4,
    }

    /// <summary>VersionReg decoding and the digital self-test reference of datasheet §16.1.1.</summary>
    public static class ChipVersion
    {
        public static ChipKind Classify(byte version)
        {
            switch (version)
            {
                case 0x91: return ChipKind.Mfrc522Version1;
                case 0x92: return ChipKind.Mfrc522Version2;
                case 0x88:
                case 0x12:
                case 0xB2: return ChipKind.KnownClone;
                case 0x00:
                case 0xFF: return ChipKind.Unreadable;
                default: return ChipKind.Unknown;
            }
        }

        /// <summary>
        /// The one name of a VersionReg value, for the self-test report and logs (reader-facts.md: clones report
        /// other versions): "MFRC522 v1.0", "MFRC522 v2.0", "FM17522 (clone)", "FM17522E (clone)",
        /// "counterfeit MFRC522", "no answer" (0x00/0xFF), "unknown chip 0xNN".
        /// </summary>
        public static string Name(byte version)
        {
            switch (version)
            {
                case 0x91: return "MFRC522 v1.0";
                case 0x92: return "MFRC522 v2.0";
                case 0x88: return "FM17522 (clone)";
                case 0xB2: return "FM17522E (clone)";
                case 0x12: return "counterfeit MFRC522";
                case 0x00:
                case 0xFF: return "no answer";
                default: return "unknown chip 0x" + version.ToString("X2");
            }
        }

        /// <summary>True for versions the driver runs with (genuine parts and known clones).</summary>
        public static bool IsUsable(byte version)
        {
            ChipKind kind = Classify(version);
            return kind == ChipKind.Mfrc522Version1 || kind == ChipKind.Mfrc522Version2 || kind == ChipKind.KnownClone;
        }

        /// <summary>
        /// The 64 bytes the FIFO holds after the digital self-test (datasheet §16.1.1, figures for version 1.0 and
        /// 2.0; the FM17522 figure is the one published for that clone). Null when no reference is known, in
        /// which case the self-test can only check that 64 bytes arrive.
        /// </summary>
        public static byte[] SelfTestReference(byte version)
        {
            switch (version)
            {
                case 0x91: return SelfTestVersion1;
                case 0x92: return SelfTestVersion2;
                case 0x88: return SelfTestFm17522;
                default: return null;
            }
        }

        private static readonly byte[] SelfTestVersion1 = new byte[]
        {
            0x00, 0xC6, 0x37, 0xD5, 0x32, 0xB7, 0x57, 0x5C, 0xC2, 0xD8, 0x7C, 0x4D, 0xD9, 0x70, 0xC7, 0x73,
            0x10, 0xE6, 0xD2, 0xAA, 0x5E, 0xA1, 0x3E, 0x5A, 0x14, 0xAF, 0x30, 0x61, 0xC9, 0x70, 0xDB, 0x2E,
            0x64, 0x22, 0x72, 0xB5, 0xBD, 0x65, 0xF4, 0xEC, 0x22, 0xBC, 0xD3, 0x72, 0x35, 0xCD, 0xAA, 0x41,
            0x1F, 0xA7, 0xF3, 0x53, 0x14, 0xDE, 0x7E, 0x02, 0xD9, 0x0F, 0xB5, 0x5E, 0x25, 0x1D, 0x29, 0x79,
        };

        private static readonly byte[] SelfTestVersion2 = new byte[]
        {
            0x00, 0xEB, 0x66, 0xBA, 0x57, 0xBF, 0x23, 0x95, 0xD0, 0xE3, 0x0D, 0x3D, 0x27, 0x89, 0x5C, 0xDE,
            0x9D, 0x3B, 0xA7, 0x00, 0x21, 0x5B, 0x89, 0x82, 0x51, 0x3A, 0xEB, 0x02, 0x0C, 0xA5, 0x00, 0x49,
            0x7C, 0x84, 0x4D, 0xB3, 0xCC, 0xD2, 0x1B, 0x81, 0x5D, 0x48, 0x76, 0xD5, 0x71, 0x61, 0x21, 0xA9,
            0x86, 0x96, 0x83, 0x38, 0xCF, 0x9D, 0x5B, 0x6D, 0xDC, 0x15, 0xBA, 0x3E, 0x7D, 0x95, 0x3B, 0x2F,
        };

        private static readonly byte[] SelfTestFm17522 = new byte[]
        {
            0x00, 0xD6, 0x78, 0x8C, 0xE2, 0xAA, 0x0C, 0x18, 0x2A, 0xB8, 0x7A, 0x7F, 0xD3, 0x6A, 0xCF, 0x0B,
            0xB1, 0x37, 0x63, 0x4B, 0x69, 0xAE, 0x91, 0xC7, 0xC3, 0x97, 0xAE, 0x77, 0xF4, 0x37, 0xD7, 0x9B,
            0x7C, 0xF5, 0x3C, 0x11, 0x8F, 0x15, 0xC3, 0xD7, 0xC1, 0x5B, 0x00, 0x2A, 0xD0, 0x75, 0xDE, 0x9E,
            0x51, 0x64, 0xAB, 0x3E, 0xE9, 0x15, 0xB5, 0xAB, 0x56, 0x9A, 0x98, 0x82, 0x26, 0xEA, 0x2A, 0x62,
        };
    }
}
