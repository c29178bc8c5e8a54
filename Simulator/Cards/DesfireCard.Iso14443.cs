using System;
using System.Collections.Generic;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>The card's ISO/IEC 14443-4 block protocol (§7): block numbers, chaining both ways, R(ACK/NAK), S(WTX), S(DESELECT).</summary>
    public sealed partial class DesfireCard
    {

        private int blockNumber = 1;            // PICC block number, initialised to 1 (§7.5.3.2 rule C)
        private readonly List<byte> incoming = new List<byte>();
        private byte[] outgoing;                // response INF not yet sent (PICC chaining)
        private int outgoingSent;
        private int wtxLeft;
        private byte[] pendingAnswer;           // answer held back behind an S(WTX)

        /// <summary>Card frame size FSC from the ATS (FSCI 5 = 64 bytes).</summary>
        public int CardFrameSize => 64;

        /// <summary>Reader frame size FSD announced in RATS (FSDI of the parameter byte).</summary>
        public int ReaderFrameSize { get; private set; } = 256;

        /// <summary>S(WTX) requests sent before each of the next answers (the card asks for more time, §7.3).</summary>
        public int WaitingTimeExtensionsPerAnswer { get; set; }

        /// <summary>S(WTX) requests sent so far.</summary>
        public int WaitingTimeExtensionsSent { get; private set; }

        /// <summary>I-blocks the card received with the chaining bit (reader chaining) and sent with it (card chaining).</summary>
        public int ChainedBlocksReceived { get; private set; }
        public int ChainedBlocksSent { get; private set; }

        private CardAnswer ReceiveBlock(ReaderFrame frame)
        {
            byte pcb = frame.Data[0];
            int index = 1;
            bool hasCid = (pcb & 0x08) != 0;
            if (hasCid)
            {
                if (frame.PayloadLength < 2 || (frame.Data[1] & 0x0F) != this.cid)
                {
                    return null; // another card's CID
                }

                index++;
            }

            if ((pcb & 0xE2) == 0x02)
            {
                // I-block (§7.1.1.1): 0b000_C_CID_NAD_1_BN. Rule D: toggle the block number on a received I-block.
                if ((pcb & 0x04) != 0)
                {
                    index++;
                }

                this.blockNumber = pcb & 0x01;
                for (int i = index; i < frame.PayloadLength; i++)
                {
                    this.incoming.Add(frame.Data[i]);
                }

                if ((pcb & 0x10) != 0)
                {
                    // Reader chaining (§7.5.2.1): acknowledge with R(ACK) carrying the block's number.
                    ChainedBlocksReceived++;
                    return Remember(new[] { (byte)(0xA2 | this.blockNumber) });
                }

                byte[] inf = this.incoming.ToArray();
                this.incoming.Clear();
                this.outgoing = Process(inf);
                if (TearsNow())
                {
                    this.outgoing = null;
                    return null; // pulled away after the command took effect: the answer is lost
                }
                this.outgoingSent = 0;
                return NextResponseBlock(true);
            }

            if ((pcb & 0xE6) == 0xA2)
            {
                // R-blocks (§7.5.4.3, PICC rules 11–13).
                bool nak = (pcb & 0x10) != 0;
                int number = pcb & 0x01;
                if (number == this.blockNumber)
                {
                    // Rule 11: R(ACK) or R(NAK) with the current number: the last block was lost, send it again.
                    return this.lastBlock == null ? null : CardAnswer.WithCrc(this.lastBlock);
                }

                if (nak)
                {
                    // Rule 12: R(NAK) with another number: the reader's I-block never arrived; R(ACK) with ours.
                    return CardAnswer.WithCrc((byte)(0xA2 | this.blockNumber));
                }

                if (this.outgoing != null && this.outgoingSent < this.outgoing.Length)
                {
                    // Rule 13: R(ACK) with another number while chaining: toggle, send the next part.
                    this.blockNumber = number;
                    return NextResponseBlock(false);
                }

                return null;
            }

            if ((pcb & 0xF7) == 0xF2 && frame.PayloadLength >= 2)
            {
                // S(WTX) response: the reader granted the time; now the held answer follows (or another WTX).
                if (this.pendingAnswer == null)
                {
                    return null;
                }

                return SendOrExtend();
            }

            if ((pcb & 0xF7) == 0xC2)
            {
                // S(DESELECT) (§8): answered with the same S-block, then HALT.
                var answer = hasCid ? new[] { pcb, (byte)this.cid } : new[] { pcb };
                EnterHalt();
                return CardAnswer.WithCrc(answer);
            }

            return null;
        }

        private CardAnswer NextResponseBlock(bool first)
        {
            int maxInf = Math.Min(ReaderFrameSize, 256) - 3;
            int chunk = Math.Min(maxInf, this.outgoing.Length - this.outgoingSent);
            bool more = this.outgoingSent + chunk < this.outgoing.Length;
            var block = new byte[1 + chunk];
            block[0] = (byte)(0x02 | this.blockNumber | (more ? 0x10 : 0x00));
            Array.Copy(this.outgoing, this.outgoingSent, block, 1, chunk);
            this.outgoingSent += chunk;
            if (more)
            {
                ChainedBlocksSent++;
            }

            if (!more)
            {
                this.outgoing = null;
            }

            this.pendingAnswer = block;
            this.wtxLeft = first ? WaitingTimeExtensionsPerAnswer : 0;
            return SendOrExtend();
        }

        private CardAnswer SendOrExtend()
        {
            if (this.wtxLeft > 0)
            {
                this.wtxLeft--;
                WaitingTimeExtensionsSent++;
                return CardAnswer.WithCrc(0xF2, 0x01); // S(WTX), WTXM 1 (§7.3): not stored as the "last block"
            }

            byte[] block = this.pendingAnswer;
            this.pendingAnswer = null;
            return Remember(block);
        }

        private CardAnswer Remember(byte[] block)
        {
            this.lastBlock = block;
            return CardAnswer.WithCrc(block);
        }
    }
}
