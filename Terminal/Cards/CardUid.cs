namespace LeoCarte.Terminal.Cards
{
    /// <summary>
    /// Card identity: the ISO/IEC 14443-3 UID as received in anticollision (§6.5.4: single size 4 bytes,
    /// double 7, triple 10). LéoCarte (DESFire) UIDs are 7 bytes, the first being the NXP manufacturer code
    /// 0x04 (ISO/IEC 7816-6); old MIFARE Classic cards have 4-byte UIDs. The UID bytes themselves are the key
    /// everywhere in the terminal (allowlist, journal): text forms exist only at the platform boundary.
    /// </summary>
    public static class CardUid
    {
        public const int SingleSize = 4;
        public const int DoubleSize = 7;
        public const int TripleSize = 10;
        public const int MaxLength = TripleSize;

        /// <summary>True for the three UID sizes ISO/IEC 14443-3 defines.</summary>
        public static bool IsValidLength(int length)
        {
            return length == SingleSize || length == DoubleSize || length == TripleSize;
        }

        /// <summary>
        /// Orders UIDs as the allowlist stores them: shorter UIDs first, then bytes in received order
        /// (unsigned, most significant first). Returns &lt;0, 0 or &gt;0.
        /// </summary>
        public static int Compare(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength)
        {
            if (aLength != bLength)
            {
                return aLength < bLength ? -1 : 1;
            }

            for (int i = 0; i < aLength; i++)
            {
                int d = a[aOffset + i] - b[bOffset + i];
                if (d != 0)
                {
                    return d;
                }
            }

            return 0;
        }
    }
}
