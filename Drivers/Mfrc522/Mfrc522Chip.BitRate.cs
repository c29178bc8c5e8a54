namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>
    /// The chip's ISO/IEC 14443-A bit rate (MFRC522 datasheet §9.3.2.3 TxModeReg.TxSpeed, §9.3.2.4 RxModeReg.RxSpeed:
    /// 000b 106, 001b 212, 010b 424, 011b 848 kBd) and the Miller pause width that goes with it (§9.3.3.4 ModWidthReg:
    /// 26h at 106 kBd is the reset value; 15h, 0Ah, 05h at 212, 424, 848 kBd, the values NXP's reference code and the
    /// Arduino MFRC522Extended driver set, so the pause shortens with the bit duration as ISO/IEC 14443-2 §8.1.2 asks).
    /// </summary>
    public sealed partial class Mfrc522Chip
    {
        /// <summary>Divisor index D = 2^index: 0 = 106, 1 = 212, 2 = 424, 3 = 848 kbit/s.</summary>
        internal int bitRate;

        /// <summary>Current divisor index both ways (0 = 106 kbit/s ... 3 = 848 kbit/s).</summary>
        public int BitRate => bitRate;

        /// <summary>
        /// Sets both directions to 106 × 2^<paramref name="divisorIndex"/> kbit/s: TxModeReg and RxModeReg keep their CRC
        /// bits, ModWidthReg follows. Three writes when the rate changes, none otherwise.
        /// </summary>
        public void SetBitRate(int divisorIndex)
        {
            if (divisorIndex < 0 || divisorIndex > 3 || divisorIndex == bitRate)
            {
                return;
            }

            bitRate = divisorIndex;
            byte mode = (byte)((hardwareCrc ? CrcEnable : 0x00) | (divisorIndex << 4));
            WriteRegister(Register.TxMode, mode);
            WriteRegister(Register.RxMode, mode);
            WriteRegister(Register.ModWidth, ModWidthFor(divisorIndex));
        }

        private static byte ModWidthFor(int divisorIndex)
        {
            switch (divisorIndex)
            {
                case 1: return 0x15;
                case 2: return 0x0A;
                case 3: return 0x05;
                default: return 0x26;
            }
        }
    }
}
