using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    [TestClass]
    public class ChipRegisterTests
    {
        [TestMethod]
        public void ResetValuesMatchTheDatasheetTable()
        {
            var chip = Chip.New();
            Assert.AreEqual(0x20, chip.Read(Register.Command));
            Assert.AreEqual(0x80, chip.Read(Register.ComIEn));
            Assert.AreEqual(0x14, chip.Read(Register.ComIrq));
            Assert.AreEqual(0x00, chip.Read(Register.Error));
            Assert.AreEqual(0x21, chip.Read(Register.Status1));
            Assert.AreEqual(0x08, chip.Read(Register.WaterLevel));
            Assert.AreEqual(0x10, chip.Read(Register.Control));
            Assert.AreEqual(0x3F, chip.Read(Register.Mode));
            Assert.AreEqual(0x80, chip.Read(Register.TxControl));
            Assert.AreEqual(0x4D, chip.Read(Register.Demod));
            Assert.AreEqual(0x62, chip.Read(Register.MfTx));
            Assert.AreEqual(0xEB, chip.Read(Register.SerialSpeed));
            Assert.AreEqual(0xFF, chip.Read(Register.CrcResultHigh));
            Assert.AreEqual(0x26, chip.Read(Register.ModWidth));
            Assert.AreEqual(0x48, chip.Read(Register.RfCfg));
            Assert.AreEqual(0x88, chip.Read(Register.GsN));
            Assert.AreEqual(0x40, chip.Read(Register.AutoTest));
            Assert.AreEqual(0x92, chip.Read(Register.Version));
            Assert.IsFalse(chip.Sim.AntennaOn);
        }

        [TestMethod]
        [DataRow((byte)0x91)]
        [DataRow((byte)0x92)]
        [DataRow((byte)0x88)]
        public void VersionRegisterIsConfigurable(byte version)
        {
            Assert.AreEqual(version, Chip.New(version).Read(Register.Version));
        }

        [TestMethod]
        public void BurstReadAnswersEachAddressInTheNextByte()
        {
            var chip = Chip.New();
            var tx = new byte[] { Register.ReadAddress(Register.Mode), Register.ReadAddress(Register.Version), Register.ReadAddress(Register.WaterLevel), 0x00 };
            var rx = new byte[4];
            chip.Sim.Transfer(tx, rx, 4);
            CollectionAssert.AreEqual(new byte[] { 0x00, 0x3F, 0x92, 0x08 }, rx);
            Assert.AreEqual(1, chip.Sim.Costs.Transfers);
            Assert.AreEqual(4, chip.Sim.Costs.Bytes);
        }

        [TestMethod]
        public void InPlaceFullDuplexBufferStillReadsEveryAddress()
        {
            var chip = Chip.New();
            var buffer = new byte[] { Register.ReadAddress(Register.Mode), Register.ReadAddress(Register.Version), 0x00 };
            chip.Sim.Transfer(buffer, buffer, 3);
            CollectionAssert.AreEqual(new byte[] { 0x00, 0x3F, 0x92 }, buffer);
        }

        [TestMethod]
        public void BurstWriteFillsTheFifoAndBurstReadEmptiesIt()
        {
            var chip = Chip.New();
            chip.Write(Register.FifoData, 1, 2, 3, 4, 5);
            Assert.AreEqual(5, chip.Read(Register.FifoLevel));
            CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, chip.ReadFifo(3));
            Assert.AreEqual(2, chip.Read(Register.FifoLevel));
            chip.Write(Register.FifoLevel, 0x80);
            Assert.AreEqual(0, chip.Read(Register.FifoLevel));
        }

        [TestMethod]
        public void FifoOverflowSetsBufferOvflUntilFlushed()
        {
            var chip = Chip.New();
            var data = new byte[65];
            chip.Write(Register.FifoData, data);
            Assert.AreEqual(64, chip.Read(Register.FifoLevel));
            Assert.AreEqual(Mfrc522Simulator.BufferOvfl, chip.Read(Register.Error) & Mfrc522Simulator.BufferOvfl);
            Assert.AreEqual(Mfrc522Simulator.ErrIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.ErrIrq);
            chip.Write(Register.FifoLevel, 0x80);
            Assert.AreEqual(0, chip.Read(Register.Error) & Mfrc522Simulator.BufferOvfl);
        }

        [TestMethod]
        public void WaterLevelDrivesHiAndLoAlert()
        {
            var chip = Chip.New();
            chip.Write(Register.WaterLevel, 4);
            Assert.AreEqual(0x01, chip.Read(Register.Status1) & 0x03); // LoAlert with an empty FIFO
            chip.Write(Register.FifoData, new byte[60]);
            Assert.AreEqual(0x02, chip.Read(Register.Status1) & 0x03); // HiAlert: 64 - 60 <= 4
            Assert.AreEqual(Mfrc522Simulator.HiAlertIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.HiAlertIrq);
        }

        [TestMethod]
        public void Set1BitSetsOrClearsTheMarkedIrqBits()
        {
            var chip = Chip.New();
            chip.Write(Register.ComIrq, 0x7F);            // clear all
            Assert.AreEqual(0x00, chip.Read(Register.ComIrq));
            chip.Write(Register.ComIrq, 0x80 | 0x21);     // set RxIRq and TimerIRq
            Assert.AreEqual(0x21, chip.Read(Register.ComIrq));
            chip.Write(Register.ComIrq, 0x01);            // clear TimerIRq only
            Assert.AreEqual(0x20, chip.Read(Register.ComIrq));
            chip.Write(Register.DivIrq, 0x80 | 0x04);
            Assert.AreEqual(0x04, chip.Read(Register.DivIrq));
            chip.Write(Register.DivIrq, 0x04);
            Assert.AreEqual(0x00, chip.Read(Register.DivIrq));
        }

        [TestMethod]
        public void IrqPinFollowsEnabledIrqsAndIRqInv()
        {
            var chip = Chip.New();
            chip.Write(Register.ComIrq, 0x7F);
            chip.Write(Register.ComIEn, 0x20);            // RxIEn, IRqInv = 0 (active high)
            Assert.IsFalse(chip.Sim.IrqAsserted);
            Assert.IsFalse(chip.Sim.IrqPinHigh);
            chip.Write(Register.ComIrq, 0x80 | 0x01);     // TimerIRq is not enabled
            Assert.IsFalse(chip.Sim.IrqAsserted);
            chip.Write(Register.ComIrq, 0x80 | 0x20);
            Assert.IsTrue(chip.Sim.IrqAsserted);
            Assert.IsTrue(chip.Sim.IrqPinHigh);
            Assert.AreEqual(0x10, chip.Read(Register.Status1) & 0x10);
            chip.Write(Register.ComIEn, 0xA0);            // IRqInv: active low
            Assert.IsTrue(chip.Sim.IrqAsserted);
            Assert.IsFalse(chip.Sim.IrqPinHigh);
            chip.Write(Register.DivIEn, 0x04);
            chip.Write(Register.ComIrq, 0x7F);
            chip.Write(Register.DivIrq, 0x84);
            Assert.IsTrue(chip.Sim.IrqAsserted);
        }

        [TestMethod]
        public void OpenDrainActiveHighIrqNeedsAPullUp()
        {
            var chip = Chip.New();
            chip.Sim.IrqPullUpFitted = false;
            chip.Write(Register.ComIEn, 0x20);            // active high, DivIEn.IRQPushPull = 0: open drain
            chip.Write(Register.ComIrq, 0x80 | 0x20);
            Assert.IsFalse(chip.Sim.IrqPinHigh, "the chip cannot drive the line high");
            Assert.IsFalse(chip.Sim.IrqAsserted);
            chip.Write(Register.DivIEn, 0x80);            // push-pull
            Assert.IsTrue(chip.Sim.IrqPinHigh);
            Assert.IsTrue(chip.Sim.IrqAsserted);
            chip.Write(Register.DivIEn, 0x00);
            chip.Write(Register.ComIEn, 0xA0);            // IRqInv: active low works in open drain
            Assert.IsFalse(chip.Sim.IrqPinHigh);
            Assert.IsTrue(chip.Sim.IrqAsserted);
            StringAssert.Contains(chip.Sim.Describe(), "04=34"); // RxIRq + the reset IdleIRq and LoAlertIRq
        }

        [TestMethod]
        public void MfCrypto1OnCannotBeSetByTheHost()
        {
            var chip = Chip.New();
            chip.Write(Register.Status2, 0x08);
            Assert.AreEqual(0, chip.Read(Register.Status2) & 0x08);
        }

        [TestMethod]
        public void SoftResetRestoresRegistersAndKeepsTheInternalBuffer()
        {
            var chip = Chip.New();
            chip.Write(Register.Mode, 0x3D);
            chip.Write(Register.TxControl, 0x83);
            var stored = new byte[25];
            for (int i = 0; i < 25; i++)
            {
                stored[i] = (byte)(i + 1);
            }

            chip.Write(Register.FifoData, stored);
            chip.Write(Register.Command, Command.Mem);
            chip.Write(Register.Command, Command.SoftReset);
            Assert.AreEqual(0x10, chip.Sim.PeekRegister(Register.Command) & 0x10, "PowerDown reads 1 during the reset phase (37.74 µs, shorter than one transfer)");
            Assert.AreEqual(0x00, chip.Read(Register.Command) & 0x10, "done by the next transfer");
            chip.Sim.Delay(1);
            Assert.AreEqual(0x20, chip.Read(Register.Command));
            Assert.AreEqual(0x3F, chip.Read(Register.Mode));
            Assert.AreEqual(0x80, chip.Read(Register.TxControl));
            chip.Write(Register.Command, Command.Mem); // empty FIFO: internal buffer → FIFO
            Assert.AreEqual(25, chip.Read(Register.FifoLevel));
            CollectionAssert.AreEqual(stored, chip.ReadFifo(25));
        }

        [TestMethod]
        public void GenerateRandomIdIsDeterministicForASeed()
        {
            var a = Chip.New(seed: 7);
            var b = Chip.New(seed: 7);
            a.Write(Register.Command, Command.GenerateRandomId);
            b.Write(Register.Command, Command.GenerateRandomId);
            CollectionAssert.AreEqual(a.Sim.InternalBuffer, b.Sim.InternalBuffer);
            Assert.AreNotEqual(0, Array.FindAll(a.Sim.InternalBuffer, x => x != 0).Length);
            Assert.AreEqual(Mfrc522Simulator.IdleIrq, a.Read(Register.ComIrq) & Mfrc522Simulator.IdleIrq);
        }

        [TestMethod]
        [DataRow((byte)0x91)]
        [DataRow((byte)0x92)]
        public void DigitalSelfTestGivesTheDatasheetReference(byte version)
        {
            var chip = Chip.New(version);
            byte[] result = RunSelfTest(chip, zeroBuffer: true);
            CollectionAssert.AreEqual(SelfTestReference.For(version), result);
        }

        [TestMethod]
        public void SelfTestWithoutClearingTheInternalBufferFails()
        {
            var chip = Chip.New(0x92);
            chip.Write(Register.Command, Command.GenerateRandomId);
            byte[] result = RunSelfTest(chip, zeroBuffer: false);
            CollectionAssert.AreNotEqual(SelfTestReference.Version2, result);
        }

        private static byte[] RunSelfTest(Chip chip, bool zeroBuffer)
        {
            // Datasheet §16.1.1 procedure.
            chip.Write(Register.Command, Command.SoftReset);
            chip.Sim.Delay(1);
            if (zeroBuffer)
            {
                chip.Write(Register.FifoData, new byte[25]);
                chip.Write(Register.Command, Command.Mem);
            }

            chip.Write(Register.AutoTest, 0x09);
            chip.Write(Register.FifoData, 0x00);
            chip.Write(Register.Command, Command.CalcCrc);
            for (int i = 0; i < 100 && chip.Read(Register.FifoLevel) < 64; i++) { }
            byte[] result = chip.ReadFifo(64);
            chip.Write(Register.Command, Command.Idle);
            chip.Write(Register.AutoTest, 0x00);
            return result;
        }
    }
}
