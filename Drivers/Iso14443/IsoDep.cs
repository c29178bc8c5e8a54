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

        // Counters as fields behind read-only properties: nanoCLR does not inline, an auto-property is a call per use.
        private int retransmissions;
        private int waitingTimeExtensions;
        private int chainedBlocks;

        /// <summary>Retransmissions (R(NAK), repeated R(ACK), re-sent I-blocks) since construction.</summary>
        public int Retransmissions => retransmissions;

        /// <summary>S(WTX) requests granted since construction.</summary>
        public int WaitingTimeExtensions => waitingTimeExtensions;

        /// <summary>Chained blocks sent and received since construction.</summary>
        public int ChainedBlocks => chainedBlocks;

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
            int medium = chip.Options.MediumTimeoutTicks;
            frameWaitTicks = ticks < medium ? medium : ticks > 255 ? 255 : (int)ticks;
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

            Mfrc522Chip c = chip;
            if (!c.hardwareCrc)
            {
                c.SetHardwareCrc(true);
            }

            byte[] block = frame;
            byte[] received = answer;
            ReaderResult result;
            if (length <= maxInformation)
            {
                // One I-block (every command of a tap): sent at once; a clean I-block answer (the usual case) needs
                // none of the recovery rules, anything else goes through them exactly as a re-sent block would.
                block[0] = (byte)(IBlock | blockNumber);
                Array.Copy(command, offset, block, 1, length); // native in nanoCLR: one call, not a loop per byte
                result = c.TransceiveFrame(block, 0, 1 + length, 0x00, frameWaitTicks, received, 0, received.Length);
                int count = c.responseLength;
                answerLength = count;
                if (result != ReaderResult.Ok || count < 1 || c.responseLastBits != 0 || (received[0] & 0xC0) != 0x00)
                {
                    result = Recover(block, 1 + length, true, result);
                    if (result != ReaderResult.Ok)
                    {
                        return result;
                    }
                }
            }
            else
            {
                result = SendChained(command, offset, length);
                if (result != ReaderResult.Ok)
                {
                    return result;
                }
            }

            // The usual answer: one I-block with our number, not chained, that fits.
            int information = answerLength - 1;
            if (received[0] == (byte)(IBlock | blockNumber) && information <= responseCapacity && information <= response.Length - responseOffset)
            {
                blockNumber ^= 1;
                Array.Copy(received, 1, response, responseOffset, information);
                responseLength = information;
                return ReaderResult.Ok;
            }

            return CollectAnswer(response, responseOffset, responseCapacity, out responseLength);
        }

        /// <summary>A command longer than one block: chained I-blocks, each acknowledged by R(ACK) (§7.5.2.1); the last
        /// block's answer is left in <see cref="answer"/>.</summary>
        private ReaderResult SendChained(byte[] command, int offset, int length)
        {
            byte[] block = frame;
            byte[] received = answer;
            int sent = 0;
            while (true)
            {
                int chunk = length - sent;
                bool more = chunk > maxInformation;
                if (more)
                {
                    chunk = maxInformation;
                    block[0] = (byte)(IBlock | ChainingBit | blockNumber);
                }
                else
                {
                    block[0] = (byte)(IBlock | blockNumber);
                }

                Array.Copy(command, offset + sent, block, 1, chunk);
                ReaderResult result = SendBlock(block, 1 + chunk, true);
                if (result != ReaderResult.Ok || !more)
                {
                    return result;
                }

                sent += chunk;

                // Reader chaining: the card acknowledges each block with R(ACK) carrying its number (§7.5.2.1).
                if ((received[0] & 0xF6) != RAck || (received[0] & 0x01) != blockNumber)
                {
                    return ReaderResult.Protocol;
                }

                chainedBlocks++;
                blockNumber ^= 1;
            }
        }

        /// <summary>The card's answer in <see cref="answer"/>, chained or not, into response (§7.5.2.2).</summary>
        private ReaderResult CollectAnswer(byte[] response, int responseOffset, int responseCapacity, out int responseLength)
        {
            byte[] received = answer;

            // Room for the answer: the caller's capacity, bounded by the array.
            int room = response.Length - responseOffset;
            if (responseCapacity < room)
            {
                room = responseCapacity;
            }

            int collected = 0;
            bool overflow = false;
            while (true)
            {
                byte pcb = received[0];
                if ((pcb & 0xEF) != (IBlock | blockNumber))
                {
                    // Not an I-block with our number, or with CID/NAD following (bits 0Ch): §7.1.1.1.
                    responseLength = collected;
                    return ReaderResult.Protocol;
                }

                blockNumber ^= 1;
                int information = answerLength - 1;
                if (information > room - collected)
                {
                    overflow = true;
                    information = room - collected < 0 ? 0 : room - collected;
                }

                Array.Copy(received, 1, response, responseOffset + collected, information);
                collected += information;

                if ((pcb & ChainingBit) == 0)
                {
                    responseLength = collected;
                    return overflow ? ReaderResult.BufferTooSmall : ReaderResult.Ok;
                }

                // Card chaining: R(ACK) with the reader's (toggled) number asks for the next block (§7.5.2.2).
                chainedBlocks++;
                ackFrame[0] = (byte)(RAck | blockNumber);
                ReaderResult result = SendBlock(ackFrame, 1, false);
                if (result != ReaderResult.Ok)
                {
                    responseLength = collected;
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
            ReaderResult result = chip.TransceiveFrame(block, 0, length, 0x00, frameWaitTicks, answer, 0, answer.Length);
            answerLength = chip.responseLength;
            return Recover(block, length, isIBlock, result);
        }

        /// <summary>
        /// The rules after a block was sent and <paramref name="result"/> came back (the answer in <see cref="answer"/>,
        /// its length in <see cref="answerLength"/>): Ok for an I-block or R(ACK); S(WTX) granted; lost or garbled blocks
        /// recovered (§7.5.4), at most <see cref="MaxRetries"/> attempts.
        /// </summary>
        private ReaderResult Recover(byte[] block, int length, bool isIBlock, ReaderResult result)
        {
            int retries = 0;
            int timeout;
            byte[] outgoing;
            int outgoingLength;
            byte[] received = answer;
            while (true)
            {
                int count = answerLength;
                if (result == ReaderResult.Ok && count >= 1 && chip.responseLastBits == 0)
                {
                    byte pcb = received[0];
                    if ((pcb & 0xC0) == 0x00)
                    {
                        // An I-block (the usual answer; Exchange checks its number).
                        return ReaderResult.Ok;
                    }

                    if ((pcb & 0xF7) == SWtx && count >= 2)
                    {
                        // The card needs more time: answer S(WTX) with the same WTXM (1..59), wait FWT × WTXM.
                        int wtxm = received[1] & 0x3F;
                        if (wtxm < 1 || wtxm > 59)
                        {
                            return ReaderResult.Protocol;
                        }

                        waitingTimeExtensions++;
                        wtxFrame[0] = SWtx;
                        wtxFrame[1] = (byte)wtxm;
                        long extended = (long)frameWaitTicks * wtxm;
                        timeout = extended > 255 ? 255 : (int)extended;
                        outgoing = wtxFrame;
                        outgoingLength = 2;
                    }
                    else if ((pcb & 0xE6) == RAck && (pcb & 0x10) == 0 && (pcb & 0x01) != blockNumber && isIBlock)
                    {
                        // Rule 6: R(ACK) with another number: the card never got our I-block; send it again.
                        if (++retries > MaxRetries)
                        {
                            return ReaderResult.Protocol;
                        }

                        retransmissions++;
                        timeout = frameWaitTicks;
                        outgoing = block;
                        outgoingLength = length;
                    }
                    else if ((pcb & 0xE6) == RAck)
                    {
                        return ReaderResult.Ok;
                    }
                    else
                    {
                        if (!Retry(ref retries, result, isIBlock, block, length, out outgoing, out outgoingLength, out timeout, out result))
                        {
                            return result;
                        }
                    }
                }
                else if (result == ReaderResult.ChipFault || result == ReaderResult.InvalidArgument)
                {
                    return result;
                }
                else if (!Retry(ref retries, result, isIBlock, block, length, out outgoing, out outgoingLength, out timeout, out result))
                {
                    return result;
                }

                result = chip.TransceiveFrame(outgoing, 0, outgoingLength, 0x00, timeout, received, 0, received.Length);
                answerLength = chip.responseLength;
            }
        }

        /// <summary>
        /// Lost or garbled (§7.5.4 rule 4/5): R(NAK) after an I-block, the same R(ACK) while receiving a chain. False
        /// (with the result to return) when the attempts are spent.
        /// </summary>
        private bool Retry(ref int retries, ReaderResult last, bool isIBlock, byte[] block, int length, out byte[] outgoing, out int outgoingLength, out int timeout, out ReaderResult final)
        {
            final = last;
            timeout = frameWaitTicks;
            if (++retries > MaxRetries)
            {
                final = last == ReaderResult.Ok ? ReaderResult.Protocol : last;
                outgoing = null;
                outgoingLength = 0;
                return false;
            }

            retransmissions++;
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

            return true;
        }
    }
}
