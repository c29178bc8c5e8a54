namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>MFRC522 register addresses (NXP MFRC522 datasheet rev. 3.9, §9.2, table 20).</summary>
    public static class Register
    {
        // Page 0: command and status
        public const byte Command = 0x01;
        public const byte ComIEn = 0x02;
        public const byte DivIEn = 0x03;
        public const byte ComIrq = 0x04;
        public const byte DivIrq = 0x05;
        public const byte Error = 0x06;
        public const byte Status1 = 0x07;
        public const byte Status2 = 0x08;
        public const byte FifoData = 0x09;
        public const byte FifoLevel = 0x0A;
        public const byte WaterLevel = 0x0B;
        public const byte Control = 0x0C;
        public const byte BitFraming = 0x0D;
        public const byte Coll = 0x0E;

        // Page 1: command
        public const byte Mode = 0x11;
        public const byte TxMode = 0x12;
        public const byte RxMode = 0x13;
        public const byte TxControl = 0x14;
        public const byte TxAsk = 0x15;
        public const byte TxSel = 0x16;
        public const byte RxSel = 0x17;
        public const byte RxThreshold = 0x18;
        public const byte Demod = 0x19;
        public const byte MfTx = 0x1C;
        public const byte MfRx = 0x1D;
        public const byte SerialSpeed = 0x1F;

        // Page 2: configuration
        public const byte CrcResultHigh = 0x21;
        public const byte CrcResultLow = 0x22;
        public const byte ModWidth = 0x24;
        public const byte RfCfg = 0x26;
        public const byte GsN = 0x27;
        public const byte CwGsP = 0x28;
        public const byte ModGsP = 0x29;
        public const byte TMode = 0x2A;
        public const byte TPrescaler = 0x2B;
        public const byte TReloadHigh = 0x2C;
        public const byte TReloadLow = 0x2D;
        public const byte TCounterValueHigh = 0x2E;
        public const byte TCounterValueLow = 0x2F;

        // Page 3: test
        public const byte TestSel1 = 0x31;
        public const byte TestSel2 = 0x32;
        public const byte TestPinEn = 0x33;
        public const byte TestPinValue = 0x34;
        public const byte TestBus = 0x35;
        public const byte AutoTest = 0x36;
        public const byte Version = 0x37;
        public const byte AnalogTest = 0x38;
        public const byte TestDac1 = 0x39;
        public const byte TestDac2 = 0x3A;
        public const byte TestAdc = 0x3B;

        /// <summary>SPI address byte for reading a register (datasheet §8.1.2.3): MSB set, address in bits 6..1.</summary>
        public static byte ReadAddress(byte register) => (byte)(0x80 | (register << 1));

        /// <summary>SPI address byte for writing a register (datasheet §8.1.2.3).</summary>
        public static byte WriteAddress(byte register) => (byte)(register << 1);
    }

    /// <summary>MFRC522 commands written to CommandReg bits 3..0 (datasheet §10.3, table 149).</summary>
    public static class Command
    {
        public const byte Idle = 0x00;
        public const byte Mem = 0x01;
        public const byte GenerateRandomId = 0x02;
        public const byte CalcCrc = 0x03;
        public const byte Transmit = 0x04;
        public const byte NoCmdChange = 0x07;
        public const byte Receive = 0x08;
        public const byte Transceive = 0x0C;
        public const byte MfAuthent = 0x0E;
        public const byte SoftReset = 0x0F;
    }
}
