using System;
using System.Collections.Generic;
using LeoCarte.Simulator.Cards;
using LeoCarte.Simulator.Rf;

namespace LeoCarte.Simulator
{
    /// <summary>An RF fault aimed at one frame (<see cref="FaultInjector.FaultOnFrame"/>).</summary>
    public enum RfFault
    {
        /// <summary>The answer's last byte is corrupted (CRC_A or BCC wrong); answers shorter than 3 bytes are left intact.</summary>
        CrcError,

        /// <summary>One data bit of the answer is flipped (parity error).</summary>
        BitError,

        /// <summary>A phantom answer differing in one bit collides with the real one.</summary>
        Collision,

        /// <summary>The reader's frame reaches no card.</summary>
        Silence,
    }

    /// <summary>
    /// Deterministic fault injection (seeded): RF faults on the next frames or at random rates per frame, and
    /// chip faults now or after a number of SPI transfers. Every injected fault is logged in <see cref="Log"/>.
    /// </summary>
    public sealed class FaultInjector
    {
        private readonly Mfrc522Simulator chip;
        private Random random;
        private int crcErrors, bitErrors, collisions, silences;
        private readonly List<KeyValuePair<VirtualCard, int>> removals = new List<KeyValuePair<VirtualCard, int>>();
        private long stallAtTransfer = -1, brownOutAtTransfer = -1, antennaDropAtTransfer = -1;
        private byte pendingStallValue;
        private readonly List<KeyValuePair<long, RfFault>> frameFaults = new List<KeyValuePair<long, RfFault>>();
        private bool thisFrameCrc, thisFrameBit, thisFrameCollision;

        internal FaultInjector(Mfrc522Simulator chip, int seed)
        {
            this.chip = chip;
            Reseed(seed);
        }

        /// <summary>The seed in use; the same seed and the same driver calls give the same faults.</summary>
        public int Seed { get; private set; }

        /// <summary>Per-frame probability that a card answer has a corrupted CRC/BCC byte (0..1).</summary>
        public double CrcErrorRate { get; set; }
        /// <summary>Per-frame probability that one bit of a card answer is flipped (parity error).</summary>
        public double BitErrorRate { get; set; }
        /// <summary>Per-frame probability that a phantom second answer collides with the real one.</summary>
        public double CollisionRate { get; set; }
        /// <summary>Per-frame probability that the reader's frame reaches no card (silence).</summary>
        public double SilenceRate { get; set; }

        /// <summary>True while the chip ignores SPI (reads return <see cref="StallReadValue"/>) until a hard reset.</summary>
        public bool ChipStalled { get; private set; }

        /// <summary>What MISO reads as while stalled (0x00 or 0xFF: a dead chip or a floating line).</summary>
        public byte StallReadValue { get; private set; }

        /// <summary>Human-readable record of injected faults, in order.</summary>
        public List<string> Log { get; } = new List<string>();

        internal Random Random => this.random;

        public void Reseed(int seed)
        {
            Seed = seed;
            this.random = new Random(seed);
        }

        /// <summary>Stops every scheduled and random fault (a stall stays until a hard reset or <see cref="ClearStall"/>).</summary>
        public void ClearAll()
        {
            crcErrors = bitErrors = collisions = silences = 0;
            CrcErrorRate = BitErrorRate = CollisionRate = SilenceRate = 0;
            this.removals.Clear();
            stallAtTransfer = brownOutAtTransfer = antennaDropAtTransfer = -1;
            frameFaults.Clear();
        }

        // ---- RF faults ------------------------------------------------------------------------------------

        /// <summary>The next <paramref name="count"/> card answers of 3 bytes or more get a wrong last byte (CRC_A or BCC).</summary>
        public void CorruptCrcOfNextAnswers(int count = 1) => crcErrors += count;

        /// <summary>The next <paramref name="count"/> card answers get one flipped data bit (parity error; a nibble just changes).</summary>
        public void BitErrorInNextAnswers(int count = 1) => bitErrors += count;

        /// <summary>The next <paramref name="count"/> card answers collide with a phantom answer differing in one bit.</summary>
        public void CollisionInNextAnswers(int count = 1) => collisions += count;

        /// <summary>The next <paramref name="count"/> reader frames reach no card (cards keep their state).</summary>
        public void SilenceNextFrames(int count = 1) => silences += count;

