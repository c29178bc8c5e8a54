using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator.Cards;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator
{
    public sealed partial class Mfrc522Simulator
    {
        // ==== commands (§10.3) ============================================================================

        private void StartCommand(int command)
        {
            Costs.CommandsStarted[command]++;
            // Any command write cancels the running command (§10.3: "a command can be stopped by writing a new one").
            bool wasSelfTest = selfTestRunning;
            CancelActivity();
            selfTestRunning = false;
            this.command = command;
            switch (command)
            {
                case Command.Idle:
                    // The host starting Idle does not set IdleIRq (§9.3.1.5).
                    break;

                case Command.Mem:
                    // §10.3.1.2: 25 bytes FIFO → internal buffer; with an empty FIFO, internal buffer → FIFO.
                    // Choice: a FIFO holding fewer than 25 bytes overwrites only the first bytes of the buffer.
                    if (fifoCount == 0)
                    {
                        for (int i = 0; i < 25; i++)
                        {
                            PushFifo(internalBuffer[i]);
                        }
                    }
                    else
                    {
                        int n = Math.Min(25, fifoCount);
                        for (int i = 0; i < n; i++)
                        {
                            internalBuffer[i] = PopFifoForCoprocessor();
                        }
                    }

                    Terminate();
                    break;

                case Command.GenerateRandomId:
                    // §10.3.1.3: 10 random bytes into the internal buffer. Choice: bytes 0..9, from the fault seed's RNG.
                    for (int i = 0; i < 10; i++)
                    {
                        internalBuffer[i] = (byte)Rng.Next(256);
                    }

                    Terminate();
                    break;

                case Command.CalcCrc:
                    if ((regs[Register.AutoTest] & 0x0F) == 0x09)
                    {
                        StartSelfTest();
                    }
                    else
                    {
                        ushort preset = CrcPreset();
                        this.crc = (regs[Register.Mode] & 0x80) != 0 ? Reverse16(preset) : preset;
                        ConsumeFifoIntoCrc();
                    }

                    break;

                case Command.Transmit:
                    StartTransmission();
                    break;

                case Command.Receive:
                    ClearReceiveErrors();
                    if (airAfterTransmit != null && airAfterTransmitStart >= this.now && (regs[Register.Command] & 0x20) == 0)
                    {
                        // An answer to an earlier Transmit is still to come: the receiver catches it.
                        ScheduleReception(airAfterTransmit, airAfterTransmitStart);
                    }

                    airAfterTransmit = null;
                    break;

                case Command.Transceive:
                    waitingStartSend = true;
                    break;

                case Command.MfAuthent:
                    StartAuthentication();
                    break;

                case Command.SoftReset:
                    ResetRegisters(clearInternalBuffer: false);
                    softResetDoneAt = this.now + CostModel.SoftResetNs;
                    break;

                default:
                    // §9.3.1.5: an unknown command → Idle and IdleIRq set.
                    Terminate();
                    break;
            }
        }

        /// <summary>A command ended by itself: IdleIRq, back to Idle.</summary>
        private void Terminate()
        {
            this.command = Command.Idle;
            comIrq |= IdleIrq;
            waitingStartSend = false;
        }

        private void ClearReceiveErrors()
        {
            // §9.3.1.7: ProtocolErr, ParityErr, CRCErr and CollErr are cleared at the receiver start-up phase.
            // Choice: WrErr is cleared at the same point.
            this.error &= unchecked((byte)~(ProtocolErr | ParityErr | CrcErr | CollErr | WrErr));
            coll = (byte)((coll & 0x80) | 0x20); // CollPosNotValid until a collision is seen
        }

        // ==== self-test (§16.1.1) =========================================================================

        private void StartSelfTest()
        {
            // §16.1.1 procedure: soft reset, 25 zero bytes into the internal buffer (Mem), AutoTestReg = 09h,
            // 00h into the FIFO, CalcCRC. The result depends on the procedure being followed: Choice: if the internal
            // buffer is not all zero or the FIFO does not hold exactly one 00h, the result is a different
            // (deterministic) 64-byte pattern, so a driver that skips a step sees a mismatch.
            bool procedureFollowed = fifoCount == 1 && fifo[0] == 0x00;
            for (int i = 0; i < 25; i++)
            {
                procedureFollowed &= internalBuffer[i] == 0;
            }

            fifoCount = 0;
            selfTestRunning = true;
            byte[] reference = SelfTestReference.For(Version) ?? new byte[64];
            var result = (byte[])reference.Clone();
            if (!procedureFollowed)
            {
                for (int i = 0; i < 64; i++)
                {
                    result[i] ^= (byte)(0x5A + i + internalBuffer[i % 25]);
                }
            }

            ScheduleCommandDone(CostModel.SelfTestNs, () =>
            {
                for (int i = 0; i < 64; i++)
                {
                    PushFifo(result[i]);
                }

                divIrq |= CrcIrq;
                // CalcCRC does not terminate by itself: the host writes Idle (and AutoTestReg = 00h) afterwards.
            });
        }

        private void ScheduleCommandDone(long delayNs, Action action)
        {
            commandDoneAt = this.now + delayNs;
            commandDone = action;
        }

        // ==== MFAuthent (§10.3.1.9) =======================================================================

        private void StartAuthentication()
        {
            this.error &= unchecked((byte)~(ProtocolErr | ParityErr | CrcErr | CollErr | WrErr));
            if (fifoCount < 12)
            {
                // §9.3.1.7 ProtocolErr: wrong number of bytes for MFAuthent. Choice: the command then terminates.
                SetError(ProtocolErr);
                DrainFifo();
                Terminate();
                return;
            }

            // Choice: the first 12 bytes are used (command, block, 6-byte key, 4 UID bytes); extra bytes are dropped.
            byte[] p = DrainFifo();
            byte keyCommand = p[0], block = p[1];
            var key = new byte[6];
            Array.Copy(p, 2, key, 0, 6);
            var uid4 = new byte[4];
            Array.Copy(p, 8, uid4, 0, 4);

            // Pass 1: AUTH command (2 bytes + CRC) to the card, plain or ciphered depending on MFCrypto1On.
            var request = new byte[4];
            request[0] = keyCommand;
            request[1] = block;
            CrcA.Append(request, 0, 2);
            var frame = new ReaderFrame(request, 32);
            long start = Math.Max(this.now, lastRxEndAt + CostModel.ReaderGuardNs);
            long requestEnd = start + CostModel.RfFrameNs(36);
            Costs.RfFramesSent++;
            Costs.RfAirNs += CostModel.RfFrameNs(36);

            ClassicCard authenticated = null;
            bool cardAnswered = false;
            if (Field.Powered && !Faults.BeforeFrame(Field))
            {
                foreach (var card in new List<VirtualCard>(Field.Cards))
                {
                    bool understood = Understands(card);
                    if (understood && card.State == CardState.Active && card is ClassicCard classic && authenticated == null && !cardAnswered)
                    {
                        cardAnswered = true; // the card answers its nonce (pass 2)
                        if (classic.Authenticate(keyCommand, block, key, uid4))
                        {
                            authenticated = classic;
                        }
                    }
                    else
                    {
                        card.ReceiveForAuthentication(frame, understood);
                    }
                }
            }

            if (authenticated != null)
            {
                // Three passes (≈ 2 ms, cost-model.md): then MFCrypto1On is set and the command terminates.
                Costs.RfFramesSent++;
                Costs.RfFramesReceived += 2;
                ScheduleCommandDone(Math.Max(0, start - this.now) + CostModel.ClassicAuthNs, () =>
                {
                    if (!Field.Powered || !Field.Contains(authenticated) || !authenticated.CryptoSession)
                    {
                        // The card left (or lost power) during the three passes: no answer to the reader's token,
                        // the command never ends and the TAuto timer fires.
                        if (TAuto)
                        {
                            StartTimer(this.now);
                        }

                        return;
                    }

                    regs[Register.Status2] |= MfCrypto1On;
                    cryptoCard = authenticated;
                    lastRxEndAt = this.now;
                    Terminate();
                });
                return;
            }

            // No card, or a wrong key/UID: the card keeps silent (after its nonce when it answered). The command
            // never terminates by itself; with TAuto the timer, started at the end of the last reader frame, fires.
            long lastReaderFrameEnd = requestEnd;
            if (cardAnswered)
            {
                Costs.RfFramesReceived++;
                Costs.RfFramesSent++;
                long nonceEnd = requestEnd + CostModel.FrameDelayNs + CostModel.RfFrameNs(36);
                lastReaderFrameEnd = nonceEnd + CostModel.ReaderGuardNs + CostModel.RfFrameNs(72);
                lastRxEndAt = nonceEnd;
            }

            if (TAuto)
            {
                StartTimer(lastReaderFrameEnd);
            }
        }

        // ==== the model clock ============================================================================

        private void AdvanceTo(long target)
        {
            while (true)
            {
                long next = Never;
                int kind = 0;
                if (txEndAt < next) { next = txEndAt; kind = 1; }
                if (timerStopAt < next) { next = timerStopAt; kind = 2; }
                if (timerRunning && timerExpireAt < next) { next = timerExpireAt; kind = 3; }
                if (rxEndAt < next) { next = rxEndAt; kind = 4; }
                if (commandDoneAt < next) { next = commandDoneAt; kind = 5; }
                if (next > target)
                {
                    break;
                }

                if (next > this.now)
                {
                    this.now = next;
                }

                switch (kind)
                {
                    case 1:
                        TransmissionEnded();
                        break;
                    case 2:
                        timerStopAt = Never;
                        StopTimer();
                        break;
                    case 3:
                        TimerExpired(target);
                        break;
                    case 4:
                        ReceptionEnded();
                        break;
                    case 5:
                        commandDoneAt = Never;
                        var done = commandDone;
                        commandDone = null;
                        selfTestRunning = false;
                        done?.Invoke();
                        break;
                }
            }

            if (target > this.now)
            {
                this.now = target;
            }
        }

        private Random Rng => Faults.Random;

        private void Trace(string line) =>
            RfTrace.Add("t=" + (this.now / 1e6).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) + "ms " + line);

        /// <summary>
        /// Overheating (§9.3.1.7 TempErr): the chip switches the antenna drivers off itself. Choice: TempErr stays
        /// set until a reset; the antenna can be switched on again by the host.
        /// </summary>
        internal void Overheat()
        {
            SetError(TempErr);
            regs[Register.TxControl] &= 0xFC;
            UpdateFieldPower();
        }
    }
}
