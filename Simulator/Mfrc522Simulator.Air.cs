using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator.Cards;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator
{
    // Mfrc522Simulator, part: the air interface: transmission to the virtual cards, their answers superposed,
    // reception and decoding.
    public sealed partial class Mfrc522Simulator
    {
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
    }
}
