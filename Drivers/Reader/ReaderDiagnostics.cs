using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>
    /// What the boot self-test report (hardware/diagnostics.md: lines "reader", "antenna", "recoveries") and the
    /// heartbeat need to know about the reader: filled whole at boot by <see cref="CardReader.Diagnose"/>, its
    /// counters refreshed by <see cref="CardReader.ReadHealth"/>. The application reads the reader only through this.
    /// </summary>
    public sealed class ReaderDiagnostics
    {
        /// <summary>The chip answered on SPI (soft reset completed, VersionReg neither 0x00 nor 0xFF).</summary>
        public bool Answered;

        /// <summary>Ok when the chip initialized (after a soft/hard reset if needed) and its version is usable.</summary>
        public ReaderResult Initialization = ReaderResult.ChipFault;

        public byte Version;
        public ChipKind Kind;

        /// <summary>"MFRC522 v2.0", "FM17522 (clone)", "no answer" ...: <see cref="ChipVersion.Name"/>.</summary>
        public string VersionName => ChipVersion.Name(Version);

        /// <summary>Ok when the digital self-test (datasheet §16.1.1) matched the published figure for this version.</summary>
        public ReaderResult SelfTest = ReaderResult.ChipFault;

        public bool SelfTestHadReference;

        /// <summary>Both antenna drivers on (TxControlReg Tx1RFEn, Tx2RFEn) after initialization.</summary>
        public bool AntennaOn;

        /// <summary>ErrorReg.TempErr: the chip switched its drivers off because it overheated (overloaded antenna).</summary>
        public bool Overheated;

        public bool IrqLineUsable;
        public int Recoveries;
        public int SoftResets;
        public int HardResets;
        public int ChipFaults;
        public int Crypto1Cleared;

        /// <summary>Exchanges the chip ended with ErrorReg.TempErr since start-up (§9.3.1.7: drivers switched off by overheating).</summary>
        public int Overheats;

        /// <summary>Polls and failed polls since start-up.</summary>
        public long Polls;
        public int Errors;

        /// <summary>The 64 bytes the self-test left in the FIFO, for a technician's report.</summary>
        public readonly byte[] SelfTestOutput = new byte[Mfrc522Chip.FifoSize];

        /// <summary>True when the reader can be used: answered, known chip, self-test passed, antenna on.</summary>
        public bool Healthy => Answered && ChipVersion.IsUsable(Version) && SelfTest == ReaderResult.Ok && AntennaOn && !Overheated;
    }
}
