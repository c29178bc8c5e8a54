using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;
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

        private readonly byte[] _regs = new byte[64];
        private readonly byte[] _fifo = new byte[64];
        private readonly byte[] _internalBuffer = new byte[25];
        private byte[] _scratch = new byte[64];
        private int _fifoCount;
        private long _now;

        // Command and RF state
        private int _command;
        private byte _comIrq, _divIrq, _error, _coll, _rxLastBits;
        private ushort _crc;
        private ReaderFrame _txFrame;
        private int _rxAlign;
        private long _txStartAt = Never, _txEndAt = Never, _rxStartAt = Never, _rxEndAt = Never, _lastRxEndAt = long.MinValue / 2;
        private List<bool[]> _rxAir;
        private List<bool[]> _airAfterTransmit;
        private long _airAfterTransmitStart = Never;
        private bool _waitingStartSend;
        private bool _transmitted;

        // Timer (§8.5)
        private bool _timerRunning;
        private long _timerStartAt, _timerExpireAt = Never, _timerStopAt = Never;
        private double _timerTickNs;
        private int _timerReload, _timerFrozen;

        // Commands that complete later
        private long _commandDoneAt = Never;
        private Action _commandDone;
        private long _softResetDoneAt = long.MinValue;

        // Power and MIFARE Crypto1
        private bool _resetLineHigh = true;
        private long _startupDoneAt = long.MinValue;
        private VirtualCard _cryptoCard;

        public Mfrc522Simulator(byte version = 0x92, int seed = 1, CostModel costModel = null)
        {
            Version = version;
            CostModel = costModel ?? new CostModel();
            Field = new RfField(() => _now);
            Costs = new CostCounters(() => _now);
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
        public long NowNs => _now;

        /// <summary>When true, every RF frame both ways is logged in <see cref="RfTrace"/> (for debugging drivers).</summary>
        public bool TraceRf { get; set; }

        /// <summary>"t=1.234ms PCD→ 26(7 bits)" / "PICC→ 04 00 ..." lines while <see cref="TraceRf"/> is on.</summary>
        public List<string> RfTrace { get; } = new List<string>();

        /// <summary>Raised before every SPI transfer (add or remove cards between transfers here).</summary>
        public event Action<Mfrc522Simulator> BeforeTransfer;

        /// <summary>Bytes currently in the FIFO.</summary>
        public int FifoCount => _fifoCount;

        /// <summary>Status2Reg.MFCrypto1On.</summary>
        public bool Crypto1On => (_regs[Register.Status2] & MfCrypto1On) != 0;

        /// <summary>True while at least one antenna driver is on (TxControlReg Tx1RFEn or Tx2RFEn) and the chip runs.</summary>
        public bool AntennaOn => Field.Powered;

        /// <summary>The chip command running now (CommandReg bits 3..0).</summary>
        public int ActiveCommand => _command;

        /// <summary>A copy of the 25-byte internal buffer (Mem command, GenerateRandomID).</summary>
        public byte[] InternalBuffer => (byte[])_internalBuffer.Clone();

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
                bool driveHigh = IrqPending() ^ ((_regs[Register.ComIEn] & 0x80) != 0);
                bool pushPull = (_regs[Register.DivIEn] & 0x80) != 0;
                return driveHigh && (pushPull || IrqPullUpFitted);
            }
        }

        /// <summary>Readable dump of the chip and field state (registers, FIFO, clock, cards) for debugging.</summary>
        public string Describe()
        {
            var sb = new System.Text.StringBuilder();
            sb.Append("MFRC522 model v").Append(Version.ToString("X2")).Append(" t=").Append((_now / 1e6).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))
              .Append("ms command=").Append(ChipCommandNames.Name(_command)).Append(" antenna=").Append(AntennaOn ? "on" : "off")
              .Append(" crypto1=").Append(Crypto1On ? "on" : "off").Append(" stalled=").Append(Faults.ChipStalled).AppendLine();
            for (byte r = 0; r < 64; r++)
            {
                sb.Append(r.ToString("X2")).Append('=').Append(PeekRegister(r).ToString("X2")).Append(r % 16 == 15 ? "\n" : " ");
            }

            sb.Append("FIFO[").Append(_fifoCount).Append("] ").Append(Convert.ToHexString(_fifo, 0, _fifoCount)).AppendLine();
            foreach (var card in Field.Cards) sb.Append("  ").Append(card).AppendLine();
            return sb.ToString();
        }

        /// <summary>Reads a register without side effects, cost or time (for tests and diagnostics).</summary>
        public byte PeekRegister(byte register) => ReadRegisterValue((byte)(register & 0x3F), peek: true);

        /// <summary>Lets model time pass without any SPI activity (e.g. a card resting while the MCU does other work).</summary>
        public void AdvanceTime(long nanoseconds)
        {
            // Events that complete while time passes (RF frames, card power-up) allocate model objects: the model's bytes.
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            AdvanceTo(_now + nanoseconds);
            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        // ==== IRegisterBus ===================================================================================

        /// <summary>One chip select: tx[0] is the address byte (bit 7 read, bits 6..1 address, §8.1.2.3).</summary>
        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            if (length <= 0) return;
            if (tx == null || rx == null || tx.Length < length || rx.Length < length)
            {
                throw new ArgumentException("tx and rx must hold length bytes.");
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            Faults.BeforeTransfer(Costs.Transfers);
            BeforeTransfer?.Invoke(this);

            // tx and rx may be the same array (full duplex in place): read addresses from a copy.
            if (_scratch.Length < length) _scratch = new byte[length];
            Array.Copy(tx, _scratch, length);

            long cost = CostModel.SpiTransferNs(length);
            Costs.Transfers++;
            Costs.Bytes += length;
            Costs.SpiNs += cost;
            AdvanceTo(_now + CostModel.TransferOverheadNs);

            bool read = (_scratch[0] & 0x80) != 0;
            byte address = (byte)((_scratch[0] >> 1) & 0x3F);
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
                    byte register = (byte)((_scratch[i] >> 1) & 0x3F);
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
                    if (reachable) WriteRegisterValue(address, _scratch[i]);
                    rx[i] = reachable ? (byte)0x00 : deadValue;
                    Costs.RegisterWrites++;
                }
            }

            AdvanceTo(_now + cost - CostModel.TransferOverheadNs);
            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        private bool Reachable => _resetLineHigh && !Faults.ChipStalled && _now >= _startupDoneAt;

        // ==== IReaderPins ====================================================================================

        /// <summary>NRSTPD (§8.8.1): low = hard power-down (SPI dead, antenna off); the rising edge is a power-on reset.</summary>
        public void SetResetHigh(bool high)
        {
            if (high == _resetLineHigh) return;
            // What the model allocates here (field power-down, card resets, fault log) is the simulator's, not the
            // driver's: counted like every other entry point so allocation measurements of drivers stay exact.
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            _resetLineHigh = high;
            if (!high)
            {
                CancelActivity();
                Field.SetPowered(false);
            }
            else
            {
                Faults.OnHardReset();
                ResetRegisters(clearInternalBuffer: true);
                _startupDoneAt = _now + CostModel.HardResetStartupNs;
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
                AdvanceTo(_now + CostModel.GpioReadNs);
                Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                // Logical level as an adapter configured for the chip's polarity sees it; an open-drain active-high
                // line without pull-up never shows the assertion.
                bool openDrainActiveHigh = (_regs[Register.DivIEn] & 0x80) == 0 && (_regs[Register.ComIEn] & 0x80) == 0;
                if (openDrainActiveHigh && !IrqPullUpFitted) return false;
                if (Faults.IrqLineDead) return false;
                return _resetLineHigh && !Faults.ChipStalled && IrqPending();
            }
        }

        public long MonotonicMilliseconds => _now / 1_000_000;

        public void Delay(int milliseconds)
        {
            if (milliseconds < 0) milliseconds = 0;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            Costs.Delays++;
            Costs.DelayNs += milliseconds * 1_000_000L;
            AdvanceTo(_now + milliseconds * 1_000_000L);
            Costs.SimulatorAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        private bool IrqPending() =>
            (_regs[Register.ComIEn] & _comIrq & 0x7F) != 0 || (_regs[Register.DivIEn] & _divIrq & 0x14) != 0;

        // ==== resets ========================================================================================

        /// <summary>Power-on/brown-out reset: registers to reset values, FIFO and internal buffer cleared, antenna off.</summary>
        internal void PowerOnReset() => ResetRegisters(clearInternalBuffer: true);

        internal void ClearAntennaBits()
        {
            _regs[Register.TxControl] &= 0xFC;
            UpdateFieldPower();
        }

        private void ResetRegisters(bool clearInternalBuffer)
        {
            CancelActivity();
            Array.Copy(ResetValues, _regs, 64);
            _comIrq = (byte)(ResetValues[Register.ComIrq] & 0x7F);
            _divIrq = ResetValues[Register.DivIrq];
            _error = 0;
            _coll = ResetValues[Register.Coll];
            _rxLastBits = 0;
            _command = Command.Idle;
            _fifoCount = 0;
            _crc = 0xFFFF;
            _timerRunning = false;
            _timerExpireAt = _timerStopAt = Never;
            _timerFrozen = 0;
            _cryptoCard = null;
            _softResetDoneAt = long.MinValue;
            if (clearInternalBuffer) Array.Clear(_internalBuffer);
            UpdateFieldPower();
        }

        /// <summary>Stops whatever the chip was doing on the RF side and pending command completions.</summary>
        private void CancelActivity()
        {
            _txFrame = null;
            _txStartAt = _txEndAt = _rxStartAt = _rxEndAt = Never;
            _rxAir = null;
            _commandDoneAt = Never;
            _commandDone = null;
            _waitingStartSend = false;
            _transmitted = false;
            _timerStopAt = Never;
        }

        private void UpdateFieldPower()
        {
            bool on = _resetLineHigh && (_regs[Register.TxControl] & 0x03) != 0;
            if (!on && Field.Powered)
            {
                // Cards lose power: any Crypto1 session they had is gone (the chip's MFCrypto1On bit stays).
                _cryptoCard = null;
            }

            // Choice: one antenna driver (Tx1RFEn or Tx2RFEn) is enough to power the cards.
            Field.SetPowered(on);
        }
    }
}