        /// <summary>
        /// One fault on the reader frame numbered <paramref name="frameNumber"/> in <see cref="CostCounters.RfFramesSent"/>
        /// (the next frame sent is <c>sim.Costs.RfFramesSent + 1</c>). Answer faults apply to that frame's answer only
        /// and are dropped if no card answers it, so a test can aim noise at each frame of an exchange in turn.
        /// </summary>
        public void FaultOnFrame(long frameNumber, RfFault fault) => frameFaults.Add(new KeyValuePair<long, RfFault>(frameNumber, fault));

        /// <summary>The IRQ line never shows an interrupt (broken wire, missing pull-up, dead GPIO): drivers must poll.</summary>
        public bool IrqLineDead { get; set; }

        /// <summary>The card leaves the field after it has received <paramref name="frames"/> more frames (0 = before the next).</summary>
        public void RemoveCardAfterFrames(VirtualCard card, int frames) => this.removals.Add(new KeyValuePair<VirtualCard, int>(card, frames));

        // ---- chip faults ----------------------------------------------------------------------------------

        /// <summary>The chip stops answering SPI now: reads return <paramref name="readValue"/>, writes are lost, until a hard reset.</summary>
        public void StallChip(byte readValue = 0x00)
        {
            ChipStalled = true;
            StallReadValue = readValue;
            Log.Add("chip stall (reads 0x" + readValue.ToString("X2") + ")");
        }

        /// <summary>Stall after <paramref name="transfers"/> more SPI transfers.</summary>
        public void StallChipAfterTransfers(long transfers, byte readValue = 0x00)
        {
            stallAtTransfer = this.chip.Costs.Transfers + transfers;
            pendingStallValue = readValue;
        }

        public void ClearStall() => ChipStalled = false;

        /// <summary>Brown-out now: every register back to its reset value (antenna off, Crypto1 off), FIFO empty.</summary>
        public void BrownOut()
        {
            Log.Add("brown-out reset");
            this.chip.PowerOnReset();
        }

        public void BrownOutAfterTransfers(long transfers) => brownOutAtTransfer = this.chip.Costs.Transfers + transfers;

        /// <summary>Antenna drivers switched off now (TxControlReg Tx1RFEn/Tx2RFEn cleared); cards lose power.</summary>
        public void DropAntenna()
        {
            Log.Add("antenna dropped");
            this.chip.ClearAntennaBits();
        }

        /// <summary>Overtemperature now: ErrorReg.TempErr set and the antenna drivers switched off by the chip.</summary>
        public void Overheat()
        {
            Log.Add("overheat");
            this.chip.Overheat();
        }

        public void DropAntennaAfterTransfers(long transfers) => antennaDropAtTransfer = this.chip.Costs.Transfers + transfers;

        // ---- hooks used by the chip model -----------------------------------------------------------------

        internal void OnHardReset()
        {
            if (!ChipDead)
            {
                ChipStalled = false;
            }
        }

        /// <summary>The chip is dead for good (unplugged module, broken MISO): reads return <paramref name="readValue"/>
        /// and even a hard reset does not bring it back, until <see cref="Revive"/>.</summary>
        public void KillChip(byte readValue = 0xFF)
        {
            ChipDead = true;
            StallChip(readValue);
        }

        /// <summary>A dead chip answers again (module plugged back), after the next hard reset.</summary>
        public void Revive() => ChipDead = false;

        public bool ChipDead { get; private set; }

        internal void BeforeTransfer(long transferIndex)
        {
            if (stallAtTransfer >= 0 && transferIndex >= stallAtTransfer)
            {
                stallAtTransfer = -1;
                StallChip(pendingStallValue);
            }

            if (brownOutAtTransfer >= 0 && transferIndex >= brownOutAtTransfer)
            {
                brownOutAtTransfer = -1;
                BrownOut();
            }

            if (antennaDropAtTransfer >= 0 && transferIndex >= antennaDropAtTransfer)
            {
                antennaDropAtTransfer = -1;
                DropAntenna();
            }
        }

