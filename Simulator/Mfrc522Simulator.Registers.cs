using System;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Simulator
{
    public sealed partial class Mfrc522Simulator
    {
        private byte ReadRegisterValue(byte register, bool peek)
        {
            switch (register)
            {
                case Register.Command:
                    // PowerDown (bit 4) reads 1 until a soft reset has completed (§9.3.1.2).
                    byte command = (byte)((regs[Register.Command] & 0x30) | this.command);
                    if (this.now < softResetDoneAt)
                    {
                        command |= 0x10;
                    }

                    return command;
                case Register.ComIrq:
                    return (byte)(comIrq & 0x7F); // Set1 reads 0
                case Register.DivIrq:
                    return (byte)(divIrq & 0x14); // Set2 reads 0
                case Register.Error:
                    return this.error;
                case Register.Status1:
                    return Status1();
                case Register.Status2:
                    return (byte)((regs[Register.Status2] & 0xC8) | (int)ModemState());
                case Register.FifoData:
                    if (peek)
                    {
                        return fifoCount > 0 ? fifo[0] : (byte)0x00;
                    }

                    return PopFifo();
                case Register.FifoLevel:
                    return (byte)fifoCount; // FlushBuffer reads 0
                case Register.Control:
                    // TStopNow/TStartNow read 0; bits 5..3 reserved as reset (10h); RxLastBits (§9.3.1.13).
                    return (byte)((regs[Register.Control] & 0x38) | rxLastBits);
                case Register.Coll:
                    return coll;
                case Register.CrcResultHigh:
                    return (byte)(this.crc >> 8);
                case Register.CrcResultLow:
                    return (byte)(this.crc & 0xFF);
                case Register.TCounterValueHigh:
                    return (byte)(TimerValue() >> 8);
                case Register.TCounterValueLow:
                    return (byte)(TimerValue() & 0xFF);
                case Register.Version:
                    return Version;
                default:
                    return regs[register];
            }
        }

        private void WriteRegisterValue(byte register, byte value)
        {
            if (this.now < softResetDoneAt)
            {
                // Choice: writes during the soft reset phase are lost.
                return;
            }

            switch (register)
            {
                case Register.Command:
                    regs[Register.Command] = (byte)(value & 0x30);
                    int command = value & 0x0F;
                    if (command != Command.NoCmdChange)
                    {
                        StartCommand(command);
                    }

                    break;
                case Register.ComIrq:
                    // §9.3.1.5 Set1: 1 = the marked bits are set, 0 = the marked bits are cleared.
                    if ((value & 0x80) != 0)
                    {
                        comIrq |= (byte)(value & 0x7F);
                    }
                    else
                    {
                        comIrq &= (byte)~(value & 0x7F);
                    }

                    break;
                case Register.DivIrq:
                    // §9.3.1.6 Set2, same semantics; only MfinActIRq and CRCIRq exist.
                    if ((value & 0x80) != 0)
                    {
                        divIrq |= (byte)(value & 0x14);
                    }
                    else
                    {
                        divIrq &= (byte)~(value & 0x14);
                    }

                    break;
                case Register.Error:
                case Register.Status1:
                case Register.Version:
                case Register.CrcResultHigh:
                case Register.CrcResultLow:
                case Register.TCounterValueHigh:
                case Register.TCounterValueLow:
                    break; // read-only
                case Register.Status2:
                    // TempSensClear and I2CForceHS are plain bits; MFCrypto1On can only be cleared by the host (§9.3.1.9).
                    byte crypto = (byte)(regs[Register.Status2] & MfCrypto1On);
                    if ((value & MfCrypto1On) == 0)
                    {
                        crypto = 0;
                        cryptoCard = null;
                    }

                    regs[Register.Status2] = (byte)((value & 0xC0) | crypto);
                    break;
                case Register.FifoData:
                    WriteFifoFromHost(value);
                    break;
                case Register.FifoLevel:
                    if ((value & 0x80) != 0)
                    {
                        // §9.3.1.11 FlushBuffer: empties the FIFO and clears BufferOvfl.
                        fifoCount = 0;
                        this.error &= unchecked((byte)~BufferOvfl);
                        UpdateFifoAlerts();
                    }

                    break;
                case Register.WaterLevel:
                    regs[Register.WaterLevel] = (byte)(value & 0x3F);
                    UpdateFifoAlerts();
                    break;
                case Register.Control:
                    if ((value & 0x80) != 0)
                    {
                        StopTimer();
                    }

                    if ((value & 0x40) != 0)
                    {
                        StartTimer(this.now);
                    }

                    break;
                case Register.BitFraming:
                    regs[Register.BitFraming] = value;
                    // §9.3.1.14 StartSend: starts the transmission, only with the Transceive command.
                    // Choice: it acts on the write of a 1 (edge) while Transceive waits to send or waits for data.
                    if ((value & 0x80) != 0 && this.command == Command.Transceive && txEndAt == Never && rxEndAt == Never)
                    {
                        waitingStartSend = false;
                        StartTransmission();
                    }

                    break;
                case Register.Coll:
                    coll = (byte)((value & 0x80) | (coll & 0x7F)); // only ValuesAfterColl is writable
                    break;
                case Register.TxControl:
                    regs[Register.TxControl] = value;
                    UpdateFieldPower();
                    break;
                case Register.AutoTest:
                    regs[Register.AutoTest] = value;
                    break;
                default:
                    regs[register] = value;
                    break;
            }
        }

        private byte Status1()
        {
            int value = 0;
            if (this.crc == 0)
            {
                value |= 0x40;                    // CRCOk
            }

            value |= 0x20;                                   // CRCReady: the coprocessor is never busy between transfers
            if (IrqPending())
            {
                value |= 0x10;                 // IRq
            }

            if (timerRunning && this.now >= timerStartAt)
            {
                value |= 0x08; // TRunning
            }

            if (HiAlert)
            {
                value |= 0x02;
            }

            if (LoAlert)
            {
                value |= 0x01;
            }

            return (byte)value;
        }

        private Modem ModemState()
        {
            switch (this.command)
            {
                case Command.Transceive:
                case Command.Transmit:
                case Command.Receive:
                case Command.MfAuthent:
                    if (txEndAt != Never)
                    {
                        return this.now < txStartAt ? Modem.TxWait : Modem.Transmitting;
                    }

                    if (rxEndAt != Never)
                    {
                        return this.now < rxStartAt ? Modem.WaitData : Modem.Receiving;
                    }

                    if (this.command == Command.Transceive && waitingStartSend)
                    {
                        return Modem.WaitStartSend;
                    }

                    return this.command == Command.Transmit ? Modem.Idle : Modem.WaitData;
                default:
                    return Modem.Idle;
            }
        }

        // ==== FIFO (§8.3) ==================================================================================

        private bool HiAlert => 64 - fifoCount <= regs[Register.WaterLevel];
        private bool LoAlert => fifoCount <= regs[Register.WaterLevel];

        /// <summary>
        /// Choice: HiAlertIRq/LoAlertIRq are set whenever the FIFO level changes and the matching Status1 alert
        /// bit is true (the datasheet says they store the event of HiAlert/LoAlert being set).
        /// </summary>
        private void UpdateFifoAlerts()
        {
            if (HiAlert)
            {
                comIrq |= HiAlertIrq;
            }

            if (LoAlert)
            {
                comIrq |= LoAlertIrq;
            }
        }

        private void WriteFifoFromHost(byte value)
        {
            Costs.FifoBytesWritten++;
            // §9.3.1.7 WrErr: host writes to the FIFO during MFAuthent or between the end of the RF transmission
            // and the end of reception.
            if (this.command == Command.MfAuthent || (this.command == Command.Transceive && transmitted && (rxEndAt != Never || !waitingStartSend)))
            {
                SetError(WrErr);
            }

            PushFifo(value);
            if (this.command == Command.CalcCrc && !selfTestRunning)
            {
                // CalcCRC keeps running: bytes written later are added to the calculation (§10.3.1.4).
                ConsumeFifoIntoCrc();
            }
        }

        private void PushFifo(byte value)
        {
            if (fifoCount >= 64)
            {
                SetError(BufferOvfl);
                return;
            }

            fifo[fifoCount++] = value;
            UpdateFifoAlerts();
        }

        private byte PopFifo()
        {
            if (fifoCount == 0)
            {
                // Choice: reading an empty FIFO returns 00h and flags nothing (the datasheet has no underflow flag).
                return 0x00;
            }

            byte value = fifo[0];
            fifoCount--;
            Array.Copy(fifo, 1, fifo, 0, fifoCount);
            Costs.FifoBytesRead++;
            UpdateFifoAlerts();
            return value;
        }

        private byte[] DrainFifo()
        {
            var data = new byte[fifoCount];
            Array.Copy(fifo, data, fifoCount);
            fifoCount = 0;
            UpdateFifoAlerts();
            return data;
        }

        private void SetError(byte bits)
        {
            this.error |= bits;
            comIrq |= ErrIrq; // §9.3.1.5 ErrIRq: any error bit in ErrorReg is set
        }

        // ==== CRC coprocessor (§8.4) ======================================================================

        private bool selfTestRunning;

        private ushort CrcPreset()
        {
            switch (regs[Register.Mode] & 0x03)
            {
                case 0: return 0x0000;
                case 1: return 0x6363;
                case 2: return 0xA671;
                default: return 0xFFFF;
            }
        }

        private void ConsumeFifoIntoCrc()
        {
            bool msbFirst = (regs[Register.Mode] & 0x80) != 0;
            // The register holds the running CRC in transmission order; with MSBFirst both the input bytes and the
            // result are bit-reversed (ModeReg.MSBFirst, §9.3.2.2).
            ushort crc = msbFirst ? Reverse16(this.crc) : this.crc;
            while (fifoCount > 0)
            {
                byte b = PopFifoForCoprocessor();
                crc = CrcUpdate(crc, msbFirst ? Reverse8(b) : b);
            }

            this.crc = msbFirst ? Reverse16(crc) : crc;
            divIrq |= CrcIrq;
        }

        private byte PopFifoForCoprocessor()
        {
            byte value = fifo[0];
            fifoCount--;
            Array.Copy(fifo, 1, fifo, 0, fifoCount);
            UpdateFifoAlerts();
            return value;
        }

        /// <summary>One byte of the reflected CRC-16 0x8408 (ISO/IEC 14443-3 Annex B), as in CrcA.</summary>
        internal static ushort CrcUpdate(ushort crc, byte value)
        {
            int b = value ^ (crc & 0xFF);
            b = (b ^ (b << 4)) & 0xFF;
            return (ushort)(((crc >> 8) ^ (b << 8) ^ (b << 3) ^ (b >> 4)) & 0xFFFF);
        }

        private static byte Reverse8(byte b)
        {
            int r = 0;
            for (int i = 0; i < 8; i++)
            {
                r |= ((b >> i) & 1) << (7 - i);
            }

            return (byte)r;
        }

        private static ushort Reverse16(ushort v)
        {
            int r = 0;
            for (int i = 0; i < 16; i++)
            {
                r |= ((v >> i) & 1) << (15 - i);
            }

            return (ushort)r;
        }

        // ==== timer (§8.5) ================================================================================

        private double TimerTickNs()
        {
            int prescaler = ((regs[Register.TMode] & 0x0F) << 8) | regs[Register.TPrescaler];
            // §8.5: f_timer = 13.56 MHz / (2 * TPrescaler + 1); version 2.0 has DemodReg.TPrescalEven (bit 4) for 2 * TPrescaler + 2.
            int divider = 2 * prescaler + 1;
            if (Version == 0x92 && (regs[Register.Demod] & 0x10) != 0)
            {
                divider = 2 * prescaler + 2;
            }

            return divider * 1e9 / CarrierHz;
        }

        private void StartTimer(long at)
        {
            timerTickNs = TimerTickNs();
            timerReload = (regs[Register.TReloadHigh] << 8) | regs[Register.TReloadLow];
            timerRunning = true;
            timerStartAt = at;
            // §8.5: t = (2 * TPrescaler + 1) * (TReload + 1) / 13.56 MHz until TimerIRq.
            timerExpireAt = at + (long)Math.Round((timerReload + 1) * timerTickNs);
        }

        private void StopTimer()
        {
            if (!timerRunning)
            {
                return;
            }

            timerFrozen = TimerValue();
            timerRunning = false;
            timerExpireAt = Never;
        }

        private int TimerValue()
        {
            if (!timerRunning)
            {
                return timerFrozen;
            }

            if (this.now < timerStartAt)
            {
                return timerReload;
            }

            long ticks = (long)((this.now - timerStartAt) / timerTickNs);
            long value = timerReload - ticks;
            return value < 0 ? 0 : (int)value;
        }

        private void TimerExpired(long target)
        {
            comIrq |= TimerIrq;
            if ((regs[Register.TMode] & 0x10) != 0)
            {
                // TAutoRestart: reload and count again; skip whole periods up to the target in one step.
                long period = Math.Max(1, (long)Math.Round((timerReload + 1) * timerTickNs));
                long next = timerExpireAt + period;
                if (next <= target)
                {
                    next += ((target - next) / period + 1) * period;
                }

                timerStartAt = next - period;
                timerExpireAt = next;
            }
            else
            {
                timerRunning = false;
                timerFrozen = 0;
                timerExpireAt = Never;
            }
        }

        private bool TAuto => (regs[Register.TMode] & 0x80) != 0;
    }
}
