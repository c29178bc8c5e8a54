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
        internal readonly Mfrc522Options options;

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

        // Read by the ISO/IEC 14443 layers of this assembly before calling SetHardwareCrc/SetBitRate (a field test
        // instead of a call that finds nothing to do).
        internal bool hardwareCrc;

        // BitFramingReg (§9.3.1.14): false when it may hold StartSend or framing bits (every Transceive leaves StartSend
        // set); MFAuthent needs it all zero.
        private bool bitFramingZero;
        private bool transceiveRunning;
        private bool commandMayBeActive = true;
        private bool fifoMayHoldData = true;
        private bool irqLineUsable;
        private int irqLineMisses;

        // Read by the ISO/IEC 14443 layers of this assembly directly: nanoCLR does not inline, a property read is a call.
        internal int responseLength;
        internal int responseLastBits;
        private int collisionPosition;
        // Internal (read by CardReader per poll): nanoCLR does not inline, a property read is a call.
        internal long transfers;
        private long transferredBytes;
        internal int consecutiveChipFaults;

        // The transfers of an exchange as ready-made buffers, so the hot path stores no address byte and copies nothing
        // but the frame (nanoCLR interprets every store; Array.Copy is one native call):
        // - statusReadTx: the pipelined status read of every wait (§8.1.2.1), answered into statusRx, which then holds
        //   ComIrq, Error, Status2, FIFOLevel, Control, Coll at [StatusComIrq..StatusColl] until the next wait;
        // - fifoReadTx: FIFO address bytes for a read of up to 64 bytes (the closing 00h is put in place per read);
        // - fifoWriteTx: the FIFO address followed by the frame;
        // - clearIrqTx: ComIrqReg ← 7Fh (clear every request bit, §9.3.1.5);
        // - framingTx / startSendTx: BitFramingReg ← framing, and framing | StartSend, for framing = lastFraming.
        private readonly byte[] statusReadTx;
        private readonly byte[] statusRx;
        private readonly byte[] fifoReadTx;
        private readonly byte[] fifoWriteTx = new byte[FifoSize + 1];
        private readonly byte[] clearIrqTx = new byte[] { (byte)(Register.ComIrq << 1), ClearAllIrqs };
        private readonly byte[] framingTx = new byte[] { (byte)(Register.BitFraming << 1), 0x00 };
        private readonly byte[] startSendTx = new byte[] { (byte)(Register.BitFraming << 1), StartSend };

        // The other register writes around an exchange, ready-made too: CommandReg ← Idle / Transceive (§10.3.1.1, §10.3.1.8),
        // FIFOLevelReg ← FlushBuffer (§9.3.1.11), TReloadLowReg ← the timer reload (its value byte put in place per write).
        private readonly byte[] commandIdleTx = new byte[] { (byte)(Register.Command << 1), Command.Idle };
        private readonly byte[] commandTransceiveTx = new byte[] { (byte)(Register.Command << 1), Command.Transceive };
        private readonly byte[] flushFifoTx = new byte[] { (byte)(Register.FifoLevel << 1), FlushBuffer };
        private readonly byte[] timerReloadTx = new byte[] { (byte)(Register.TReloadLow << 1), 0x00 };

        // What the chip clocks back during those 2-byte writes (ignored). Exactly their size, like statusRx for the status
        // read: the device's SPI adapter then wraps whole arrays (the cheap SpanByte constructor, Drivers/Device/SpiRegisterBus).
        private readonly byte[] writeRx = new byte[2];
        private int lastFraming;

        private const int StatusComIrq = 1;
        private const int StatusError = 2;
        private const int StatusStatus2 = 3;
        private const int StatusFifoLevel = 4;
        private const int StatusControl = 5;
        private const int StatusColl = 6;
        private const byte FifoReadAddress = 0x80 | (Register.FifoData << 1);

        public Mfrc522Chip(IRegisterBus bus, IReaderPins pins, Mfrc522Options options)
        {
            this.bus = bus;
            this.pins = pins;
            this.options = options == null ? new Mfrc522Options() : options;
            irqLineUsable = this.options.UseIrqPin;
            statusReadTx = new byte[statusRegisters.Length + 1];
            statusRx = new byte[statusRegisters.Length + 1];
            for (int i = 0; i < statusRegisters.Length; i++)
            {
                statusReadTx[i] = Register.ReadAddress(statusRegisters[i]);
            }

            fifoReadTx = new byte[FifoSize + 1];
            for (int i = 0; i <= FifoSize; i++)
            {
                fifoReadTx[i] = FifoReadAddress;
            }

            fifoWriteTx[0] = (byte)(Register.FifoData << 1);
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
        public bool Crypto1On => (statusRx[StatusStatus2] & MfCrypto1On) != 0;

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
        public int Recoveries => recoveries;
        internal int recoveries;
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
            ReadFifoRaw(count);
            System.Array.Copy(rx, 1, destination, offset, count);
        }

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
                byte[] reload = timerReloadTx;
                reload[1] = (byte)ticks;
                WriteReady(reload);
                timerReload = ticks;
            }
        }

        /// <summary>One 2-byte register write from a ready-made buffer (address byte, value).</summary>
        private void WriteReady(byte[] write)
        {
            transfers++;
            transferredBytes += 2;
            bus.Transfer(write, writeRx, 2);
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

            WriteModes((byte)((on ? CrcEnable : 0x00) | (bitRate << 4)));
            hardwareCrc = on;
        }

        /// <summary>Clears Status2Reg.MFCrypto1On (§9.3.1.9): ends a MIFARE Classic session so the next card is not
        /// addressed through a stale cipher, a known cause of readers that "stop reading after hours".</summary>
        public void StopCrypto1()
        {
            WriteRegister(Register.Status2, 0x00);
            statusRx[StatusStatus2] = 0;
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
            if (!bitFramingZero)
            {
                WriteRegister(Register.BitFraming, 0x00);
                bitFramingZero = true;
            }

            WriteFifo(frame, offset, 12);
            WriteRegister(Register.Command, Command.MfAuthent);
            commandMayBeActive = true;

            // WaitFor's first status read is counted by its caller.
            transfers++;
            transferredBytes += 7;

            ReaderResult waited = WaitFor(IdleIrq, timeoutTicks);
            if (waited == ReaderResult.Ok)
            {
                // The command ended by itself (IdleIRq): the chip is idle again.
                commandMayBeActive = false;
                if ((statusRx[StatusError] & (ProtocolErr | ParityErr | CrcErr)) == 0 && (statusRx[StatusStatus2] & MfCrypto1On) != 0)
                {
                    return ReaderResult.Ok;
                }

                fifoMayHoldData = (statusRx[StatusFifoLevel] & 0x7F) != 0;
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
                WriteReady(commandIdleTx);
                commandMayBeActive = false;
            }

            if (fifoMayHoldData)
            {
                WriteReady(flushFifoTx);
                fifoMayHoldData = false;
            }
        }

        private void AfterFailure()
        {
            // The receiver may still be waiting (timeout) or the chip may be wedged: stop the command before the next
            // exchange, and flush if anything arrived.
            transceiveRunning = false;
            commandMayBeActive = true;
            if ((statusRx[StatusFifoLevel] & 0x7F) != 0)
            {
                fifoMayHoldData = true;
            }
        }
    }
}
