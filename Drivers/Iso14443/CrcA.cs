namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>
    /// CRC_A of ISO/IEC 14443-3 Annex B: CRC-16/CCITT with the reflected polynomial 0x8408, preset 0x6363,
    /// no final XOR; the low byte is transmitted first. The MFRC522 computes the same CRC in hardware
    /// (TxModeReg/RxModeReg TxCRCEn/RxCRCEn); this software version checks frames when the hardware CRC is
    /// off (anticollision frames carry none) and lets the simulator build card answers.
    /// </summary>
    public static class CrcA
    {
        /// <summary>ISO/IEC 14443-3 Annex B: initial register content for CRC_A.</summary>
        public const ushort Preset = 0x6363;

        /// <summary>
        /// The byte-wise update of Annex B.4 as a table: for register r and byte d, r' = (r >> 8) ^ Table[(d ^ r) &amp; FFh],
        /// Table[x] being the reference update's shifted terms for x. One lookup per byte is about a third fewer interpreted
        /// instructions than the shifts (the software CRC runs on every SELECT of the anticollision).
        /// </summary>
        internal static readonly ushort[] Table = BuildTable();

        private static ushort[] BuildTable()
        {
            var table = new ushort[256];
            for (int x = 0; x < 256; x++)
            {
                int b = (x ^ (x << 4)) & 0xFF;
                table[x] = (ushort)(((b << 8) ^ (b << 3) ^ (b >> 4)) & 0xFFFF);
            }

            return table;
        }

        /// <summary>Computes CRC_A over <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public static ushort Compute(byte[] data, int offset, int count)
        {
            int crc = Preset;
            int end = offset + count;
            ushort[] table = Table;
            for (int i = offset; i < end; i++)
            {
                crc = (crc >> 8) ^ table[(data[i] ^ crc) & 0xFF];
            }

            return (ushort)crc;
        }

        /// <summary>Appends CRC_A (low byte first) after <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
        public static void Append(byte[] frame, int offset, int count)
        {
            ushort crc = Compute(frame, offset, count);
            frame[offset + count] = (byte)(crc & 0xFF);
            frame[offset + count + 1] = (byte)(crc >> 8);
        }

        /// <summary>True when the last two of <paramref name="count"/> bytes are the CRC_A of the bytes before them.</summary>
        public static bool Check(byte[] frame, int offset, int count)
        {
            if (count < 3)
            {
                return false;
            }

            ushort crc = Compute(frame, offset, count - 2);
            return frame[offset + count - 2] == (byte)(crc & 0xFF) && frame[offset + count - 1] == (byte)(crc >> 8);
        }
    }
}
