using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    [TestClass]
    public class ChipCommandTests
    {
        [TestMethod]
        [DataRow(85_000, 2)]   // Receive starts before the answer (FDT 91 µs after the end of the frame)
        [DataRow(200_000, 0)]  // Receive starts too late: the answer went by
        public void TransmitThenReceiveCatchesTheAnswerOnlyIfStartedInTime(long waitNs, int expectedBytes)
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            chip.Write(Register.ComIrq, 0x7F);
            chip.Write(Register.FifoData, 0x26);
            chip.Write(Register.BitFraming, 0x07);
            chip.Write(Register.Command, Command.Transmit);
            chip.Sim.AdvanceTime(waitNs); // REQA lasts 9 × 9.44 µs
            Assert.AreEqual(Command.Idle, chip.Sim.ActiveCommand, "Transmit terminates by itself");
            chip.Write(Register.Command, Command.Receive);
            for (int i = 0; i < 20 && (chip.Read(Register.ComIrq) & Mfrc522Simulator.RxIrq) == 0; i++) { }
            Assert.AreEqual(expectedBytes, chip.Read(Register.FifoLevel));
            if (expectedBytes > 0)
            {
                CollectionAssert.AreEqual(new byte[] { 0x04, 0x00 }, chip.ReadFifo(2));
                Assert.AreEqual(Mfrc522Simulator.IdleIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.IdleIrq, "Receive terminates after the frame");
            }
        }

        [TestMethod]
        public void StatusRegistersShowTheModemStateDuringTransceive()
        {
            var chip = Chip.New().Init();
            chip.Write(Register.Command, Command.Transceive);
            Assert.AreEqual(1, chip.Read(Register.Status2) & 0x07, "waiting for StartSend");
            chip.Write(Register.FifoData, 0x26);
            chip.Write(Register.BitFraming, 0x87);
            Assert.AreEqual(3, chip.Sim.PeekRegister(Register.Status2) & 0x07, "transmitting");
            chip.Sim.AdvanceTime(200_000);
            Assert.AreEqual(5, chip.Sim.PeekRegister(Register.Status2) & 0x07, "waiting for data");
            Assert.AreEqual(0x08, chip.Sim.PeekRegister(Register.Status1) & 0x08, "TAuto timer running");
        }

        [TestMethod]
        public void FifoWriteWhileWaitingForTheAnswerIsAWriteError()
        {
            var chip = Chip.New().Init();
            chip.Write(Register.Command, Command.Transceive);
            chip.Write(Register.FifoData, 0x26);
            chip.Write(Register.BitFraming, 0x87);
            chip.Sim.AdvanceTime(200_000);
            chip.Write(Register.FifoData, 0x00);
            Assert.AreEqual(Mfrc522Simulator.WrErr, chip.Read(Register.Error) & Mfrc522Simulator.WrErr);
        }

        [TestMethod]
        public void UnknownCommandTerminatesWithIdleIrq()
        {
            var chip = Chip.New();
            chip.Write(Register.ComIrq, 0x7F);
            chip.Write(Register.Command, 0x05);
            Assert.AreEqual(Mfrc522Simulator.IdleIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.IdleIrq);
            Assert.AreEqual(0, chip.Read(Register.Command) & 0x0F);
        }

        [TestMethod]
        public void OverheatSetsTempErrAndSwitchesTheAntennaOff()
        {
            var chip = Chip.New().Init();
            chip.Sim.Faults.Overheat();
            Assert.AreEqual(Mfrc522Simulator.TempErr, chip.Read(Register.Error) & Mfrc522Simulator.TempErr);
            Assert.AreEqual(0, chip.Read(Register.TxControl) & 0x03);
            Assert.IsFalse(chip.Sim.AntennaOn);
        }

        [TestMethod]
        public void RfTraceLogsBothDirections()
        {
            var chip = Chip.New().Init();
            chip.Sim.TraceRf = true;
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            chip.Reqa();
            Assert.AreEqual(3, chip.Sim.RfTrace.Count, string.Join("\n", chip.Sim.RfTrace));
            StringAssert.Contains(chip.Sim.RfTrace[0], "PCD→ 26(7 bits)");
            StringAssert.Contains(chip.Sim.RfTrace[1], "0400");
        }

        [TestMethod]
        public void IrqPinWaitAdvancesTheClockAndSeesTheAnswer()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            chip.Write(Register.ComIEn, 0xA0 | 0x01); // IRqInv, RxIEn, TimerIEn
            chip.Write(Register.ComIrq, 0x7F);
            chip.Write(Register.FifoData, 0x26);
            chip.Write(Register.Command, Command.Transceive);
            chip.Write(Register.BitFraming, 0x87);
            int reads = 0;
            while (!chip.Sim.IrqAsserted && reads < 1000) reads++;
            Assert.IsTrue(reads > 3 && reads < 30, "reads " + reads);
            Assert.AreEqual(Mfrc522Simulator.RxIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.RxIrq);
            Assert.AreEqual(reads + 1, chip.Sim.Costs.GpioReads);
        }

        [TestMethod]
        public void SimulatorAllocationsAreAccountedSeparately()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            chip.Sim.Costs.Reset();
            chip.Reqa();
            Assert.IsTrue(chip.Sim.Costs.SimulatorAllocatedBytes > 0, "RF frames are objects in the model");
            chip.Sim.Costs.Reset();
            chip.Read(Register.Version);
            Assert.AreEqual(0, chip.Sim.Costs.SimulatorAllocatedBytes, "a plain register read allocates nothing");
        }

        [TestMethod]
        public void HardResetAllocationsAreTheSimulators()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            chip.Sim.Faults.StallChip(0xFF); // the fault log grows on the hard reset path too
            chip.Sim.Costs.Reset();
            long before = GC.GetAllocatedBytesForCurrentThread();
            chip.Sim.SetResetHigh(false);
            chip.Sim.SetResetHigh(true);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.AreEqual(allocated, chip.Sim.Costs.SimulatorAllocatedBytes, "everything SetResetHigh allocates is counted as the model's");
        }
    }
}
