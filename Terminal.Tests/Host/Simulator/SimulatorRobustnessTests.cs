using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    /// <summary>
    /// A buggy or fuzzing driver must not crash the model: random SPI traffic (random registers, commands, FIFO
    /// bursts, StartSend) and random card frames against every card type, with random faults on.
    /// </summary>
    [TestClass]
    public class SimulatorRobustnessTests
    {
        [TestMethod]
        public void RandomSpiTrafficNeverThrowsAndTimeAlwaysAdvances()
        {
            var random = new Random(42);
            var sim = new Mfrc522Simulator(seed: 3);
            sim.Faults.CrcErrorRate = sim.Faults.BitErrorRate = sim.Faults.CollisionRate = sim.Faults.SilenceRate = 0.05;
            sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            sim.Field.Add(VirtualCard.Desfire(new byte[] { 4, 1, 2, 3, 4, 5, 6 }));
            sim.Field.Add(VirtualCard.Ultralight(new byte[] { 4, 9, 8, 7, 6, 5, 4 }));
            sim.Field.Add(VirtualCard.Classic4K(new byte[] { 4, 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
            var tx = new byte[70];
            var rx = new byte[70];
            byte[] interesting = { Register.Command, Register.FifoData, Register.BitFraming, Register.TxControl, Register.ComIrq, Register.TMode, Register.TxMode, Register.RxMode, Register.Coll, Register.Status2, Register.AutoTest, Register.Control, Register.FifoLevel };
            for (int i = 0; i < 20_000; i++)
            {
                int length = 1 + random.Next(random.Next(4) == 0 ? 70 : 4);
                random.NextBytes(tx);
                if (random.Next(2) == 0)
                {
                    byte register = interesting[random.Next(interesting.Length)];
                    tx[0] = (byte)((register << 1) | (random.Next(3) == 0 ? 0x80 : 0x00));
                }

                long before = sim.NowNs;
                sim.Transfer(tx, rx, length);
                Assert.IsTrue(sim.NowNs > before);
                if (i % 997 == 0)
                {
                    sim.Faults.BrownOut();
                }

                if (i % 1999 == 0) { sim.SetResetHigh(false); sim.SetResetHigh(true); }
                if (i % 50 == 0)
                {
                    sim.Delay(random.Next(3));
                }
            }

            Assert.AreEqual(20_000, sim.Costs.Transfers);
        }

        [TestMethod]
        public void RandomFramesToActiveCardsNeverThrow()
        {
            var random = new Random(7);
            for (int round = 0; round < 30; round++)
            {
                var chip = Chip.New(seed: round).Init();
                chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
                chip.Sim.Field.Add(VirtualCard.Desfire(new byte[] { 4, 1, 2, 3, 4, 5, 6 }));
                chip.Sim.Field.Add(VirtualCard.Ultralight(new byte[] { 4, 9, 8, 7, 6, 5, 4 }));
                chip.Reqa();
                chip.Select(out _, out _);
                chip.TransceiveWithCrc(0xE0, 0x50);
                chip.Authenticate(0x60, (byte)random.Next(64), Chip.DefaultKey, new byte[] { 1, 2, 3, 4 });
                for (int i = 0; i < 40; i++)
                {
                    var frame = new byte[1 + random.Next(20)];
                    random.NextBytes(frame);
                    if (random.Next(2) == 0 && frame.Length >= 3)
                    {
                        CrcA.Append(frame, 0, frame.Length - 2);
                    }

                    chip.Transceive(frame, txLastBits: random.Next(4) == 0 ? random.Next(8) : 0, rxAlign: random.Next(8) == 0 ? random.Next(8) : 0);
                    if (random.Next(10) == 0)
                    {
                        chip.Wupa();
                    }
                }
            }
        }
    }
}
