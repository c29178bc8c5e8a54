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

        // ==== transmission (§10.3.1.5, §10.3.1.8) =========================================================

        /// <summary>TxModeReg.TxSpeed (§9.3.2.3): 0 = 106, 1 = 212, 2 = 424, 3 = 848 kBd (the chip's values 100b-111b are RFU).</summary>
        private int ReaderTxRate => (regs[Register.TxMode] >> 4) & 0x03;

        /// <summary>RxModeReg.RxSpeed (§9.3.2.4), same coding.</summary>
        private int ReaderRxRate => (regs[Register.RxMode] >> 4) & 0x03;

        private void StartTransmission()
        {
            ClearReceiveErrors();
            int count = fifoCount;
            byte[] data = DrainFifo();
            int txLastBits = regs[Register.BitFraming] & 0x07;
            int bits = count == 0 ? 0 : (count - 1) * 8 + (txLastBits == 0 ? 8 : txLastBits);
            if ((regs[Register.TxMode] & 0x80) != 0 && count > 0)
            {
                // TxCRCEn (§9.3.2.3): the chip appends CRC_A after the data. Choice: also after a partial last byte
                // (the CRC is computed over the FIFO bytes and its 16 bits follow the last valid bit), so a REQA or
                // an anticollision frame sent with TxCRCEn on is garbage to the cards, as the standard frames have
                // no CRC.
                ushort crc = CrcA.Compute(data, 0, count);
                var withCrc = new byte[count + 3];
                Array.Copy(data, withCrc, count);
                for (int i = 0; i < 16; i++)
                {
                    int position = bits + i;
                    if (((crc >> i) & 1) != 0)
                    {
                        withCrc[position / 8] |= (byte)(1 << (position % 8));
                    }
                    else
                    {
                        withCrc[position / 8] &= (byte)~(1 << (position % 8));
                    }
                }

                data = withCrc;
                bits += 16;
            }

            rxAlign = (regs[Register.BitFraming] >> 4) & 0x07;
            txFrame = new ReaderFrame(data, bits);
            txStartAt = Math.Max(this.now, lastRxEndAt + CostModel.ReaderGuardNs);
            long duration = bits == 0 ? 0 : CostModel.RfFrameNs(bits + txFrame.ParityBits, ReaderTxRate);
            txEndAt = txStartAt + duration;
            if (bits > 0)
            {
                Costs.RfFramesSent++;
                Costs.RfAirNs += duration;
            }
        }

        /// <summary>Whether a card decodes the chip's frames: both must agree on the Crypto1 state.</summary>
        private bool Understands(VirtualCard card)
        {
            // Bit rates (TxModeReg/RxModeReg speed bits, §9.3.2.3/4): a card hears only frames at the rate it listens
            // at (its DR), and the chip decodes only answers at its RxSpeed (the card's DS); otherwise nothing useful
            // passes, modeled as silence.
            if (card.ReaderToCardRate != ReaderTxRate || card.CardToReaderRate != ReaderRxRate)
            {
                return false;
            }

            if (Crypto1On)
            {
                return card.CryptoSession && ReferenceEquals(card, cryptoCard);
            }

            return !card.CryptoSession;
        }

        private void TransmissionEnded()
        {
            long txEnd = txEndAt;
            ReaderFrame frame = txFrame;
            txEndAt = Never;
            txStartAt = Never;
            txFrame = null;
            transmitted = true;
            comIrq |= TxIrq;
            if (TAuto)
            {
                StartTimer(txEnd); // §9.3.3.10 TAuto: the timer starts at the end of the transmission
            }

            var answers = new List<KeyValuePair<VirtualCard, CardAnswer>>();
            if (frame != null && frame.BitCount > 0 && !Faults.BeforeFrame(Field))
            {
                answers = Field.Transmit(frame, Understands);
            }

            List<bool[]> air = Faults.ToAir(answers);
            if (TraceRf && frame != null && frame.BitCount > 0)
            {
                Trace("PCD→ " + frame + (Crypto1On ? " [Crypto1]" : ""));
                foreach (var answer in answers)
                {
                    Trace("  PICC " + answer.Key.UidHex + " → " + answer.Value);
                }
            }

            long rxStart = txEnd + CostModel.FrameDelayNs;
            if (this.command == Command.Transmit)
            {
                Terminate();
                airAfterTransmit = air.Count > 0 ? air : null;
                airAfterTransmitStart = rxStart;
                return;
            }

            if (air.Count > 0 && (regs[Register.Command] & 0x20) == 0)
            {
                ScheduleReception(air, rxStart);
            }
        }

        private void ScheduleReception(List<bool[]> air, long rxStart)
        {
            int longest = 0;
            foreach (var stream in air)
            {
                longest = Math.Max(longest, stream.Length);
            }

            rxAir = air;
            rxStartAt = rxStart;
            rxEndAt = rxStart + CostModel.RfFrameNs(longest, ReaderRxRate);
            if (TAuto && (regs[Register.RxMode] & 0x04) == 0)
            {
                // §9.3.3.10: with TAuto the timer stops after the 5th received bit (start bit + 4 data bits)
                // unless RxMultiple is set.
                timerStopAt = rxStart + 5 * CostModel.RfBitNsAt(ReaderRxRate);
            }
        }

        // ==== reception ===================================================================================

        private void ReceptionEnded()
        {
            long rxEnd = rxEndAt;
            List<bool[]> air = rxAir;
            rxAir = null;
            rxStartAt = rxEndAt = Never;
            lastRxEndAt = rxEnd;
            Costs.RfFramesReceived++;
            int longest = 0;
            foreach (var stream in air)
            {
                longest = Math.Max(longest, stream.Length);
            }

            Costs.RfAirNs += CostModel.RfFrameNs(longest, ReaderRxRate);

            Decode(air, longest);
            if (TraceRf)
            {
                Trace("  PCD received " + fifoCount + " FIFO bytes, ErrorReg " + this.error.ToString("X2") + ", CollReg " + coll.ToString("X2") + ", RxLastBits " + rxLastBits);
            }

            comIrq |= RxIrq;
            if (this.command == Command.Receive)
            {
                Terminate();
            }
            else if (this.command == Command.Transceive)
            {
                waitingStartSend = true;
                transmitted = false;
            }
        }

        /// <summary>
        /// The receiver: superposes the card streams (Manchester at 106 kbit/s: a bit where cards differ carries
        /// both half-bit patterns and is detected as a collision, ISO/IEC 14443-2 §8.2.5 / 14443-3 §6.4.2),
        /// removes parity bits and stores data bits into the FIFO from bit RxAlign of the first byte (§9.3.1.14).
        /// </summary>
        private void Decode(List<bool[]> air, int length)
        {
            bool valuesAfterCollision = (coll & 0x80) != 0;
            int align = rxAlign;
            int bitPosition = align;
            int current = 0;
            int bytesStored = 0;
            bool firstByte = true;
            bool collisionSeen = false;
            int collisionPosition = -1;
            bool parityError = false;
            var bytes = new List<byte>(8);

            int i = 0;
            while (i < length)
            {
                Superpose(air, i, out bool value, out bool collided);
                if (collided && !collisionSeen)
                {
                    collisionSeen = true;
                    // Choice: CollPos numbers data bits as stored in the FIFO, 1-based, counting the RxAlign offset
                    // (with RxAlign = n the first received bit is position n + 1).
                    collisionPosition = bytesStored * 8 + bitPosition + 1;
                }

                if (collisionSeen && !valuesAfterCollision)
                {
                    // ValuesAfterColl = 0 (§9.3.1.15): the colliding bit and every bit after it read as 0.
                    value = false;
                }

                if (value)
                {
                    current |= 1 << bitPosition;
                }

                bitPosition++;
                i++;
                if (bitPosition == 8)
                {
                    if (i < length)
                    {
                        Superpose(air, i, out bool parity, out _);
                        i++;
                        // Choice: no parity check for the split first byte (its low bits were sent by the reader)
                        // nor after a collision (a real reader's anticollision must go on after one).
                        if (!collisionSeen && !(firstByte && align != 0) && parity != CardAnswer.OddParity((byte)current))
                        {
                            parityError = true;
                        }
                    }

                    bytes.Add((byte)current);
                    bytesStored++;
                    current = 0;
                    bitPosition = 0;
                    firstByte = false;
                }
            }

            if (bitPosition > 0 && !(firstByte && bitPosition == align))
            {
                bytes.Add((byte)current);
                rxLastBits = (byte)bitPosition;
            }
            else
            {
                rxLastBits = 0;
            }

            if ((regs[Register.RxMode] & 0x80) != 0)
            {
                // RxCRCEn (§9.3.2.4): the last two bytes are checked as CRC_A and, when correct, not stored.
                // Choice: a frame too short to hold a CRC (fewer than 3 bytes, or ending in a partial byte such as
                // a 4-bit ACK) sets CRCErr and is stored as received; a wrong CRC is stored with its CRC bytes.
                var frame = bytes.ToArray();
                if (rxLastBits != 0 || frame.Length < 3 || !CrcA.Check(frame, 0, frame.Length))
                {
                    SetError(CrcErr);
                }
                else
                {
                    bytes.RemoveRange(bytes.Count - 2, 2);
                }
            }

            if (parityError)
            {
                SetError(ParityErr);
            }

            if (collisionSeen)
            {
                SetError(CollErr);
                if (collisionPosition >= 1 && collisionPosition <= 32)
                {
                    coll = (byte)((coll & 0x80) | (collisionPosition & 0x1F)); // 00h = bit 32
                }
                else
                {
                    coll = (byte)((coll & 0x80) | 0x20);
                }
            }

            foreach (byte b in bytes)
            {
                PushFifo(b);
            }
        }

        private static void Superpose(List<bool[]> air, int index, out bool value, out bool collided)
        {
            bool any1 = false, any0 = false;
            foreach (var stream in air)
            {
                if (index >= stream.Length)
                {
                    continue;
                }

                if (stream[index])
                {
                    any1 = true;
                }
                else
                {
                    any0 = true;
                }
            }

            collided = any1 && any0;
            value = any1; // Choice: with ValuesAfterColl = 1 a collided bit reads as the wired-OR (1).
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
