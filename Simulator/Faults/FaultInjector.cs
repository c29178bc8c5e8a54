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
        private readonly Mfrc522Simulator _chip;
        private Random _random;
        private int _crcErrors, _bitErrors, _collisions, _silences;
        private readonly List<KeyValuePair<VirtualCard, int>> _removals = new List<KeyValuePair<VirtualCard, int>>();
        private long _stallAtTransfer = -1, _brownOutAtTransfer = -1, _antennaDropAtTransfer = -1;
        private byte _pendingStallValue;
        private readonly List<KeyValuePair<long, RfFault>> _frameFaults = new List<KeyValuePair<long, RfFault>>();
        private bool _thisFrameCrc, _thisFrameBit, _thisFrameCollision;

        internal FaultInjector(Mfrc522Simulator chip, int seed)
        {
            _chip = chip;
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

        internal Random Random => _random;

        public void Reseed(int seed)
        {
            Seed = seed;
            _random = new Random(seed);
        }

        /// <summary>Stops every scheduled and random fault (a stall stays until a hard reset or <see cref="ClearStall"/>).</summary>
        public void ClearAll()
        {
            _crcErrors = _bitErrors = _collisions = _silences = 0;
            CrcErrorRate = BitErrorRate = CollisionRate = SilenceRate = 0;
            _removals.Clear();
            _stallAtTransfer = _brownOutAtTransfer = _antennaDropAtTransfer = -1;
            _frameFaults.Clear();
        }

        // ---- RF faults ------------------------------------------------------------------------------------

        /// <summary>The next <paramref name="count"/> card answers of 3 bytes or more get a wrong last byte (CRC_A or BCC).</summary>
        public void CorruptCrcOfNextAnswers(int count = 1) => _crcErrors += count;

        /// <summary>The next <paramref name="count"/> card answers get one flipped data bit (parity error; a nibble just changes).</summary>
        public void BitErrorInNextAnswers(int count = 1) => _bitErrors += count;

        /// <summary>The next <paramref name="count"/> card answers collide with a phantom answer differing in one bit.</summary>
        public void CollisionInNextAnswers(int count = 1) => _collisions += count;

        /// <summary>The next <paramref name="count"/> reader frames reach no card (cards keep their state).</summary>
        public void SilenceNextFrames(int count = 1) => _silences += count;

        /// <summary>
        /// One fault on the reader frame numbered <paramref name="frameNumber"/> in <see cref="CostCounters.RfFramesSent"/>
        /// (the next frame sent is <c>sim.Costs.RfFramesSent + 1</c>). Answer faults apply to that frame's answer only
        /// and are dropped if no card answers it, so a test can aim noise at each frame of an exchange in turn.
        /// </summary>
        public void FaultOnFrame(long frameNumber, RfFault fault) => _frameFaults.Add(new KeyValuePair<long, RfFault>(frameNumber, fault));

        /// <summary>The IRQ line never shows an interrupt (broken wire, missing pull-up, dead GPIO): drivers must poll.</summary>
        public bool IrqLineDead { get; set; }

        /// <summary>The card leaves the field after it has received <paramref name="frames"/> more frames (0 = before the next).</summary>
        public void RemoveCardAfterFrames(VirtualCard card, int frames) => _removals.Add(new KeyValuePair<VirtualCard, int>(card, frames));

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
            _stallAtTransfer = _chip.Costs.Transfers + transfers;
            _pendingStallValue = readValue;
        }

        public void ClearStall() => ChipStalled = false;

        /// <summary>Brown-out now: every register back to its reset value (antenna off, Crypto1 off), FIFO empty.</summary>
        public void BrownOut()
        {
            Log.Add("brown-out reset");
            _chip.PowerOnReset();
        }

        public void BrownOutAfterTransfers(long transfers) => _brownOutAtTransfer = _chip.Costs.Transfers + transfers;

        /// <summary>Antenna drivers switched off now (TxControlReg Tx1RFEn/Tx2RFEn cleared); cards lose power.</summary>
        public void DropAntenna()
        {
            Log.Add("antenna dropped");
            _chip.ClearAntennaBits();
        }

        /// <summary>Overtemperature now: ErrorReg.TempErr set and the antenna drivers switched off by the chip.</summary>
        public void Overheat()
        {
            Log.Add("overheat");
            _chip.Overheat();
        }

        public void DropAntennaAfterTransfers(long transfers) => _antennaDropAtTransfer = _chip.Costs.Transfers + transfers;

        // ---- hooks used by the chip model -----------------------------------------------------------------

        internal void OnHardReset()
        {
            if (!ChipDead) ChipStalled = false;
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
            if (_stallAtTransfer >= 0 && transferIndex >= _stallAtTransfer)
            {
                _stallAtTransfer = -1;
                StallChip(_pendingStallValue);
            }

            if (_brownOutAtTransfer >= 0 && transferIndex >= _brownOutAtTransfer)
            {
                _brownOutAtTransfer = -1;
                BrownOut();
            }

            if (_antennaDropAtTransfer >= 0 && transferIndex >= _antennaDropAtTransfer)
            {
                _antennaDropAtTransfer = -1;
                DropAntenna();
            }
        }

        /// <summary>Before a reader frame goes out: scheduled removals; true when this frame is lost (silence).</summary>
        internal bool BeforeFrame(RfField field)
        {
            _thisFrameCrc = _thisFrameBit = _thisFrameCollision = false;
            bool silenceThisFrame = false;
            long frameNumber = _chip.Costs.RfFramesSent;
            for (int i = _frameFaults.Count - 1; i >= 0; i--)
            {
                if (_frameFaults[i].Key < frameNumber)
                {
                    _frameFaults.RemoveAt(i);
                }
                else if (_frameFaults[i].Key == frameNumber)
                {
                    switch (_frameFaults[i].Value)
                    {
                        case RfFault.CrcError: _thisFrameCrc = true; break;
                        case RfFault.BitError: _thisFrameBit = true; break;
                        case RfFault.Collision: _thisFrameCollision = true; break;
                        default: silenceThisFrame = true; break;
                    }

                    _frameFaults.RemoveAt(i);
                }
            }

            for (int i = _removals.Count - 1; i >= 0; i--)
            {
                var removal = _removals[i];
                if (!field.Contains(removal.Key))
                {
                    _removals.RemoveAt(i);
                    continue;
                }

                if (removal.Value <= 0)
                {
                    _removals.RemoveAt(i);
                    field.Remove(removal.Key);
                    Log.Add("card " + removal.Key.UidHex + " removed");
                }
                else
                {
                    _removals[i] = new KeyValuePair<VirtualCard, int>(removal.Key, removal.Value - 1);
                }
            }

            if (silenceThisFrame || _silences > 0 || Roll(SilenceRate))
            {
                if (!silenceThisFrame && _silences > 0) _silences--;
                Log.Add("frame lost (silence)");
                return true;
            }

            return false;
        }

        /// <summary>Turns the cards' answers into air bit streams, applying the answer faults.</summary>
        internal List<bool[]> ToAir(List<KeyValuePair<VirtualCard, CardAnswer>> answers)
        {
            var air = new List<bool[]>(answers.Count + 1);
            bool aimedCrc = _thisFrameCrc, aimedBit = _thisFrameBit, aimedCollision = _thisFrameCollision;
            _thisFrameCrc = _thisFrameBit = _thisFrameCollision = false;
            if (answers.Count == 0) return air;

            CardAnswer first = answers[0].Value;
            if ((aimedCrc || _crcErrors > 0 || Roll(CrcErrorRate)) && (first.EndBit - first.StartBit) >= 24 && first.EndBit % 8 == 0)
            {
                if (!aimedCrc && _crcErrors > 0) _crcErrors--;
                var data = (byte[])first.Data.Clone();
                data[data.Length - 1] ^= (byte)(1 << _random.Next(8));
                first = new CardAnswer(data, first.StartBit, first.EndBit);
                answers[0] = new KeyValuePair<VirtualCard, CardAnswer>(answers[0].Key, first);
                Log.Add("CRC/BCC error injected");
            }

            foreach (var answer in answers) air.Add(answer.Value.ToAirBits());

            if (aimedBit || _bitErrors > 0 || Roll(BitErrorRate))
            {
                if (!aimedBit && _bitErrors > 0) _bitErrors--;
                bool[] bits = air[0];
                // Flip a data bit (not a parity bit): the parity that follows no longer matches.
                int dataBits = first.EndBit - first.StartBit;
                int target = _random.Next(dataBits);
                int raw = RawIndexOfDataBit(first, target);
                bits[raw] = !bits[raw];
                Log.Add("bit error injected at data bit " + target);
            }

            if (aimedCollision || _collisions > 0 || Roll(CollisionRate))
            {
                if (!aimedCollision && _collisions > 0) _collisions--;
                var data = (byte[])first.Data.Clone();
                int position = first.StartBit + _random.Next(first.EndBit - first.StartBit);
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
                if (position - answer.StartBit == dataIndex) return raw;
                raw++;
                if (position % 8 == 7) raw++;
            }

            return raw;
        }

        private bool Roll(double rate) => rate > 0 && _random.NextDouble() < rate;
    }
}
