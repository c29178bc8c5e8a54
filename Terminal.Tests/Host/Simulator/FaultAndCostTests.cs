using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    [TestClass]
    public class FaultAndCostTests
    {
        private static readonly byte[] Uid4 = { 0xDE, 0xAD, 0xBE, 0xEF };

        private static (Chip chip, ClassicCard card) Authenticated()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Reqa();
            chip.Select(out _, out _);
            Assert.IsTrue(chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4));
            return (chip, card);
        }

        [TestMethod]
        public void AFaultAimedAtOneFrameHitsThatFrameOnly()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            long Next() => chip.Sim.Costs.RfFramesSent + 1;
            Chip.Result Request()
            {
                var r = chip.Reqa();
                chip.Transceive(new byte[] { 0x12 }, txLastBits: 4); // garbage: a READY card falls back to IDLE
                Assert.AreEqual(CardState.Idle, card.State);
                return r;
            }

            chip.Sim.Faults.FaultOnFrame(Next() + 2, RfFault.Silence); // each Request() sends two frames
            Assert.AreEqual(2, Request().Data.Length, "the frame before is clean");
            Assert.IsTrue(Request().TimedOut, "the aimed frame is silenced");
            Assert.AreEqual(2, Request().Data.Length, "the frame after is clean");
            chip.Sim.Faults.FaultOnFrame(Next(), RfFault.Collision);
            Assert.AreEqual(Mfrc522Simulator.CollErr, Request().Error & Mfrc522Simulator.CollErr);
            chip.Sim.Faults.FaultOnFrame(Next() + 1, RfFault.BitError); // aimed at the garbage frame nobody answers
            var clean = Request();
            clean = Request();
            Assert.AreEqual(0, clean.Error, "a fault aimed at an unanswered frame is dropped, not carried over: " + clean);
            Assert.AreEqual(2, clean.Data.Length);
        }

        [TestMethod]
        public void CrcErrorIsFlaggedByRxCrcEn()
        {
            var (chip, _) = Authenticated();
            chip.Write(Register.RxMode, 0x80);
            chip.Sim.Faults.CorruptCrcOfNextAnswers();
            var read = chip.Transceive(new byte[] { 0x30, 0x04, 0x26, 0xEE }); // READ 4 with its CRC_A
            Assert.AreEqual(Mfrc522Simulator.CrcErr, read.Error & Mfrc522Simulator.CrcErr);
            Assert.AreEqual(18, read.Data.Length, "a frame with a wrong CRC keeps its CRC bytes");
            Assert.AreEqual(1, chip.Sim.Faults.Log.Count);
        }

        [TestMethod]
        public void BitErrorGivesAParityError()
        {
            var (chip, _) = Authenticated();
            chip.Sim.Faults.BitErrorInNextAnswers();
            var read = chip.TransceiveWithCrc(0x30, 0x04);
            Assert.AreEqual(Mfrc522Simulator.ParityErr, read.Error & Mfrc522Simulator.ParityErr);
        }

        [TestMethod]
        public void InjectedCollisionSetsCollErr()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Reqa();
            chip.Sim.Faults.CollisionInNextAnswers();
            var r = chip.Transceive(new byte[] { 0x93, 0x20 });
            Assert.AreEqual(Mfrc522Simulator.CollErr, r.Error & Mfrc522Simulator.CollErr);
            Assert.AreEqual(0, r.Coll & 0x20);
        }

        [TestMethod]
        public void SilenceTimesOutAndLeavesTheCardAlone()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Sim.Faults.SilenceNextFrames(1);
            Assert.IsTrue(chip.Reqa().TimedOut);
            Assert.AreEqual(CardState.Idle, card.State);
            Assert.AreEqual(2, chip.Reqa().Data.Length);
        }

        [TestMethod]
        public void CardRemovedMidTransaction()
        {
            var (chip, card) = Authenticated();
            chip.Sim.Faults.RemoveCardAfterFrames(card, 1);
            Assert.AreEqual(18, chip.TransceiveWithCrc(0x30, 0x04).Data.Length);
            Assert.IsTrue(chip.TransceiveWithCrc(0x30, 0x05).TimedOut);
            Assert.IsFalse(chip.Sim.Field.Contains(card));
            Assert.AreEqual(CardState.PowerOff, card.State);
        }

        [TestMethod]
        public void CardRemovedDuringAuthenticationFailsIt()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Reqa();
            chip.Select(out _, out _);
            long removeAt = chip.Sim.Costs.Transfers + 8; // a few polls into MFAuthent
            chip.Sim.BeforeTransfer += sim => { if (sim.Costs.Transfers == removeAt) sim.Field.Remove(card); };
            Assert.IsFalse(chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4));
            Assert.AreEqual(Mfrc522Simulator.TimerIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.TimerIrq);
        }

        [TestMethod]
        [DataRow((byte)0x00)]
        [DataRow((byte)0xFF)]
        public void StalledChipReadsConstantUntilHardReset(byte value)
        {
            var chip = Chip.New().Init();
            chip.Sim.Faults.StallChipAfterTransfers(2, value);
            Assert.AreEqual(0x92, chip.Read(Register.Version));
            Assert.AreEqual(0x92, chip.Read(Register.Version));
            Assert.AreEqual(value, chip.Read(Register.Version));
            chip.Write(Register.TxControl, 0x80);
            Assert.IsTrue(chip.Sim.AntennaOn, "writes are lost while stalled");
            chip.Sim.SetResetHigh(false);
            chip.Sim.Delay(1);
            chip.Sim.SetResetHigh(true);
            Assert.AreEqual(0x00, chip.Read(Register.Version), "still starting up");
            chip.Sim.Delay(2);
            Assert.AreEqual(0x92, chip.Read(Register.Version));
            Assert.AreEqual(0x80, chip.Read(Register.TxControl));
        }

        [TestMethod]
        public void BrownOutResetsRegistersAndDropsTheAntenna()
        {
            var (chip, card) = Authenticated();
            chip.Sim.Faults.BrownOut();
            Assert.AreEqual(0x80, chip.Read(Register.TxControl));
            Assert.AreEqual(0x00, chip.Read(Register.TMode));
            Assert.IsFalse(chip.Sim.Crypto1On);
            Assert.AreEqual(CardState.PowerOff, card.State);
        }

        [TestMethod]
        public void DroppedAntennaSilencesCards()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Sim.Faults.DropAntenna();
            Assert.AreEqual(0x80, chip.Read(Register.TxControl));
            Assert.IsTrue(chip.Reqa().TimedOut);
        }

        [TestMethod]
        public void RandomFaultsAreDeterministicForASeed()
        {
            string Run()
            {
                var chip = Chip.New(seed: 99).Init();
                chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
                chip.Sim.Faults.BitErrorRate = 0.2;
                chip.Sim.Faults.CollisionRate = 0.2;
                chip.Sim.Faults.SilenceRate = 0.2;
                for (int i = 0; i < 20; i++)
                {
                    chip.Reqa();
                    chip.Select(out _, out _);
                }

                return string.Join("|", chip.Sim.Faults.Log) + chip.Sim.Costs.Transfers;
            }

            string first = Run();
            Assert.AreEqual(first, Run());
            Assert.IsTrue(first.Contains("collision") && first.Contains("silence") && first.Contains("bit error"), first);
        }

        [TestMethod]
        public void TransferCostFollowsTheCostModel()
        {
            var sim = new Mfrc522Simulator();
            var tx = new byte[] { Register.ReadAddress(Register.Version), 0 };
            var rx = new byte[2];
            sim.Transfer(tx, rx, 2);
            Assert.AreEqual(1, sim.Costs.Transfers);
            Assert.AreEqual(2, sim.Costs.Bytes);
            Assert.AreEqual(50_000 + 16 * 100, sim.NowNs, "50 µs overhead + 16 bits at 10 MHz");
            var snapshot = sim.Costs.Snapshot();
            sim.Transfer(new byte[] { Register.WriteAddress(Register.FifoData), 1, 2, 3 }, new byte[4], 4);
            var delta = sim.Costs.Snapshot().Minus(snapshot);
            Assert.AreEqual(1, delta.Transfers);
            Assert.AreEqual(4, delta.Bytes);
            Assert.AreEqual(3, delta.FifoBytesWritten);
            Assert.AreEqual(50_000 + 32 * 100, delta.ElapsedNs);
            sim.Costs.Reset();
            Assert.AreEqual(0, sim.Costs.Transfers);
            Assert.AreEqual(0, sim.Costs.ElapsedNs);
        }

        [TestMethod]
        public void RfFramesAreCostedAtTheIsoBitRate()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Sim.Costs.Reset();
            chip.Reqa();
            var costs = chip.Sim.Costs.Snapshot();
            Assert.AreEqual(1, costs.RfFramesSent);
            Assert.AreEqual(1, costs.RfFramesReceived);
            // REQA: 1 + 7 + 1 bits; ATQA: 1 + 2 × 9 + 1 bits; 9.44 µs per bit.
            Assert.AreEqual((9 + 20) * 9_440, costs.RfAirNs);
            Assert.AreEqual(1, costs.CommandsStarted[Command.Transceive]);
            Console.WriteLine(chip.Sim.CostModel);
            Console.WriteLine("REQA + ATQA: " + costs);
        }
        [TestMethod]
        [DataRow(4, 208, 2_400_000, 2_700_000)]
        [DataRow(7, 387, 4_400_000, 4_800_000)]
        public void RadioFloorOfDetectAndSelectMatchesReaderFacts(int uidSize, int airBits, long minNs, long maxNs)
        {
            // reader-facts.md: REQA/ATQA + ANTICOLLISION + SELECT per cascade level take ≈ 2.4 ms (4-byte UID)
            // and ≈ 4.5 ms (7-byte) of air time including frame delays. Near-free SPI isolates the radio.
            var costModel = new CostModel { TransferOverheadNs = 2_000, SpiClockHz = 1_000_000_000_000 };
            var chip = new Chip(new Mfrc522Simulator(costModel: costModel)).Init();
            byte[] uid = uidSize == 4 ? Uid4 : new byte[] { 0x04, 1, 2, 3, 4, 5, 6 };
            chip.Sim.Field.Add(VirtualCard.Classic1K(uid));
            chip.Sim.Costs.Reset();
            chip.Reqa();
            CollectionAssert.AreEqual(uid, chip.Select(out _, out _));
            var cost = chip.Sim.Costs.Snapshot();
            // Frames: REQA 7 bits, ATQA 2 bytes; per level 93 20 (2 bytes), UID CLn + BCC (5), SELECT (9), SAK (3);
            // each with start and end bits and one parity bit per byte.
            Assert.AreEqual(airBits * 9_440L, cost.RfAirNs);
            Console.WriteLine($"{uidSize}-byte UID detect + select: air {cost.RfAirNs / 1e6:0.000} ms, with FDT and guard times {cost.ElapsedNs / 1e6:0.000} ms");
            Assert.IsTrue(cost.ElapsedNs > minNs && cost.ElapsedNs < maxNs, "elapsed " + cost.ElapsedNs);
        }
    }
}
