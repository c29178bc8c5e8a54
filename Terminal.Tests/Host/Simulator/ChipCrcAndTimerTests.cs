using System.Text;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    [TestClass]
    public class ChipCrcAndTimerTests
    {
        private static ushort CalcCrc(Chip chip, byte[] data)
        {
            chip.Write(Register.Command, Command.Idle);
            chip.Write(Register.DivIrq, 0x04);
            chip.Write(Register.FifoLevel, 0x80);
            chip.Write(Register.FifoData, data);
            chip.Write(Register.Command, Command.CalcCrc);
            Assert.AreEqual(0x04, chip.Read(Register.DivIrq) & 0x04, "CRCIRq");
            return (ushort)(chip.Read(Register.CrcResultLow) | (chip.Read(Register.CrcResultHigh) << 8));
        }

        [TestMethod]
        [DataRow("50 00", 0xCD57)]
        [DataRow("30 00", 0xA802)]
        [DataRow("08", 0xDDB6)]
        [DataRow("20", 0x70FC)]
        public void CalcCrcMatchesCrcAVectors(string hex, int expected)
        {
            var chip = Chip.New();
            chip.Write(Register.Mode, 0x3D); // CRCPreset 01 = 6363h
            Assert.AreEqual(expected, CalcCrc(chip, System.Convert.FromHexString(hex.Replace(" ", ""))));
        }

        [TestMethod]
        public void CalcCrcOfCheckString()
        {
            var chip = Chip.New();
            chip.Write(Register.Mode, 0x3D);
            Assert.AreEqual(0xBF05, CalcCrc(chip, Encoding.ASCII.GetBytes("123456789")));
        }

        [TestMethod]
        public void ResetPresetIsFfffNotCrcA()
        {
            // ModeReg resets to 3Fh (CRCPreset = FFFFh): a driver that forgets ModeReg gets a wrong CRC_A.
            var chip = Chip.New();
            Assert.AreNotEqual(0xCD57, CalcCrc(chip, new byte[] { 0x50, 0x00 }));
        }

        [TestMethod]
        public void TransceiveWithoutCardEndsWithTimerIrqAfterTheProgrammedTimeout()
        {
            var chip = Chip.New().Init(reload: 200); // 169*2+1 = 339 / 13.56 MHz = 25 µs per tick → 201 ticks ≈ 5.02 ms
            long before = chip.Sim.NowNs;
            var result = chip.Reqa();
            long elapsed = chip.Sim.NowNs - before;
            Assert.IsTrue(result.TimedOut, result.ToString());
            Assert.AreEqual(0, result.Data.Length);
            // 5.02 ms of timer after ≈ 0.1 ms of REQA air time, polled every 51.6 µs: about 100 polls, never unbounded.
            Assert.IsTrue(result.Polls > 80 && result.Polls < 120, "polls " + result.Polls);
            Assert.IsTrue(elapsed > 5_000_000 && elapsed < 6_500_000, "elapsed " + elapsed);
        }

        [TestMethod]
        public void WithoutTAutoNoTimeoutEverComes()
        {
            var chip = Chip.New().Init();
            chip.Write(Register.TMode, 0x00);
            var result = chip.Transceive(new byte[] { 0x26 }, txLastBits: 7, maxPolls: 500);
            Assert.AreEqual(0, result.Irq & Mfrc522Simulator.TimerIrq);
            Assert.AreEqual(500, result.Polls);
        }

        [TestMethod]
        public void TimerCountsDownFromReloadAndStopsAtZero()
        {
            var chip = Chip.New();
            chip.Write(Register.TMode, 0x00);
            chip.Write(Register.TPrescaler, 0xA9);
            chip.Write(Register.TReloadHigh, 0x03);
            chip.Write(Register.TReloadLow, 0xE8); // 1000 ticks of 25 µs = 25 ms
            chip.Write(Register.Control, 0x40);    // TStartNow
            Assert.AreEqual(0x08, chip.Read(Register.Status1) & 0x08, "TRunning");
            chip.Sim.Delay(10);
            int value = (chip.Read(Register.TCounterValueHigh) << 8) | chip.Read(Register.TCounterValueLow);
            Assert.IsTrue(value < 1000 && value > 550, "counter " + value);
            chip.Sim.Delay(20);
            Assert.AreEqual(Mfrc522Simulator.TimerIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.TimerIrq);
            Assert.AreEqual(0, chip.Read(Register.Status1) & 0x08);
            Assert.AreEqual(0, chip.Read(Register.TCounterValueLow));
        }

        [TestMethod]
        public void TStopNowFreezesTheCounter()
        {
            var chip = Chip.New();
            chip.Write(Register.TPrescaler, 0xA9);
            chip.Write(Register.TReloadLow, 0xFF);
            chip.Write(Register.Control, 0x40);
            chip.Sim.Delay(1);
            chip.Write(Register.Control, 0x80);
            byte frozen = chip.Read(Register.TCounterValueLow);
            chip.Sim.Delay(5);
            Assert.AreEqual(frozen, chip.Read(Register.TCounterValueLow));
            Assert.AreEqual(0, chip.Read(Register.ComIrq) & Mfrc522Simulator.TimerIrq);
        }
    }
}
