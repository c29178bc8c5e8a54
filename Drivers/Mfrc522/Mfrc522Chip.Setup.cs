namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>Initialisation, soft reset, the digital self-test (AutoTestReg, see the constants) and the antenna state.</summary>
    public sealed partial class Mfrc522Chip
    {
        // ---------------------------------------------------------------- init, reset, self-test

        /// <summary>
        /// Soft reset (§10.3.1.10), version check (§9.3.4.8), then configuration: timer with TAuto and the short
        /// timeout, 100 % ASK, CRC preset 0x6363, receiver gain, ValuesAfterColl = 0, IRQ sources, antenna on;
        /// finally reads the configuration back. Returns ChipFault when the chip is absent, unknown or does not
        /// keep what was written.
        /// </summary>
        public ReaderResult Initialize()
        {
            return Initialize(pins.MonotonicMilliseconds + options.SoftResetMaxWaits + 1);
        }

        /// <summary><see cref="Initialize()"/> whose reset wait ends at <paramref name="deadline"/> (monotonic ms) at the
        /// latest: the recovery of a dead chip must fit in one poll period.</summary>
        private ReaderResult Initialize(long deadline)
        {
            pins.SetResetHigh(true);
            if (!SoftReset(deadline))
            {
                Version = 0;
                return ChipFault();
            }

            Version = ReadRegister(Register.Version);
            if (!ChipVersion.IsUsable(Version))
            {
                return ChipFault();
            }

            byte rfCfg = (byte)(((options.ReceiverGain & 0x07) << 4) | 0x08);
            WriteRegister(Register.TMode, TModeValue);
            WriteRegister(Register.TPrescaler, TPrescalerValue);
            WriteRegister(Register.TReloadHigh, 0);
            WriteRegister(Register.TReloadLow, (byte)options.ShortTimeoutTicks);
            WriteRegister(Register.TxAsk, TxAskValue);
            WriteRegister(Register.Mode, ModeValue);
            WriteRegister(Register.RfCfg, rfCfg);
            WriteRegister(Register.Coll, 0x00);
            WriteRegister(Register.ComIEn, IrqEnable);
            WriteRegister(Register.TxControl, AntennaOn);

            // After a soft reset TxModeReg/RxModeReg/BitFramingReg hold their reset value 0x00 and no command runs.
            timerReload = options.ShortTimeoutTicks;
            hardwareCrc = false;
            bitRate = 0; // TxModeReg/RxModeReg speed 106 kBd, ModWidthReg 26h: the reset values
            bitFramingZero = true;
            transceiveRunning = false;
            commandMayBeActive = false;
            fifoMayHoldData = true;
            statusRx[StatusStatus2] = 0;

            ReadRegisters(verifyRegisters, verifyRegisters.Length, verifyValues);
            bool kept = verifyValues[0] == TModeValue && verifyValues[1] == TPrescalerValue
                && (verifyValues[2] & AntennaBits) == AntennaBits && verifyValues[3] == TxAskValue
                && (verifyValues[4] & 0x03) == (ModeValue & 0x03) && (verifyValues[5] & 0x70) == (rfCfg & 0x70)
                && verifyValues[6] == IrqEnable;
            if (!kept)
            {
                return ChipFault();
            }

            consecutiveChipFaults = 0;
            return ReaderResult.Ok;
        }

        /// <summary>SoftReset command, then waits (1 ms steps, bounded) for CommandReg.PowerDown to clear, which the
        /// chip does once its oscillator runs again (§10.3.1.10, §8.8.2).</summary>
        private bool SoftReset(long deadline)
        {
            WriteRegister(Register.Command, Command.SoftReset);
            for (int i = 0; i < options.SoftResetMaxWaits && (i == 0 || pins.MonotonicMilliseconds < deadline); i++)
            {
                pins.Delay(1);
                byte command = ReadRegister(Register.Command);
                if ((command & PowerDown) == 0 && command != 0xFF)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The digital self-test of datasheet §16.1.1: soft reset, clear the 25-byte internal buffer (Mem command),
        /// enable AutoTestReg SelfTest, start CalcCRC on one 0x00 byte, and compare the 64 bytes the chip leaves in
        /// the FIFO with the published figure for its version. Re-initializes the chip afterwards. Returns Ok on a
        /// match, Protocol on a mismatch (or when no reference exists for this version: see
        /// <see cref="SelfTestHadReference"/>), ChipFault when the chip does not run it.
        /// </summary>
        public ReaderResult RunSelfTest(byte[] output64)
        {
            SelfTestHadReference = false;
            if (output64 == null || output64.Length < FifoSize)
            {
                return ReaderResult.BufferTooSmall;
            }

            if (!SoftReset(pins.MonotonicMilliseconds + options.SoftResetMaxWaits + 1))
            {
                return ChipFault();
            }

            WriteRegister(Register.FifoLevel, FlushBuffer);
            WriteFifo(zeros, 0, zeros.Length);
            WriteRegister(Register.Command, Command.Mem);
            WriteRegister(Register.AutoTest, SelfTestEnable);
            WriteFifo(zeros, 0, 1);
            WriteRegister(Register.Command, Command.CalcCrc);

            int level = 0;
            for (int i = 0; i < options.SoftResetMaxWaits * 10 && level < FifoSize; i++)
            {
                level = ReadRegister(Register.FifoLevel) & 0x7F;
                if (level < FifoSize)
                {
                    pins.Delay(1);
                }
            }

            WriteRegister(Register.Command, Command.Idle);
            if (level >= FifoSize)
            {
                ReadFifo(output64, 0, FifoSize);
            }

            WriteRegister(Register.AutoTest, 0x00);
            byte version = ReadRegister(Register.Version);
            ReaderResult init = Initialize();
            if (level < FifoSize || init != ReaderResult.Ok)
            {
                return ReaderResult.ChipFault;
            }

            byte[] reference = ChipVersion.SelfTestReference(version);
            if (reference == null)
            {
                return ReaderResult.Protocol;
            }

            SelfTestHadReference = true;
            for (int i = 0; i < FifoSize; i++)
            {
                if (output64[i] != reference[i])
                {
                    return ReaderResult.Protocol;
                }
            }

            return ReaderResult.Ok;
        }

        /// <summary>Reads TxControlReg and ErrorReg (one transfer): whether both antenna drivers are on, and whether
        /// the chip reports overheating (ErrorReg.TempErr, §9.3.1.7, which switches the drivers off).</summary>
        public bool ReadAntennaState(out bool overheated)
        {
            ReadRegisters(antennaRegisters, antennaRegisters.Length, antennaValues);
            overheated = (antennaValues[1] & TempErr) != 0;
            return (antennaValues[0] & AntennaBits) == AntennaBits;
        }

        /// <summary>Whether the last self-test found a published reference for the chip's version.</summary>
        public bool SelfTestHadReference { get; private set; }
    }
}
