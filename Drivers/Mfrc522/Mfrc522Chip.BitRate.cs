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

        // TxModeReg, RxModeReg and ModWidthReg writes as ready-made buffers (the value byte put in place per write).
        private readonly byte[] txModeTx = new byte[] { (byte)(Register.TxMode << 1), 0x00 };
        private readonly byte[] rxModeTx = new byte[] { (byte)(Register.RxMode << 1), 0x00 };
        private readonly byte[] modWidthTx = new byte[] { (byte)(Register.ModWidth << 1), 0x26 };

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
            WriteModes((byte)((hardwareCrc ? CrcEnable : 0x00) | (divisorIndex << 4)));
            WriteModWidth(divisorIndex);
        }

        /// <summary>
        /// Back to what every ISO/IEC 14443-3 exchange starts with (REQA, WUPA, anticollision): 106 kbit/s and the chip's CRC
        /// off, in one go: TxModeReg and RxModeReg written once (2 transfers) rather than once for the rate and again for the
        /// CRC bits, ModWidthReg only when the rate changes. Nothing when the chip is there already (the cache is reset with
        /// the chip: <see cref="Initialize()"/> records the reset values).
        /// </summary>
        internal void SetIso14443_3Modes()
        {
            if (!hardwareCrc && bitRate == 0)
            {
                return;
            }

            int previousRate = bitRate;
            hardwareCrc = false;
            bitRate = 0;
            WriteModes(0x00);
            if (previousRate != 0)
            {
                WriteModWidth(0);
            }
        }

        /// <summary>TxModeReg and RxModeReg ← <paramref name="mode"/> (§9.3.2.3/4: the same CRC and speed bits both ways), from
        /// ready-made transfer buffers.</summary>
        private void WriteModes(byte mode)
        {
            byte[] txMode = txModeTx;
            byte[] rxMode = rxModeTx;
            txMode[1] = mode;
            rxMode[1] = mode;
            transfers += 2;
            transferredBytes += 4;
            IRegisterBus spi = bus;
            spi.Transfer(txMode, writeRx, 2);
            spi.Transfer(rxMode, writeRx, 2);
        }

        private void WriteModWidth(int divisorIndex)
        {
            byte[] modWidth = modWidthTx;
            modWidth[1] = ModWidthFor(divisorIndex);
            WriteReady(modWidth);
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
