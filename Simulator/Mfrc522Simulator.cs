using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator.Cards;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator
{
    /// <summary>
    /// Register-level model of the NXP MFRC522 (datasheet rev. 3.9) behind the driver's seams: SPI framing
    /// (<see cref="IRegisterBus"/>), the reset and IRQ lines and a model clock (<see cref="IReaderPins"/>).
    /// It drives an <see cref="RfField"/> of virtual ISO/IEC 14443-3A cards. Time is a model clock in
    /// nanoseconds that advances only with SPI transfers, IRQ-pin reads and <see cref="Delay"/> (per
    /// <see cref="CostModel"/>); RF frames, the CRC coprocessor, MFAuthent and the chip timer run on it, so a
    /// driver polling ComIrqReg sees a timeout after a bounded number of transfers.
    /// Typical use: <c>var sim = new Mfrc522Simulator(); sim.Field.Add(VirtualCard.Classic1K(uid));</c>
    /// then hand <c>sim</c> to the driver as its IRegisterBus and IReaderPins.
    /// Where the datasheet leaves behaviour open, the choice is stated in a comment marked "Choice:".
    /// </summary>
    public sealed partial class Mfrc522Simulator : IRegisterBus, IReaderPins
    {
        private const long Never = long.MaxValue;
        private const double CarrierHz = 13_560_000.0;

        // ComIrqReg / ComIEnReg bits (§9.3.1.3, §9.3.1.5)
        public const byte TxIrq = 0x40, RxIrq = 0x20, IdleIrq = 0x10, HiAlertIrq = 0x08, LoAlertIrq = 0x04, ErrIrq = 0x02, TimerIrq = 0x01;
        // DivIrqReg bits (§9.3.1.6)
        public const byte MfinActIrq = 0x10, CrcIrq = 0x04;
        // ErrorReg bits (§9.3.1.7)
        public const byte WrErr = 0x80, TempErr = 0x40, BufferOvfl = 0x10, CollErr = 0x08, CrcErr = 0x04, ParityErr = 0x02, ProtocolErr = 0x01;
        // Status2Reg (§9.3.1.9)
        public const byte MfCrypto1On = 0x08;

        /// <summary>
        /// Reset values (datasheet §9.2 table 20 and the per-register tables of §9.3). Registers whose reset value
        /// the datasheet gives as "xx"/"undefined" (FIFODataReg, TCounterVal, TestBus, TestDAC, TestADC) or that are
        /// reserved: Choice: 00h. CollReg is "10xxxxxx": Choice: A0h (ValuesAfterColl = 1, CollPosNotValid = 1).
        /// CommandReg 20h (RcvOff set: receiver off until a command write clears it, as every driver's does).
        /// </summary>
        public static readonly byte[] ResetValues = BuildResetValues();

        private static byte[] BuildResetValues()
        {
            var r = new byte[64];
            r[Register.Command] = 0x20;
            r[Register.ComIEn] = 0x80;
            r[Register.DivIEn] = 0x00;
            r[Register.ComIrq] = 0x14;
            r[Register.DivIrq] = 0x00;
            r[Register.Status1] = 0x21;
            r[Register.WaterLevel] = 0x08;
            r[Register.Control] = 0x10;
            r[Register.Coll] = 0xA0;
            r[Register.Mode] = 0x3F;
            r[Register.TxControl] = 0x80;
            r[Register.TxSel] = 0x10;
            r[Register.RxSel] = 0x84;
            r[Register.RxThreshold] = 0x84;
            r[Register.Demod] = 0x4D;
            r[Register.MfTx] = 0x62;
            r[Register.SerialSpeed] = 0xEB;
            r[Register.CrcResultHigh] = 0xFF;
            r[Register.CrcResultLow] = 0xFF;
            r[Register.ModWidth] = 0x26;
            r[Register.RfCfg] = 0x48;
            r[Register.GsN] = 0x88;
            r[Register.CwGsP] = 0x20;
            r[Register.ModGsP] = 0x20;
            r[Register.TestPinEn] = 0x80;
            r[Register.AutoTest] = 0x40;
            return r;
        }

        private enum Modem { Idle = 0, WaitStartSend = 1, TxWait = 2, Transmitting = 3, RxWait = 4, WaitData = 5, Receiving = 6 }

        private readonly byte[] regs = new byte[64];
        private readonly byte[] fifo = new byte[64];
        private readonly byte[] internalBuffer = new byte[25];
        private byte[] scratch = new byte[64];
        private int fifoCount;
        private long now;

        // Command and RF state
        private int command;
        private byte comIrq, divIrq, error, coll, rxLastBits;
        private ushort crc;
        private ReaderFrame txFrame;
        private int rxAlign;
        private long txStartAt = Never, txEndAt = Never, rxStartAt = Never, rxEndAt = Never, lastRxEndAt = long.MinValue / 2;
        private List<bool[]> rxAir;
        private List<bool[]> airAfterTransmit;
        private long airAfterTransmitStart = Never;
        private bool waitingStartSend;
        private bool transmitted;

        // Timer (§8.5)
        private bool timerRunning;
        private long timerStartAt, timerExpireAt = Never, timerStopAt = Never;
        private double timerTickNs;
        private int timerReload, timerFrozen;

        // Commands that complete later
        private long commandDoneAt = Never;
        private Action commandDone;
        private long softResetDoneAt = long.MinValue;

        // Power and MIFARE Crypto1
        private bool resetLineHigh = true;
        private long startupDoneAt = long.MinValue;
        private VirtualCard cryptoCard;

        public Mfrc522Simulator(byte version = 0x92, int seed = 1, CostModel costModel = null)
        {
            Version = version;
            CostModel = costModel ?? new CostModel();
            Field = new RfField(() => this.now);
            Costs = new CostCounters(() => this.now);
            Faults = new FaultInjector(this, seed);
            ResetRegisters(clearInternalBuffer: true);
        }

        /// <summary>VersionReg value: 91h (v1.0), 92h (v2.0) or a clone's (88h FM17522).</summary>
        public byte Version { get; set; }

        public RfField Field { get; }
        public CostCounters Costs { get; }
        public CostModel CostModel { get; }
        public FaultInjector Faults { get; }

        /// <summary>Model clock, nanoseconds since construction.</summary>
        public long NowNs => this.now;

        /// <summary>When true, every RF frame both ways is logged in <see cref="RfTrace"/> (for debugging drivers).</summary>
        public bool TraceRf { get; set; }

        /// <summary>"t=1.234ms PCD→ 26(7 bits)" / "PICC→ 04 00 ..." lines while <see cref="TraceRf"/> is on.</summary>
        public List<string> RfTrace { get; } = new List<string>();

        /// <summary>Raised before every SPI transfer (add or remove cards between transfers here).</summary>
        public event Action<Mfrc522Simulator> BeforeTransfer;

        /// <summary>Bytes currently in the FIFO.</summary>
        public int FifoCount => fifoCount;

        /// <summary>Status2Reg.MFCrypto1On.</summary>
        public bool Crypto1On => (regs[Register.Status2] & MfCrypto1On) != 0;

        /// <summary>True while at least one antenna driver is on (TxControlReg Tx1RFEn or Tx2RFEn) and the chip runs.</summary>
        public bool AntennaOn => Field.Powered;

        /// <summary>The chip command running now (CommandReg bits 3..0).</summary>
        public int ActiveCommand => this.command;

        /// <summary>A copy of the 25-byte internal buffer (Mem command, GenerateRandomID).</summary>
        public byte[] InternalBuffer => (byte[])internalBuffer.Clone();

        /// <summary>
        /// Whether the board has a pull-up on IRQ (default true). With DivIEnReg.IRQPushPull = 0 (reset value) the
        /// pin is open drain: the chip can only pull it low, a high level needs the pull-up.
        /// </summary>
        public bool IrqPullUpFitted { get; set; } = true;

        /// <summary>
        /// Electrical level of the IRQ pin (§9.3.1.3/§9.3.1.4): the pending interrupt, inverted when ComIEnReg.IRqInv
        /// is set; in open-drain mode a "high" is only there with <see cref="IrqPullUpFitted"/> (else the line floats:
        /// reported low).
        /// </summary>
        public bool IrqPinHigh
        {
            get
            {
                bool driveHigh = IrqPending() ^ ((regs[Register.ComIEn] & 0x80) != 0);
                bool pushPull = (regs[Register.DivIEn] & 0x80) != 0;
                return driveHigh && (pushPull || IrqPullUpFitted);
            }
        }

        /// <summary>Readable dump of the chip and field state (registers, FIFO, clock, cards) for debugging.</summary>
        public string Describe()
        {
            var sb = new System.Text.StringBuilder();
            sb.Append("MFRC522 model v").Append(Version.ToString("X2")).Append(" t=").Append((this.now / 1e6).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))
              .Append("ms command=").Append(ChipCommandNames.Name(this.command)).Append(" antenna=").Append(AntennaOn ? "on" : "off")
              .Append(" crypto1=").Append(Crypto1On ? "on" : "off").Append(" stalled=").Append(Faults.ChipStalled).AppendLine();
            for (byte r = 0; r < 64; r++)
            {
                sb.Append(r.ToString("X2")).Append('=').Append(PeekRegister(r).ToString("X2")).Append(r % 16 == 15 ? "\n" : " ");
            }

            sb.Append("FIFO[").Append(fifoCount).Append("] ").Append(Convert.ToHexString(fifo, 0, fifoCount)).AppendLine();
            foreach (var card in Field.Cards)
            {
                sb.Append("  ").Append(card).AppendLine();
            }

            return sb.ToString();
        }

        /// <summary>Reads a register without side effects, cost or time (for tests and diagnostics).</summary>
        public byte PeekRegister(byte register) => ReadRegisterValue((byte)(register & 0x3F), peek: true);

        /// <summary>Lets model time pass without any SPI activity (e.g. a card resting while the MCU does other work).</summary>
        public void AdvanceTime(long nanoseconds)
        {
            // Events that complete while time passes (RF frames, card power-up) allocate model objects: the model's bytes.
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            AdvanceTo(this.now + nanoseconds);
            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        // ==== IRegisterBus ===================================================================================

        /// <summary>One chip select: tx[0] is the address byte (bit 7 read, bits 6..1 address, §8.1.2.3).</summary>
        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            if (length <= 0)
            {
                return;
            }

            if (tx == null || rx == null || tx.Length < length || rx.Length < length)
            {
                throw new ArgumentException("tx and rx must hold length bytes.");
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            Faults.BeforeTransfer(Costs.Transfers);
            BeforeTransfer?.Invoke(this);

            // tx and rx may be the same array (full duplex in place): read addresses from a copy.
            if (scratch.Length < length)
            {
                scratch = new byte[length];
            }

            Array.Copy(tx, scratch, length);

            long cost = CostModel.SpiTransferNs(length);
            Costs.Transfers++;
            Costs.Bytes += length;
            Costs.SpiNs += cost;
            AdvanceTo(this.now + CostModel.TransferOverheadNs);

            bool read = (scratch[0] & 0x80) != 0;
            byte address = (byte)((scratch[0] >> 1) & 0x3F);
            Costs.TransfersPerRegister[address]++;
            bool reachable = Reachable;
            byte deadValue = Faults.ChipStalled ? Faults.StallReadValue : (byte)0x00;
            // Choice: MISO during the address byte (datasheet: "X") and during write data bytes reads 00h.
            rx[0] = reachable ? (byte)0x00 : deadValue;
            if (read)
            {
                Costs.ReadTransfers++;
                for (int i = 0; i < length - 1; i++)
                {
                    // §8.1.2.1: each following MOSI byte is the next address; the last is 00h. Choice: bit 7 of those
                    // bytes is not checked (all are treated as reads).
                    byte register = (byte)((scratch[i] >> 1) & 0x3F);
                    rx[i + 1] = reachable ? ReadRegisterValue(register, peek: false) : deadValue;
                    Costs.RegisterReads++;
                }
            }
            else
            {
                Costs.WriteTransfers++;
                for (int i = 1; i < length; i++)
                {
                    // §8.1.2.2: every data byte goes to the same address (a FIFO burst for FIFODataReg).
                    if (reachable)
                    {
                        WriteRegisterValue(address, scratch[i]);
                    }

                    rx[i] = reachable ? (byte)0x00 : deadValue;
                    Costs.RegisterWrites++;
                }
            }

            AdvanceTo(this.now + cost - CostModel.TransferOverheadNs);
            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        private bool Reachable => resetLineHigh && !Faults.ChipStalled && this.now >= startupDoneAt;

        // ==== IReaderPins ====================================================================================

        /// <summary>NRSTPD (§8.8.1): low = hard power-down (SPI dead, antenna off); the rising edge is a power-on reset.</summary>
        public void SetResetHigh(bool high)
        {
            if (high == resetLineHigh)
            {
                return;
            }
            // What the model allocates here (field power-down, card resets, fault log) is the simulator's, not the
            // driver's: counted like every other entry point so allocation measurements of drivers stay exact.
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            resetLineHigh = high;
            if (!high)
            {
                CancelActivity();
                Field.SetPowered(false);
            }
            else
            {
                Faults.OnHardReset();
                ResetRegisters(clearInternalBuffer: true);
                startupDoneAt = this.now + CostModel.HardResetStartupNs;
            }

            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        /// <summary>Logical IRQ (an enabled interrupt is pending; polarity is the adapter's business). Costs one GPIO read.</summary>
        public bool IrqAsserted
        {
            get
            {
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                Costs.GpioReads++;
                AdvanceTo(this.now + CostModel.GpioReadNs);
                Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                // Logical level as an adapter configured for the chip's polarity sees it; an open-drain active-high
                // line without pull-up never shows the assertion.
                bool openDrainActiveHigh = (regs[Register.DivIEn] & 0x80) == 0 && (regs[Register.ComIEn] & 0x80) == 0;
                if (openDrainActiveHigh && !IrqPullUpFitted)
                {
                    return false;
                }

                if (Faults.IrqLineDead)
                {
                    return false;
                }

                return resetLineHigh && !Faults.ChipStalled && IrqPending();
            }
        }

        public long MonotonicMilliseconds => this.now / 1_000_000;

        public void Delay(int milliseconds)
        {
            if (milliseconds < 0)
            {
                milliseconds = 0;
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            Costs.Delays++;
            Costs.DelayNs += milliseconds * 1_000_000L;
            AdvanceTo(this.now + milliseconds * 1_000_000L);
            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        private bool IrqPending() =>
            (regs[Register.ComIEn] & comIrq & 0x7F) != 0 || (regs[Register.DivIEn] & divIrq & 0x14) != 0;

        // ==== resets ========================================================================================

        /// <summary>Power-on/brown-out reset: registers to reset values, FIFO and internal buffer cleared, antenna off.</summary>
        internal void PowerOnReset() => ResetRegisters(clearInternalBuffer: true);

        internal void ClearAntennaBits()
        {
            regs[Register.TxControl] &= 0xFC;
            UpdateFieldPower();
        }

        private void ResetRegisters(bool clearInternalBuffer)
        {
            CancelActivity();
            Array.Copy(ResetValues, regs, 64);
            comIrq = (byte)(ResetValues[Register.ComIrq] & 0x7F);
            divIrq = ResetValues[Register.DivIrq];
            this.error = 0;
            coll = ResetValues[Register.Coll];
            rxLastBits = 0;
            this.command = Command.Idle;
            fifoCount = 0;
            this.crc = 0xFFFF;
            timerRunning = false;
            timerExpireAt = timerStopAt = Never;
            timerFrozen = 0;
            cryptoCard = null;
            softResetDoneAt = long.MinValue;
            if (clearInternalBuffer)
            {
                Array.Clear(internalBuffer);
            }

            UpdateFieldPower();
        }

        /// <summary>Stops whatever the chip was doing on the RF side and pending command completions.</summary>
        private void CancelActivity()
        {
            txFrame = null;
            txStartAt = txEndAt = rxStartAt = rxEndAt = Never;
            rxAir = null;
            commandDoneAt = Never;
            commandDone = null;
            waitingStartSend = false;
            transmitted = false;
            timerStopAt = Never;
        }

        private void UpdateFieldPower()
        {
            bool on = resetLineHigh && (regs[Register.TxControl] & 0x03) != 0;
            if (!on && Field.Powered)
            {
                // Cards lose power: any Crypto1 session they had is gone (the chip's MFCrypto1On bit stays).
                cryptoCard = null;
            }

            // Choice: one antenna driver (Tx1RFEn or Tx2RFEn) is enough to power the cards.
            Field.SetPowered(on);
        }
    }
}
