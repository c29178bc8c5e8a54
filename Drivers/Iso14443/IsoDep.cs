using System;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Iso14443
{
    /// <summary>
    /// The ISO/IEC 14443-4 half-duplex block transmission protocol (ISO-DEP, §7) over the MFRC522, for a card activated
    /// with RATS (<see cref="Iso14443TypeA.RequestAts"/>): one <see cref="Exchange"/> sends a command (an ISO 7816-4 APDU)
    /// and returns the card's complete answer.
    /// <list type="bullet">
    /// <item>I-blocks with the block number (§7.5.3: the reader's starts at 0 and toggles on each I-block or R(ACK) it
    /// receives with its own number); no CID, no NAD.</item>
    /// <item>Chaining both ways (§7.5.2): commands longer than FSC − 3 (FSC from the ATS, at most the 64-byte FIFO) go
    /// out in chained I-blocks, each acknowledged by R(ACK); chained answers are collected by sending R(ACK).</item>
    /// <item>S(WTX) (§7.3): the card asks for more time; the reader grants the same WTXM and waits FWT × WTXM.</item>
    /// <item>Error recovery (§7.5.4, rules 4–6): on a timeout or a garbled block the reader sends R(NAK) (R(ACK) while
    /// receiving a chain), and re-sends its last I-block when the card answers R(ACK) with another block number; at most
    /// <see cref="MaxRetries"/> attempts per block, then the exchange fails (the caller deselects the card).</item>
    /// <item>FSD 64 (RATS FSDI 5: what the FIFO holds). FWT from the ATS's FWI (§7.2: 256·16/fc·2^FWI), bounded by
    /// the chip timer's 12.75 ms: a card that needs longer asks with S(WTX), as DESFire does.</item>
    /// </list>
    /// No allocation after construction.
    /// </summary>
    public sealed class IsoDep
    {
        public const byte IBlock = 0x02;
        public const byte ChainingBit = 0x10;
        public const byte RAck = 0xA2;
        public const byte RNak = 0xB2;
        public const byte SWtx = 0xF2;

        /// <summary>Attempts per block after the first (ISO/IEC 14443-4 §7.5.4 leaves the count to the reader; 2 is usual).</summary>
        public int MaxRetries = 2;

        private readonly Mfrc522Chip chip;
        private readonly byte[] frame = new byte[Mfrc522Chip.FifoSize];
        private readonly byte[] answer = new byte[Mfrc522Chip.FifoSize + 2];
        private readonly byte[] ackFrame = new byte[1];
        private readonly byte[] nakFrame = new byte[1];
        private readonly byte[] wtxFrame = new byte[2];
        private int blockNumber;
        private int maxInformation = 29;
        private int frameWaitTicks = 100;
        private int answerLength;

        public IsoDep(Mfrc522Chip chip)
        {
            this.chip = chip;
        }

        /// <summary>Retransmissions (R(NAK), repeated R(ACK), re-sent I-blocks) since construction.</summary>
        public int Retransmissions { get; private set; }

        /// <summary>S(WTX) requests granted since construction.</summary>
        public int WaitingTimeExtensions { get; private set; }

        /// <summary>Chained blocks sent and received since construction.</summary>
        public int ChainedBlocks { get; private set; }

        /// <summary>Largest INF field the reader sends in one block (FSC − 3, at most 61).</summary>
        public int MaxInformation => maxInformation;

        /// <summary>Frame waiting time in 50 µs chip-timer ticks.</summary>
        public int FrameWaitTicks => frameWaitTicks;

        /// <summary>Starts the protocol after RATS: block number 0, frame size and waiting time from the ATS.</summary>
        public void Begin(AtsInfo ats)
        {
            blockNumber = 0;
            int fsc = ats.Valid ? ats.CardFrameSize : 32;
            if (fsc > Mfrc522Chip.FifoSize + 2)
            {
                // The PCB and INF go through the 64-byte FIFO; CRC_A is added by the chip.
                fsc = Mfrc522Chip.FifoSize + 2;
            }

            maxInformation = fsc - 3;

            // FWT = 256 × 16 / fc × 2^FWI = 302.06 µs × 2^FWI (§7.2); FWI 15 is RFU and means 4.
            int fwi = ats.Valid ? ats.Fwi : 4;
            if (fwi > 14)
            {
                fwi = 4;
            }

            long microseconds = (302L << fwi) + 1;
            long ticks = microseconds / Mfrc522Options.TimerTickMicroseconds + 2;
            frameWaitTicks = ticks < chip.Options.MediumTimeoutTicks ? chip.Options.MediumTimeoutTicks : ticks > 255 ? 255 : (int)ticks;
        }

        /// <summary>
        /// Sends command[offset..offset+length) and collects the whole answer into response[responseOffset..), its length
        /// in <paramref name="responseLength"/>. Ok, or Timeout/Crc/Protocol/ChipFault after the retries, or
        /// BufferTooSmall when the answer does not fit (the rest of the chain is still drained, so the protocol stays in step).
        /// </summary>
        public ReaderResult Exchange(byte[] command, int offset, int length, byte[] response, int responseOffset, int responseCapacity, out int responseLength)
        {
            responseLength = 0;
            if (length < 0 || offset < 0 || offset + length > command.Length)
            {
                return ReaderResult.InvalidArgument;
            }

            chip.SetHardwareCrc(true);
            int sent = 0;
            ReaderResult result;
            while (true)
            {
                int chunk = length - sent;
                if (chunk > maxInformation)
                {
                    chunk = maxInformation;
                }

                bool more = sent + chunk < length;
                frame[0] = (byte)(IBlock | blockNumber | (more ? ChainingBit : 0));
                Array.Copy(command, offset + sent, frame, 1, chunk); // native in nanoCLR: one call, not a loop per byte

                result = SendBlock(frame, 1 + chunk, true);
                if (result != ReaderResult.Ok)
                {
                    return result;
                }

                sent += chunk;
                if (!more)
                {
                    break;
                }

                // Reader chaining: the card acknowledges each block with R(ACK) carrying its number (§7.5.2.1).
                if ((answer[0] & 0xF6) != RAck || (answer[0] & 0x01) != blockNumber)
                {
                    return ReaderResult.Protocol;
                }

                ChainedBlocks++;
                blockNumber ^= 1;
            }

            bool overflow = false;
            while (true)
            {
                byte pcb = answer[0];
                if ((pcb & 0xE2) != IBlock || (pcb & 0x01) != blockNumber || (pcb & 0x0C) != 0)
                {
                    return ReaderResult.Protocol;
                }

                blockNumber ^= 1;
                int information = answerLength - 1;
                int room = responseCapacity - responseLength;
                if (response.Length - responseOffset - responseLength < room)
                {
                    room = response.Length - responseOffset - responseLength;
                }

                if (information > room)
                {
                    overflow = true;
                    information = room < 0 ? 0 : room;
                }

                Array.Copy(answer, 1, response, responseOffset + responseLength, information);
                responseLength += information;

                if ((pcb & ChainingBit) == 0)
                {
                    return overflow ? ReaderResult.BufferTooSmall : ReaderResult.Ok;
                }

                // Card chaining: R(ACK) with the reader's (toggled) number asks for the next block (§7.5.2.2).
                ChainedBlocks++;
                ackFrame[0] = (byte)(RAck | blockNumber);
                result = SendBlock(ackFrame, 1, false);
                if (result != ReaderResult.Ok)
                {
                    return result;
                }
            }
        }

        /// <summary>
        /// Sends one block and returns Ok with the card's answer (an I-block or R-block) in <see cref="answer"/>, after
        /// granting any S(WTX) and recovering from lost or garbled blocks (§7.5.4).
        /// </summary>
        private ReaderResult SendBlock(byte[] block, int length, bool isIBlock)
        {
            int retries = 0;
            int timeout = frameWaitTicks;
            byte[] outgoing = block;
            int outgoingLength = length;
            while (true)
            {
                ReaderResult result = chip.Transceive(outgoing, 0, outgoingLength, 0, 0, timeout, answer, 0, answer.Length);
                timeout = frameWaitTicks;
                answerLength = chip.ResponseLength;
                if (result == ReaderResult.ChipFault || result == ReaderResult.InvalidArgument)
                {
                    return result;
                }

                if (result == ReaderResult.Ok && answerLength >= 1 && chip.ResponseLastBits == 0)
                {
                    byte pcb = answer[0];
                    if ((pcb & 0xF7) == SWtx && answerLength >= 2)
                    {
                        // The card needs more time: answer S(WTX) with the same WTXM (1..59), wait FWT × WTXM.
                        int wtxm = answer[1] & 0x3F;
                        if (wtxm < 1 || wtxm > 59)
                        {
                            return ReaderResult.Protocol;
                        }

                        WaitingTimeExtensions++;
                        wtxFrame[0] = SWtx;
                        wtxFrame[1] = (byte)wtxm;
                        long extended = (long)frameWaitTicks * wtxm;
                        timeout = extended > 255 ? 255 : (int)extended;
                        outgoing = wtxFrame;
                        outgoingLength = 2;
                        continue;
                    }

                    if ((pcb & 0xE6) == RAck && (pcb & 0x10) == 0 && (pcb & 0x01) != blockNumber && isIBlock)
                    {
                        // Rule 6: R(ACK) with another number: the card never got our I-block; send it again.
                        if (++retries > MaxRetries)
                        {
                            return ReaderResult.Protocol;
                        }

                        Retransmissions++;
                        outgoing = block;
                        outgoingLength = length;
                        continue;
                    }

                    if ((pcb & 0xC0) == 0x00 || (pcb & 0xE6) == RAck)
                    {
                        return ReaderResult.Ok;
                    }
                }

                // Lost or garbled (§7.5.4 rule 4/5): R(NAK) after an I-block, the same R(ACK) while receiving a chain.
                if (++retries > MaxRetries)
                {
                    return result == ReaderResult.Ok ? ReaderResult.Protocol : result;
                }

                Retransmissions++;
                if (isIBlock)
                {
                    nakFrame[0] = (byte)(RNak | blockNumber);
                    outgoing = nakFrame;
                    outgoingLength = 1;
                }
                else
                {
                    outgoing = block;
                    outgoingLength = length;
                }
            }
        }
    }
}
