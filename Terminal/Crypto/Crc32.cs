namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// CRC-32 (IEEE 802.3 / ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF;
    /// check value of "123456789" = 0xCBF43926). Detects torn or decayed flash records; not a security check.
    /// </summary>
    public static class Crc32
    {
        private static readonly uint[] Table = BuildTable();

        public static uint Compute(byte[] data, int offset, int count)
        {
            return Append(0, data, offset, count);
        }

        /// <summary>
        /// The CRC of (the data whose CRC is <paramref name="crc"/>) followed by data[offset..+count), as zlib's
        /// crc32(crc, buf, len): lets a record be checksummed as it is written in pieces. Start with 0.
        /// </summary>
        public static uint Append(uint crc, byte[] data, int offset, int count)
        {
            crc ^= 0xFFFFFFFF;
            for (int i = 0; i < count; i++)
            {
                crc = Table[(crc ^ data[offset + i]) & 0xFF] ^ (crc >> 8);
            }

            return crc ^ 0xFFFFFFFF;
        }

        private static uint[] BuildTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
