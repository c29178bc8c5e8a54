namespace LeoCarte.Terminal.Cards
{
    /// <summary>
    /// The holder file of the site application on a personalised LéoCarte (file 1, 16 bytes, read in CommMode.MAC with
    /// key 1; Tools/Personalise writes it, hardware/personalisation.md): what an authenticated card says about itself,
    /// cross-checked with its list entry under policy desfire-aes. Big-endian fields:
    ///
    /// | offset | size | field |
    /// |---|---|---|
    /// | 0 | 2 | magic 4C 48 ("LH") |
    /// | 2 | 1 | layout version = 1 |
    /// | 3 | 1 | key version the card was personalised with |
    /// | 4 | 4 | holder key (signed, as the gateway assigns it) |
    /// | 8 | 4 | site id |
    /// | 12 | 4 | reserved, 0 |
    /// </summary>
    public static class HolderFile
    {
        public const int Length = 16;
        public const int FileNumber = 1;

        /// <summary>The application key that reads the holder file (key 0 is the application master key).</summary>
        public const int ReadKeyNumber = 1;
        public const byte LayoutVersion = 1;

        public static void Write(byte[] into, int offset, int holderKey, uint siteId, byte keyVersion)
        {
            for (int i = 0; i < Length; i++)
            {
                into[offset + i] = 0;
            }

            into[offset] = 0x4C;
            into[offset + 1] = 0x48;
            into[offset + 2] = LayoutVersion;
            into[offset + 3] = keyVersion;
            into[offset + 4] = (byte)(holderKey >> 24);
            into[offset + 5] = (byte)(holderKey >> 16);
            into[offset + 6] = (byte)(holderKey >> 8);
            into[offset + 7] = (byte)holderKey;
            into[offset + 8] = (byte)(siteId >> 24);
            into[offset + 9] = (byte)(siteId >> 16);
            into[offset + 10] = (byte)(siteId >> 8);
            into[offset + 11] = (byte)siteId;
        }

        /// <summary>True when the file is of this layout and names <paramref name="holderKey"/> at <paramref name="siteId"/>.</summary>
        public static bool Matches(byte[] file, int offset, int holderKey, uint siteId)
        {
            if (file[offset] != 0x4C || file[offset + 1] != 0x48 || file[offset + 2] != LayoutVersion)
            {
                return false;
            }

            int holder = (file[offset + 4] << 24) | (file[offset + 5] << 16) | (file[offset + 6] << 8) | file[offset + 7];
            uint site = ((uint)file[offset + 8] << 24) | ((uint)file[offset + 9] << 16) | ((uint)file[offset + 10] << 8) | file[offset + 11];
            return holder == holderKey && site == siteId;
        }
    }
}