        /// <summary>Before a reader frame goes out: scheduled removals; true when this frame is lost (silence).</summary>
        internal bool BeforeFrame(RfField field)
        {
            thisFrameCrc = thisFrameBit = thisFrameCollision = false;
            bool silenceThisFrame = false;
            long frameNumber = this.chip.Costs.RfFramesSent;
            for (int i = frameFaults.Count - 1; i >= 0; i--)
            {
                if (frameFaults[i].Key < frameNumber)
                {
                    frameFaults.RemoveAt(i);
                }
                else if (frameFaults[i].Key == frameNumber)
                {
                    switch (frameFaults[i].Value)
                    {
                        case RfFault.CrcError: thisFrameCrc = true; break;
                        case RfFault.BitError: thisFrameBit = true; break;
                        case RfFault.Collision: thisFrameCollision = true; break;
                        default: silenceThisFrame = true; break;
                    }

                    frameFaults.RemoveAt(i);
                }
            }

            for (int i = this.removals.Count - 1; i >= 0; i--)
            {
                var removal = this.removals[i];
                if (!field.Contains(removal.Key))
                {
                    this.removals.RemoveAt(i);
                    continue;
                }

                if (removal.Value <= 0)
                {
                    this.removals.RemoveAt(i);
                    field.Remove(removal.Key);
                    Log.Add("card " + removal.Key.UidHex + " removed");
                }
                else
                {
                    this.removals[i] = new KeyValuePair<VirtualCard, int>(removal.Key, removal.Value - 1);
                }
            }

            if (silenceThisFrame || silences > 0 || Roll(SilenceRate))
            {
                if (!silenceThisFrame && silences > 0)
                {
                    silences--;
                }

                Log.Add("frame lost (silence)");
                return true;
            }

            return false;
        }

        /// <summary>Turns the cards' answers into air bit streams, applying the answer faults.</summary>
        internal List<bool[]> ToAir(List<KeyValuePair<VirtualCard, CardAnswer>> answers)
        {
            var air = new List<bool[]>(answers.Count + 1);
            bool aimedCrc = thisFrameCrc, aimedBit = thisFrameBit, aimedCollision = thisFrameCollision;
            thisFrameCrc = thisFrameBit = thisFrameCollision = false;
            if (answers.Count == 0)
            {
                return air;
            }

            CardAnswer first = answers[0].Value;
            if ((aimedCrc || crcErrors > 0 || Roll(CrcErrorRate)) && (first.EndBit - first.StartBit) >= 24 && first.EndBit % 8 == 0)
            {
                if (!aimedCrc && crcErrors > 0)
                {
                    crcErrors--;
                }

                var data = (byte[])first.Data.Clone();
                data[data.Length - 1] ^= (byte)(1 << this.random.Next(8));
                first = new CardAnswer(data, first.StartBit, first.EndBit);
                answers[0] = new KeyValuePair<VirtualCard, CardAnswer>(answers[0].Key, first);
                Log.Add("CRC/BCC error injected");
            }

            foreach (var answer in answers)
            {
                air.Add(answer.Value.ToAirBits());
            }

            if (aimedBit || bitErrors > 0 || Roll(BitErrorRate))
            {
                if (!aimedBit && bitErrors > 0)
                {
                    bitErrors--;
                }

                bool[] bits = air[0];
                // Flip a data bit (not a parity bit): the parity that follows no longer matches.
                int dataBits = first.EndBit - first.StartBit;
                int target = this.random.Next(dataBits);
                int raw = RawIndexOfDataBit(first, target);
                bits[raw] = !bits[raw];
                Log.Add("bit error injected at data bit " + target);
            }

            if (aimedCollision || collisions > 0 || Roll(CollisionRate))
            {
                if (!aimedCollision && collisions > 0)
                {
                    collisions--;
                }

                var data = (byte[])first.Data.Clone();
                int position = first.StartBit + this.random.Next(first.EndBit - first.StartBit);
                data[position / 8] ^= (byte)(1 << (position % 8));
                air.Add(new CardAnswer(data, first.StartBit, first.EndBit).ToAirBits());
                Log.Add("collision injected at bit " + (position - first.StartBit));
            }

            return air;
        }

        private static int RawIndexOfDataBit(CardAnswer answer, int dataIndex)
        {
            int raw = 0;
            for (int position = answer.StartBit; position < answer.EndBit; position++)
            {
                if (position - answer.StartBit == dataIndex)
                {
                    return raw;
                }

                raw++;
                if (position % 8 == 7)
                {
                    raw++;
                }
            }

            return raw;
        }

        private bool Roll(double rate) => rate > 0 && this.random.NextDouble() < rate;
    }
}
