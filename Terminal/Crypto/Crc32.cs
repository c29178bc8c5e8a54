using System;

namespace LeoCarte.Terminal.Crypto
{
    /// <summary>
    /// CRC-32 (IEEE 802.3 / ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF;
    /// check value of "123456789" = 0xCBF43926). Detects torn or decayed flash records; not a security check.
    /// </summary>
    public static class Crc32
    {
        // Slicing-by-4 (Kounavis & Berry, "A Systematic Approach to Building High Performance Software-based CRC
        // Generators", 2005): Table0 is the classic byte table, TableK[n] the CRC of byte n followed by K zero bytes,
        // so four bytes are folded per step with one native 32-bit load (BitConverter.ToUInt32 is an InternalCall
        // on nanoFramework) and four lookups: about 10 interpreted IL instructions per byte instead of 22 for the
        // byte-wise loop. 4 KB of tables. The word load is little-endian on every nanoFramework target (ESP32,
        // Cortex-M) and on the host; a big-endian runtime would take the byte-wise path (checked once).
        private static readonly uint[] Table0 = BuildTable();
        private static readonly uint[] Table1 = Slice(Table0, Table0);
        private static readonly uint[] Table2 = Slice(Table0, Table1);
        private static readonly uint[] Table3 = Slice(Table0, Table2);
        private static readonly bool WordLoadIsLittleEndian = BitConverter.ToUInt32(new byte[] { 1, 0, 0, 0 }, 0) == 1;

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
            uint c = crc ^ 0xFFFFFFFF;
            uint[] t0 = Table0;
            int p = offset;
            int end = offset + count;
            if (WordLoadIsLittleEndian)
            {
                // Indices as int: a uint index makes the compiler add a conv.u per table lookup, 4 interpreted
                // instructions a word for nothing ((int) of a uint is no instruction). Two words per turn of the
                // loop: one test and one increment per 8 bytes (a 60-byte journal record: 7 turns and a word).
                uint[] t1 = Table1, t2 = Table2, t3 = Table3;
                int pairs = end - 7;
                while (p < pairs)
                {
                    c ^= BitConverter.ToUInt32(data, p);
                    c = t3[(int)c & 0xFF] ^ t2[(int)(c >> 8) & 0xFF] ^ t1[(int)(c >> 16) & 0xFF] ^ t0[(int)(c >> 24)];
                    c ^= BitConverter.ToUInt32(data, p + 4);
                    c = t3[(int)c & 0xFF] ^ t2[(int)(c >> 8) & 0xFF] ^ t1[(int)(c >> 16) & 0xFF] ^ t0[(int)(c >> 24)];
                    p += 8;
                }

                if (p < end - 3)
                {
                    c ^= BitConverter.ToUInt32(data, p);
                    c = t3[(int)c & 0xFF] ^ t2[(int)(c >> 8) & 0xFF] ^ t1[(int)(c >> 16) & 0xFF] ^ t0[(int)(c >> 24)];
                    p += 4;
                }
            }

            while (p < end)
            {
                c = t0[(int)(c ^ data[p]) & 0xFF] ^ (c >> 8);
                p++;
            }

            return c ^ 0xFFFFFFFF;
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

        /// <summary>The next slicing table: previous[n] advanced by one more zero byte.</summary>
        private static uint[] Slice(uint[] table0, uint[] previous)
        {
            uint[] table = new uint[256];
            for (int n = 0; n < 256; n++)
            {
                uint c = previous[n];
                table[n] = table0[c & 0xFF] ^ (c >> 8);
            }

            return table;
        }
    }
}
