namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>
    /// The NXP MFRC522 contactless reader chip over <see cref="IRegisterBus"/> (datasheet rev. 3.9 section numbers
    /// throughout). It owns the chip's registers, FIFO, timer and IRQ line, runs Transceive and MFAuthent
    /// exchanges, and keeps the chip healthy; the card protocols live in <c>LeoCarte.Drivers.Iso14443</c>.
    /// <para>
    /// Transfer economy, the reason this class exists: every chip select costs ~50 µs on nanoFramework/ESP32
    /// (shared/design/cost-model.md), so the FIFO is written and read in one burst each, the completion status
    /// (ComIrq, Error, Status2, FIFOLevel, Control, Coll) comes back in one pipelined read, registers whose value
    /// is known (timer reload, TxMode/RxMode CRC bits, BitFraming, the running command) are cached and only
    /// written when they change, and the wait for the card is ended by the chip timer (TAuto) and signalled on
    /// the IRQ line, not found by polling ComIrqReg for a software deadline.
    /// </para>
    /// Allocation: all buffers are created by the constructor; no method allocates.
    /// </summary>
    public sealed partial class Mfrc522Chip
    {
        /// <summary>FIFO size (datasheet §8.3.1).</summary>
        public const int FifoSize = 64;

        // CommandReg (§9.3.1.2)
        private const byte PowerDown = 0x10;

        // ComIEnReg (§9.3.1.3): IRQ pin inverted (active low, matches the pull-up wiring of hardware/README.md),
        // raised by the three events that end an exchange: RxIRq (answer received), IdleIRq (MFAuthent done),
        // TimerIRq (no answer).
        private const byte IrqEnable = 0x80 | 0x20 | 0x10 | 0x01;

        // ComIrqReg (§9.3.1.5)
        private const byte ClearAllIrqs = 0x7F;
        private const byte RxIrq = 0x20;
        private const byte IdleIrq = 0x10;
        private const byte TimerIrq = 0x01;

        // ErrorReg (§9.3.1.7)
        private const byte WrErr = 0x80;
        private const byte TempErr = 0x40;
        private const byte BufferOvfl = 0x10;
        private const byte CollErr = 0x08;
        private const byte CrcErr = 0x04;
        private const byte ParityErr = 0x02;
        private const byte ProtocolErr = 0x01;

        // Status2Reg (§9.3.1.9)
        private const byte MfCrypto1On = 0x08;

        // FIFOLevelReg (§9.3.1.11)
        private const byte FlushBuffer = 0x80;

        // BitFramingReg (§9.3.1.14)
        private const byte StartSend = 0x80;

        // CollReg (§9.3.1.15)
        private const byte CollPosNotValid = 0x20;

        // TxModeReg / RxModeReg (§9.3.2.3, §9.3.2.4): CRC enable, 106 kBd.
        private const byte CrcEnable = 0x80;

        // TxControlReg (§9.3.2.5): Tx1RFEn | Tx2RFEn, plus the reset value's reserved bit 7.
        private const byte AntennaOn = 0x83;
        private const byte AntennaBits = 0x03;

        // Timer (§8.5, §9.3.3.10): TAuto, prescaler 0x153 (see Mfrc522Options.TimerTickMicroseconds).
        private const byte TModeValue = 0x80 | 0x01;
        private const byte TPrescalerValue = 0x53;

        // TxASKReg (§9.3.2.6): Force100ASK, the 100 % ASK modulation ISO/IEC 14443-A requires.
        private const byte TxAskValue = 0x40;

        // ModeReg (§9.3.2.2): TxWaitRF, PolMFin, CRC preset 0x6363 (ISO/IEC 14443-3 CRC_A).
        private const byte ModeValue = 0x3D;

        // AutoTestReg (§9.3.4.7): SelfTest = 1001b enables the digital self-test.
        private const byte SelfTestEnable = 0x09;

        private readonly IRegisterBus bus;
        private readonly IReaderPins pins;
        private readonly Mfrc522Options options;

        // One SPI transfer never exceeds an address byte per FIFO byte plus the closing byte.
        private readonly byte[] tx = new byte[FifoSize + 8];
        private readonly byte[] rx = new byte[FifoSize + 8];
        private readonly byte[] statusRegisters = new byte[] { Register.ComIrq, Register.Error, Register.Status2, Register.FifoLevel, Register.Control, Register.Coll };
        private readonly byte[] healthRegisters = new byte[] { Register.Version, Register.TxControl, Register.TMode, Register.Status2, Register.Command };
        private readonly byte[] healthValues = new byte[5];
        private readonly byte[] verifyRegisters = new byte[] { Register.TMode, Register.TPrescaler, Register.TxControl, Register.TxAsk, Register.Mode, Register.RfCfg, Register.ComIEn };
        private readonly byte[] verifyValues = new byte[7];
        private readonly byte[] zeros = new byte[25];
        private readonly byte[] antennaRegisters = new byte[] { Register.TxControl, Register.Error };
        private readonly byte[] antennaValues = new byte[2];

        // What the driver knows the chip's state to be; a register is written only when this says it differs.
        private int timerReload = -1;
        private bool hardwareCrc;
        private int bitFraming = -1;
        private bool transceiveRunning;
        private bool commandMayBeActive = true;
        private bool fifoMayHoldData = true;
        private bool irqLineUsable;
        private int irqLineMisses;

        private int responseLength;
        private int responseLastBits;
        private int collisionPosition;
        private long transfers;
        private long transferredBytes;
        private int consecutiveChipFaults;

        // The status read of every wait (ComIrq, Error, Status2, FifoLevel, Control, Coll; §8.1.2.1 pipelined read)
        // and a FIFO read of up to 64 bytes, as ready-made address bytes: copied into tx by one native Array.Copy
        // instead of a loop with a call per byte.
        private readonly byte[] statusReadTx;
        private readonly byte[] fifoReadTx;

        private byte comIrq;
        private byte error;
        private byte status2;
        private byte fifoLevel;
        private byte control;
        private byte coll;

        public Mfrc522Chip(IRegisterBus bus, IReaderPins pins, Mfrc522Options options)
        {
            this.bus = bus;
            this.pins = pins;
            this.options = options == null ? new Mfrc522Options() : options;
            irqLineUsable = this.options.UseIrqPin;
            statusReadTx = new byte[statusRegisters.Length + 1];
            for (int i = 0; i < statusRegisters.Length; i++)
            {
                statusReadTx[i] = Register.ReadAddress(statusRegisters[i]);
            }

            fifoReadTx = new byte[FifoSize];
            for (int i = 0; i < FifoSize; i++)
            {
                fifoReadTx[i] = Register.ReadAddress(Register.FifoData);
            }
        }

        public Mfrc522Options Options => options;

        /// <summary>VersionReg as read by the last successful <see cref="Initialize"/>.</summary>
        public byte Version { get; private set; }

        public ChipKind Kind => ChipVersion.Classify(Version);

        /// <summary>Bytes placed in the caller's buffer by the last exchange.</summary>
        public int ResponseLength => responseLength;

        /// <summary>Valid bits in the last received byte (ControlReg RxLastBits, §9.3.1.13); 0 = all eight.</summary>
        public int ResponseLastBits => responseLastBits;

        /// <summary>
        /// After <see cref="ReaderResult.Collision"/>: CollReg CollPos (§9.3.1.15), the 1-based position of the first
        /// colliding bit counted in the FIFO's bit layout (bit 1 = bit 0 of the first FIFO byte, so a frame received
        /// with RxAlign = r starts at position r + 1); 0 when the chip says the position is not valid.
        /// </summary>
        public int CollisionPosition => collisionPosition;

        /// <summary>True while TxModeReg/RxModeReg have their CRC bits set (the chip appends and checks CRC_A).</summary>
        public bool HardwareCrc => hardwareCrc;

        /// <summary>Status2Reg.MFCrypto1On as seen by the last status read.</summary>
        public bool Crypto1On => (status2 & MfCrypto1On) != 0;

        /// <summary>False once the watchdog has seen the IRQ line fail to signal completed commands; waits then poll ComIrqReg.</summary>
        public bool IrqLineUsable => irqLineUsable;

        // Counters (never reset; the terminal reports them). The per-exchange ones are plain fields behind read-only
        // properties: nanoFramework's interpreter does not inline accessors, so a private setter is a call per use.
        public long Transfers => transfers;
        public long TransferredBytes => transferredBytes;
        public int ChipFaults { get; private set; }
        public int ConsecutiveChipFaults => consecutiveChipFaults;
        public int HealthChecks { get; private set; }
        public int SoftResets { get; private set; }
        public int HardResets { get; private set; }
        public int Recoveries { get; private set; }
        public int Crypto1Cleared { get; private set; }

        /// <summary>Exchanges that ended with ErrorReg.TempErr (§9.3.1.7: the chip switched its drivers off, overheated).</summary>
        public int Overheats { get; private set; }

        // ---------------------------------------------------------------- register access (§8.1.2)

        private void Transfer(int length)
        {
            transfers++;
            transferredBytes += length;
            bus.Transfer(tx, rx, length);
        }

        public void WriteRegister(byte register, byte value)
        {
            // Register.WriteAddress, inlined: this runs for most transfers of an exchange.
            tx[0] = (byte)(register << 1);
            tx[1] = value;
            transfers++;
            transferredBytes += 2;
            bus.Transfer(tx, rx, 2);
        }

        public byte ReadRegister(byte register)
        {
            tx[0] = (byte)(0x80 | (register << 1));
            tx[1] = 0;
            transfers++;
            transferredBytes += 2;
            bus.Transfer(tx, rx, 2);
            return rx[1];
        }

        /// <summary>Reads <paramref name="count"/> registers in one transfer (§8.1.2.1: each address byte clocks out
        /// the register named by the previous one).</summary>
        public void ReadRegisters(byte[] registers, int count, byte[] values)
        {
            for (int i = 0; i < count; i++)
            {
                tx[i] = Register.ReadAddress(registers[i]);
            }

            tx[count] = 0;
            Transfer(count + 1);
            for (int i = 0; i < count; i++)
            {
                values[i] = rx[i + 1];
            }
        }

        /// <summary>Writes <paramref name="count"/> bytes to the FIFO in one burst (§8.1.2.2: data bytes after the address
        /// byte all go to the same register).</summary>
        public void WriteFifo(byte[] data, int offset, int count)
        {
            tx[0] = (byte)(Register.FifoData << 1);
            System.Array.Copy(data, offset, tx, 1, count);
            Transfer(count + 1);
        }

        /// <summary>Reads <paramref name="count"/> bytes from the FIFO in one transfer (the FIFO address repeated).</summary>
        public void ReadFifo(byte[] destination, int offset, int count)
        {
            System.Array.Copy(fifoReadTx, 0, tx, 0, count);
            tx[count] = 0;
            Transfer(count + 1);
            System.Array.Copy(rx, 1, destination, offset, count);
        }

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
            bitFraming = 0;
            transceiveRunning = false;
            commandMayBeActive = false;
            fifoMayHoldData = true;
            status2 = 0;

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

        // ---------------------------------------------------------------- exchanges

        /// <summary>Timer reload in ticks (clamped to one byte); TReloadLowReg is written only when it changes.</summary>
        public void SetTimeout(int ticks)
        {
            if (ticks < 1)
            {
                ticks = 1;
            }
            else if (ticks > 255)
            {
                ticks = 255;
            }

            if (ticks != timerReload)
            {
                WriteRegister(Register.TReloadLow, (byte)ticks);
                timerReload = ticks;
            }
        }

        /// <summary>Switches the chip's CRC_A generation and check (TxModeReg.TxCRCEn, RxModeReg.RxCRCEn) on or off;
        /// two writes when the state changes, none otherwise. Short frames (REQA, WUPA) and anticollision frames
        /// must be sent with it off (ISO/IEC 14443-3 §6.2.4).</summary>
        public void SetHardwareCrc(bool on)
        {
            if (on == hardwareCrc)
            {
                return;
            }

            byte value = (byte)((on ? CrcEnable : 0x00) | (bitRate << 4));
            WriteRegister(Register.TxMode, value);
            WriteRegister(Register.RxMode, value);
            hardwareCrc = on;
        }

        /// <summary>Clears Status2Reg.MFCrypto1On (§9.3.1.9): ends a MIFARE Classic session so the next card is not
        /// addressed through a stale cipher, a known cause of readers that "stop reading after hours".</summary>
        public void StopCrypto1()
        {
            WriteRegister(Register.Status2, 0x00);
            status2 = 0;
        }

        /// <summary>
        /// Transceive (§10.3.1.8): sends <paramref name="count"/> bytes (the last one with <paramref name="txLastBits"/>
        /// bits, 0 = 8) and receives the answer into <paramref name="response"/>, its first bit stored at bit
        /// <paramref name="rxAlign"/> of the first byte (§9.3.1.14). Ends on RxIRq or the chip timer.
        /// Results: Ok, Timeout, Collision (data up to the collision is in the buffer, see
        /// <see cref="CollisionPosition"/>), Crc, Protocol (parity/framing), BufferTooSmall, ChipFault.
        /// A 4-bit answer (MIFARE ACK/NAK) is returned as Ok with <see cref="ResponseLastBits"/> = 4.
        /// </summary>
        public ReaderResult Transceive(byte[] frame, int offset, int count, int txLastBits, int rxAlign, int timeoutTicks,
            byte[] response, int responseOffset, int responseCapacity)
        {
            responseLength = 0;
            responseLastBits = 0;
            collisionPosition = 0;
            if (count < 1 || count > FifoSize || txLastBits < 0 || txLastBits > 7 || rxAlign < 0 || rxAlign > 7)
            {
                return ReaderResult.InvalidArgument;
            }

            PrepareCommand();
            SetTimeout(timeoutTicks);
            WriteRegister(Register.ComIrq, ClearAllIrqs);

            // StartSend must be 0 while the FIFO fills, or the chip could start sending a partial frame.
            int framing = (rxAlign << 4) | txLastBits;
            if (bitFraming != framing)
            {
                WriteRegister(Register.BitFraming, (byte)framing);
            }

            WriteFifo(frame, offset, count);
            if (!transceiveRunning)
            {
                WriteRegister(Register.Command, Command.Transceive);
                transceiveRunning = true;
                commandMayBeActive = true;
            }

            WriteRegister(Register.BitFraming, (byte)(framing | StartSend));
            bitFraming = framing | StartSend;

            ReaderResult waited = WaitFor(RxIrq, timeoutTicks);
            if (waited != ReaderResult.Ok)
            {
                AfterFailure();
                return waited;
            }

            return CollectAnswer(response, responseOffset, responseCapacity);
        }

        /// <summary>
        /// MFAuthent (§10.3.1.9): <paramref name="frame"/> holds the 12 bytes the command expects (auth command 0x60/0x61,
        /// block, 6 key bytes, 4 UID bytes). Ok when Status2Reg.MFCrypto1On is set afterwards; AuthenticationFailed
        /// when the card did not complete the three-pass exchange (wrong key, no access, or the card left).
        /// </summary>
        public ReaderResult Authenticate(byte[] frame, int offset, int timeoutTicks)
        {
            responseLength = 0;
            responseLastBits = 0;
            collisionPosition = 0;
            if (transceiveRunning)
            {
                // Transceive never ends by itself (§10.3.1.8): stop it before starting another command.
                transceiveRunning = false;
                commandMayBeActive = true;
            }

            PrepareCommand();
            SetTimeout(timeoutTicks);
            WriteRegister(Register.ComIrq, ClearAllIrqs);
            if (bitFraming != 0)
            {
                WriteRegister(Register.BitFraming, 0x00);
                bitFraming = 0;
            }

            WriteFifo(frame, offset, 12);
            WriteRegister(Register.Command, Command.MfAuthent);
            commandMayBeActive = true;

            ReaderResult waited = WaitFor(IdleIrq, timeoutTicks);
            if (waited == ReaderResult.Ok)
            {
                // The command ended by itself (IdleIRq): the chip is idle again.
                commandMayBeActive = false;
                if ((error & (ProtocolErr | ParityErr | CrcErr)) == 0 && (status2 & MfCrypto1On) != 0)
                {
                    return ReaderResult.Ok;
                }

                fifoMayHoldData = (fifoLevel & 0x7F) != 0;
                return ReaderResult.AuthenticationFailed;
            }

            AfterFailure();
            return waited == ReaderResult.Timeout ? ReaderResult.AuthenticationFailed : waited;
        }

        /// <summary>Stops whatever runs when the last exchange did not end cleanly, and empties a FIFO that may hold
        /// stale bytes; costs nothing after a clean exchange.</summary>
        private void PrepareCommand()
        {
            if (commandMayBeActive && !transceiveRunning)
            {
                WriteRegister(Register.Command, Command.Idle);
                commandMayBeActive = false;
            }

            if (fifoMayHoldData)
            {
                WriteRegister(Register.FifoLevel, FlushBuffer);
                fifoMayHoldData = false;
            }
        }

        private void AfterFailure()
        {
            // The receiver may still be waiting (timeout) or the chip may be wedged: stop the command before the next
            // exchange, and flush if anything arrived.
            transceiveRunning = false;
            commandMayBeActive = true;
            if ((fifoLevel & 0x7F) != 0)
            {
                fifoMayHoldData = true;
            }
        }

        /// <summary>
        /// Waits for one of <paramref name="doneMask"/> in ComIrqReg or TimerIRq. With the IRQ line, the wait is GPIO
        /// reads (no SPI traffic) ended by the chip's own timer; without it, one pipelined status read per check.
        /// Bounded three ways: the chip timer, a wall-clock limit (timer + margin) and read counts. A wait that
        /// outlives the chip timer means the chip is not working: ChipFault.
        /// </summary>
        private ReaderResult WaitFor(byte doneMask, int timeoutTicks)
        {
            long start = pins.MonotonicMilliseconds;
            long timerMilliseconds = (timeoutTicks * Mfrc522Options.TimerTickMicroseconds) / 1000 + 1;
            long limit = timerMilliseconds + options.WaitMarginMilliseconds;

            // The line is watched only as long as the chip timer can run: past it, a status read tells whether the
            // line failed (the exchange is over) or the chip did; spinning to the full limit would cost a dead line
            // 7 ms per exchange while the driver learns it is dead.
            long lineLimit = timerMilliseconds + 1;

            // Without the IRQ line each check is one transfer (≥ one 50 µs tick on the device), so a long timer
            // needs proportionally more reads before it can have fired; the wall-clock limit still bounds the wait.
            int maxReads = options.MaxStatusReads + (irqLineUsable ? 0 : 4 * timeoutTicks);
            int maxSpins = options.MaxIrqLineReads;
            IReaderPins line = pins;
            int statusLength = statusReadTx.Length;
            for (int reads = 0; reads < maxReads; reads++)
            {
                bool lineSeen = false;
                if (irqLineUsable)
                {
                    for (int spins = 0; spins < maxSpins; spins++)
                    {
                        if (line.IrqAsserted)
                        {
                            lineSeen = true;
                            break;
                        }

                        if ((spins & 0x0F) == 0x0F && line.MonotonicMilliseconds - start > lineLimit)
                        {
                            break;
                        }
                    }
                }

                // One pipelined read of the six status registers (§8.1.2.1): rx[i + 1] answers tx[i].
                System.Array.Copy(statusReadTx, tx, statusLength);
                Transfer(statusLength);
                comIrq = rx[1];
                error = rx[2];
                status2 = rx[3];
                fifoLevel = rx[4];
                control = rx[5];
                coll = rx[6];

                bool done = (comIrq & doneMask) != 0;
                if (done || (comIrq & TimerIrq) != 0)
                {
                    NoteIrqLine(lineSeen);
                    consecutiveChipFaults = 0;
                    return done ? ReaderResult.Ok : ReaderResult.Timeout;
                }

                if (pins.MonotonicMilliseconds - start > limit)
                {
                    break;
                }
            }

            return ChipFault();
        }

        /// <summary>The line should have been seen before every completed wait; three misses in a row mean it is not
        /// wired (or broken), and waits fall back to status polling instead of spinning to the time limit.</summary>
        private void NoteIrqLine(bool lineSeen)
        {
            if (!irqLineUsable)
            {
                return;
            }

            if (lineSeen)
            {
                irqLineMisses = 0;
            }
            else if (++irqLineMisses >= 3)
            {
                irqLineUsable = false;
            }
        }

        private ReaderResult CollectAnswer(byte[] response, int responseOffset, int responseCapacity)
        {
            int level = fifoLevel & 0x7F;
            if ((error & (WrErr | TempErr)) != 0)
            {
                // TempErr: the chip switched its antenna drivers off because it overheated (§9.3.1.7).
                if ((error & TempErr) != 0)
                {
                    Overheats++;
                }

                AfterFailure();
                return ChipFault();
            }

            if ((error & BufferOvfl) != 0 || level > responseCapacity || responseOffset + level > response.Length)
            {
                AfterFailure();
                fifoMayHoldData = true;
                return (error & BufferOvfl) != 0 ? ReaderResult.Protocol : ReaderResult.BufferTooSmall;
            }

            if (level > 0)
            {
                ReadFifo(response, responseOffset, level);
            }

            responseLength = level;
            responseLastBits = control & 0x07;

            if ((error & CollErr) != 0)
            {
                int position = coll & 0x1F;
                collisionPosition = (coll & CollPosNotValid) != 0 ? 0 : (position == 0 ? 32 : position);
                AfterFailure();
                return ReaderResult.Collision;
            }

            if (level == 1 && responseLastBits == 4)
            {
                // A 4-bit ACK/NAK carries no CRC; with RxCRCEn on the chip flags it anyway (§9.3.1.7 CRCErr).
                return ReaderResult.Ok;
            }

            if ((error & CrcErr) != 0)
            {
                AfterFailure();
                return ReaderResult.Crc;
            }

            if ((error & (ParityErr | ProtocolErr)) != 0 || level == 0)
            {
                AfterFailure();
                return ReaderResult.Protocol;
            }

            return ReaderResult.Ok;
        }

        private ReaderResult ChipFault()
        {
            ChipFaults++;
            consecutiveChipFaults++;
            return ReaderResult.ChipFault;
        }

        // ---------------------------------------------------------------- health watchdog

        /// <summary>
        /// One pipelined read of VersionReg, TxControlReg, TModeReg, Status2Reg and CommandReg. Detects a chip that
        /// stopped answering (version 0x00/0xFF), was reset behind the driver's back (TModeReg back to its reset
        /// value 0x00), lost its antenna bits (brown-out), or sits in power-down. A Crypto1 left on outside a MIFARE
        /// session (<paramref name="sessionOpen"/> false) is switched off here and counted, not treated as a fault.
        /// </summary>
        public ReaderResult CheckHealth(bool sessionOpen)
        {
            HealthChecks++;
            ReadRegisters(healthRegisters, healthRegisters.Length, healthValues);
            bool healthy = healthValues[0] == Version && ChipVersion.IsUsable(healthValues[0])
                && (healthValues[1] & AntennaBits) == AntennaBits
                && healthValues[2] == TModeValue
                && (healthValues[4] & PowerDown) == 0;
            if (!healthy)
            {
                if (healthValues[0] == Version && (healthValues[1] & AntennaBits) != AntennaBits
                    && (ReadRegister(Register.Error) & TempErr) != 0)
                {
                    // The drivers went off because the chip overheated (ErrorReg.TempErr, §9.3.1.7), not by a
                    // brown-out: counted so the heartbeat can say so. One extra read, on the fault path only.
                    Overheats++;
                }

                return ChipFault();
            }

            if (!sessionOpen && (healthValues[3] & MfCrypto1On) != 0)
            {
                Crypto1Cleared++;
                StopCrypto1();
            }

            return ReaderResult.Ok;
        }

        /// <summary>
        /// Brings a faulty chip back within one poll period: a probe of VersionReg first; a chip that answers gets a
        /// soft reset and full re-initialization; one that does not (MISO stuck at 00h/FFh), or that the soft reset
        /// did not repair, gets a hard reset through NRSTPD (§8.8.1: low > 100 ns, then oscillator start-up, §8.8.2)
        /// and initialization again. Every wait inside ends by <see cref="Mfrc522Options.RecoveryBudgetMilliseconds"/>
        /// after the call, so a dead chip costs a bounded time per attempt; spacing the attempts (backoff) is the
        /// caller's business (<c>CardReader</c>). Counts each step. The IRQ line's health is a wiring fact the
        /// driver has learnt: a reset of the chip does not make a dead line usable again, so it is kept.
        /// </summary>
        public ReaderResult Recover()
        {
            Recoveries++;
            long deadline = pins.MonotonicMilliseconds + options.RecoveryBudgetMilliseconds;
            byte expected = Version;
            byte probe = ReadRegister(Register.Version);
            if (ChipVersion.IsUsable(probe))
            {
                SoftResets++;
                ReaderResult result = Initialize(deadline);
                if (result == ReaderResult.Ok && (expected == 0 || Version == expected))
                {
                    return ReaderResult.Ok;
                }
            }

            HardResets++;
            pins.SetResetHigh(false);
            pins.Delay(options.HardResetLowMilliseconds);
            pins.SetResetHigh(true);
            pins.Delay(options.OscillatorStartMilliseconds);
            return Initialize(deadline);
        }
    }
}
