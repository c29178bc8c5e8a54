using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    [TestClass]
    public class ClassicAndDesfireTests
    {
        private static readonly byte[] Uid4 = { 0xDE, 0xAD, 0xBE, 0xEF };
        private static readonly byte[] Uid7 = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

        private static ClassicCard SelectedClassic(Chip chip, byte[] uid = null)
        {
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(uid ?? Uid4));
            for (int b = 4; b < 7; b++)
            {
                var data = new byte[16];
                for (int i = 0; i < 16; i++) data[i] = (byte)(b * 16 + i);
                card.WriteBlockRaw(b, data);
            }

            chip.Reqa();
            Assert.IsNotNull(chip.Select(out _, out _));
            return card;
        }

        [TestMethod]
        public void AuthenticateThenReadBlock4()
        {
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            Assert.IsTrue(chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4));
            Assert.AreEqual(1, card.AuthenticatedSector);
            var read = chip.TransceiveWithCrc(0x30, 0x04);
            Assert.AreEqual(18, read.Data.Length);
            Assert.IsTrue(CrcA.Check(read.Data, 0, 18));
            Assert.AreEqual(0x40, read.Data[0]);
            Assert.AreEqual(0x4F, read.Data[15]);
        }

        [TestMethod]
        public void AuthenticationTakesAboutTwoMillisecondsOfModelTime()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            long before = chip.Sim.NowNs;
            Assert.IsTrue(chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4));
            long elapsed = chip.Sim.NowNs - before;
            Assert.IsTrue(elapsed >= 2_000_000 && elapsed < 3_000_000, "elapsed " + elapsed);
        }

        [TestMethod]
        public void WrongKeyFailsWithTimeoutAndSendsTheCardBackToIdle()
        {
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            Assert.IsFalse(chip.Authenticate(0x60, 4, new byte[] { 1, 2, 3, 4, 5, 6 }, Uid4));
            Assert.AreEqual(Mfrc522Simulator.TimerIrq, chip.Read(Register.ComIrq) & Mfrc522Simulator.TimerIrq);
            Assert.AreEqual(CardState.Idle, card.State);
            Assert.AreEqual(1, card.FailedAuthentications);
        }

        [TestMethod]
        public void AuthenticateWithSevenByteUidUsesItsLastFourBytes()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip, Uid7);
            Assert.IsTrue(chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid7));
        }

        [TestMethod]
        public void MfAuthentWithTooFewBytesIsAProtocolError()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            chip.Write(Register.FifoData, 0x60, 0x04, 0xFF);
            chip.Write(Register.Command, Command.MfAuthent);
            Assert.AreEqual(Mfrc522Simulator.ProtocolErr, chip.Read(Register.Error) & Mfrc522Simulator.ProtocolErr);
        }

        [TestMethod]
        public void WriteIsAcknowledgedTwiceAndStored()
        {
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            chip.Authenticate(0x60, 5, Chip.DefaultKey, Uid4);
            var first = chip.TransceiveWithCrc(0xA0, 0x05);
            Assert.AreEqual(4, first.LastBits);
            Assert.AreEqual(0x0A, first.Data[0] & 0x0F);
            var data = new byte[16];
            for (int i = 0; i < 16; i++) data[i] = (byte)(0xF0 - i);
            var second = chip.TransceiveWithCrc(data);
            Assert.AreEqual(0x0A, second.Data[0] & 0x0F);
            CollectionAssert.AreEqual(data, card.ReadBlockRaw(5));
        }

        [TestMethod]
        public void WriteToReadOnlyBlockIsNakedAndNothingChanges()
        {
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            // Sector 1: block 5 read-only (C1C2C3 = 010), trailer 001 (transport).
            card.SetTrailer(1, ClassicCard.TransportKey, ClassicCard.EncodeAccessBits(0, 2, 0, 1), ClassicCard.TransportKey);
            var before = card.ReadBlockRaw(5);
            chip.Authenticate(0x60, 5, Chip.DefaultKey, Uid4);
            var answer = chip.TransceiveWithCrc(0xA0, 0x05);
            Assert.AreEqual(4, answer.LastBits);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, answer.Data[0] & 0x0F);
            CollectionAssert.AreEqual(before, card.ReadBlockRaw(5));
            Assert.AreEqual(CardState.Idle, card.State, "after a NAK the card leaves the session");
        }

        [TestMethod]
        public void ManufacturerBlockIsReadOnly()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            chip.Authenticate(0x60, 0, Chip.DefaultKey, Uid4);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, chip.TransceiveWithCrc(0xA0, 0x00).Data[0] & 0x0F);
        }

        [TestMethod]
        public void ReadOutsideTheAuthenticatedSectorIsNaked()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4);
            var answer = chip.TransceiveWithCrc(0x30, 0x08);
            Assert.AreEqual(4, answer.LastBits);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, answer.Data[0] & 0x0F);
        }

        [TestMethod]
        public void KeyBIsRefusedWhileReadableInTheTransportConfiguration()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            Assert.IsTrue(chip.Authenticate(0x61, 4, Chip.DefaultKey, Uid4), "authentication itself succeeds");
            Assert.AreEqual(ClassicCard.NakInvalidOperation, chip.TransceiveWithCrc(0x30, 0x04).Data[0] & 0x0F);
        }

        [TestMethod]
        public void TrailerReadHidesKeyA()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            chip.Authenticate(0x60, 7, Chip.DefaultKey, Uid4);
            var trailer = chip.TransceiveWithCrc(0x30, 0x07).Data;
            CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0, 0, 0, 0xFF, 0x07, 0x80, 0x69, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, trailer[..16]);
        }

        [TestMethod]
        public void ReadWithoutAuthenticationIsNaked()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, chip.TransceiveWithCrc(0x30, 0x04).Data[0] & 0x0F);
        }

        [TestMethod]
        public void Crypto1LeftOnSilencesEveryCardUntilClearedByTheHost()
        {
            // Field failure: a driver forgets to clear Status2Reg.MFCrypto1On after a card.
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4);
            chip.Hlta();
            Assert.AreEqual(CardState.Halt, card.State);
            Assert.IsTrue(chip.Sim.Crypto1On, "MFCrypto1On stays set");
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 1, 2, 3, 4 }));
            Assert.IsTrue(chip.Wupa().TimedOut, "ciphered WUPA: nobody understands");
            chip.Write(Register.Status2, 0x00);
            Assert.AreEqual(2, chip.Wupa().Data.Length);
        }

        [TestMethod]
        public void HardwareCrcAppendsAndChecksAndStripsCrc()
        {
            var chip = Chip.New().Init();
            SelectedClassic(chip);
            chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4);
            chip.Write(Register.TxMode, 0x80);
            chip.Write(Register.RxMode, 0x80);
            var read = chip.Transceive(new byte[] { 0x30, 0x04 });
            Assert.AreEqual(16, read.Data.Length, "CRC bytes checked and not stored");
            Assert.AreEqual(0, read.Error);
            Assert.AreEqual(0x40, read.Data[0]);
            var ack = chip.Transceive(new byte[] { 0xA0, 0x05 });
            Assert.AreEqual(Mfrc522Simulator.CrcErr, ack.Error & Mfrc522Simulator.CrcErr, "a 4-bit ACK cannot pass RxCRCEn");
            Assert.AreEqual(0x0A, ack.Data[0] & 0x0F);
        }

        [TestMethod]
        public void HardwareCrcOnShortFramesMakesThemGarbage()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Write(Register.TxMode, 0x80);
            Assert.IsTrue(chip.Reqa().TimedOut, "REQA + CRC is not a short frame");
            chip.Write(Register.TxMode, 0x00);
            Assert.AreEqual(2, chip.Reqa().Data.Length);
            chip.Write(Register.TxMode, 0x80);
            chip.Write(Register.RxMode, 0x80);
            var select = chip.Transceive(new byte[] { 0x93, 0x70, 0xDE, 0xAD, 0xBE, 0xEF, 0xDE ^ 0xAD ^ 0xBE ^ 0xEF });
            CollectionAssert.AreEqual(new byte[] { 0x08 }, select.Data, "SELECT with hardware CRC both ways: just the SAK");
            Assert.AreEqual(0, select.Error);
        }

        [TestMethod]
        public void UltralightReadsFourPages()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Ultralight(Uid7));
            chip.Reqa();
            CollectionAssert.AreEqual(Uid7, chip.Select(out byte sak, out _));
            Assert.AreEqual(0x00, sak);
            var pages = chip.TransceiveWithCrc(0x30, 0x00).Data;
            Assert.AreEqual(0x04, pages[0]);
            Assert.AreEqual(0x33, pages[4]);
        }

        [TestMethod]
        public void UltralightCompatibilityWriteStoresTheFirstFourBytes()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Ultralight(Uid7));
            chip.Reqa();
            chip.Select(out _, out _);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(0xA0, 0x05).Data[0] & 0x0F, "first part: address");
            var data = new byte[16];
            for (int i = 0; i < 16; i++) data[i] = (byte)(0xC0 + i);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(data).Data[0] & 0x0F, "second part: 16 bytes");
            CollectionAssert.AreEqual(new byte[] { 0xC0, 0xC1, 0xC2, 0xC3 }, card.ReadPageRaw(5));
            CollectionAssert.AreEqual(new byte[4], card.ReadPageRaw(6), "bytes 4..15 are ignored (MF0ICU1 §9.4)");
            Assert.AreEqual(1, card.Writes);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(0xA0, 0x06).Data[0] & 0x0F);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, chip.TransceiveWithCrc(0x01, 0x02).Data[0] & 0x0F, "wrong length: NAK");
            CollectionAssert.AreEqual(new byte[4], card.ReadPageRaw(6));
            Assert.AreEqual(CardState.Idle, card.State);
        }

        [TestMethod]
        [DataRow("classic", false)]
        [DataRow("classic", true)]
        [DataRow("ultralight", false)]
        [DataRow("ultralight", true)]
        [DataRow("desfire", false)]
        public void RequestToAnActiveCardIsAnUnexpectedFrame(string kind, bool woken)
        {
            // ISO/IEC 14443-3 §6.3: REQA/WUPA is not a command of the ACTIVE state: no answer, back to IDLE
            // (HALT for ACTIVE*), as the README of the simulator says.
            var chip = Chip.New().Init();
            VirtualCard card = kind == "classic" ? VirtualCard.Classic1K(Uid4) : kind == "ultralight" ? VirtualCard.Ultralight(Uid7) : VirtualCard.Desfire(Uid7);
            chip.Sim.Field.Add(card);
            if (woken)
            {
                chip.Reqa();
                chip.Select(out _, out _);
                chip.Hlta();
                chip.Wupa();
            }
            else
            {
                chip.Reqa();
            }

            Assert.IsNotNull(chip.Select(out _, out _));
            Assert.AreEqual(CardState.Active, card.State);
            var answer = woken ? chip.Wupa() : chip.Reqa();
            Assert.IsTrue(answer.TimedOut, "no answer, no NAK: " + answer);
            Assert.AreEqual(woken ? CardState.Halt : CardState.Idle, card.State);
        }

        [TestMethod]
        public void DesfireAnswersRatsGetVersionAndDeselect()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Desfire(Uid7));
            chip.Reqa();
            CollectionAssert.AreEqual(Uid7, chip.Select(out byte sak, out _));
            Assert.AreEqual(0x20, sak);
            var ats = chip.TransceiveWithCrc(0xE0, 0x50).Data;
            CollectionAssert.AreEqual(new byte[] { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80 }, ats[..6]);
            Assert.IsTrue(CrcA.Check(ats, 0, ats.Length));
            var v1 = chip.TransceiveWithCrc(0x02, 0x60).Data;
            Assert.AreEqual(0x02, v1[0]);
            Assert.AreEqual(0xAF, v1[1]);
            var v2 = chip.TransceiveWithCrc(0x03, 0xAF).Data;
            Assert.AreEqual(0x03, v2[0]);
            Assert.AreEqual(0xAF, v2[1]);
            var v3 = chip.TransceiveWithCrc(0x02, 0xAF).Data;
            Assert.AreEqual(0x00, v3[1]);
            CollectionAssert.AreEqual(Uid7, v3[2..9]);
            var wrapped = chip.TransceiveWithCrc(0x03, 0x90, 0x60, 0x00, 0x00, 0x00).Data;
            Assert.AreEqual(0x91, wrapped[^4]);
            Assert.AreEqual(0xAF, wrapped[^3]);
            var deselect = chip.TransceiveWithCrc(0xC2).Data;
            Assert.AreEqual(0xC2, deselect[0]);
            Assert.AreEqual(CardState.Halt, card.State);
            Assert.IsFalse(card.ProtocolActive);
        }
        [TestMethod]
        public void DesfireInProtocolStateIgnoresHltaAndRequests()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Desfire(Uid7));
            chip.Reqa();
            chip.Select(out _, out _);
            chip.TransceiveWithCrc(0xE0, 0x50);
            Assert.IsTrue(chip.Hlta().TimedOut);
            Assert.IsTrue(chip.Wupa().TimedOut);
            Assert.AreEqual(CardState.Active, card.State);
            Assert.IsTrue(card.ProtocolActive);
            var v1 = chip.TransceiveWithCrc(0x02, 0x60).Data;
            Assert.AreEqual(0xAF, v1[1], "still talking ISO 14443-4");
        }

        [TestMethod]
        public void Classic4KUsesSixteenBlockSectorsAbove128()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic4K(Uid4));
            Assert.AreEqual(256, card.BlockCount);
            Assert.AreEqual(36, card.SectorOfBlock(200));
            Assert.AreEqual(207, card.TrailerOfSector(36));
            chip.Reqa();
            chip.Select(out byte sak, out _);
            Assert.AreEqual(0x18, sak);
            Assert.IsTrue(chip.Authenticate(0x60, 200, Chip.DefaultKey, Uid4));
            var data = new byte[16];
            data[0] = 0x42;
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(0xA0, 200).Data[0] & 0x0F);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(data).Data[0] & 0x0F);
            Assert.AreEqual(0x42, chip.TransceiveWithCrc(0x30, 200).Data[0]);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, chip.TransceiveWithCrc(0x30, 208).Data[0] & 0x0F, "block 208 is in sector 37");
        }

        [TestMethod]
        public void MalformedAccessBitsBlockTheSector()
        {
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            chip.Authenticate(0x60, 7, Chip.DefaultKey, Uid4);
            var trailer = new byte[16];
            Array.Copy(ClassicCard.TransportKey, trailer, 6);
            trailer[6] = 0x00; trailer[7] = 0x00; trailer[8] = 0x00; // inverted copies do not match
            Array.Copy(ClassicCard.TransportKey, 0, trailer, 10, 6);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(0xA0, 7).Data[0] & 0x0F);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(trailer).Data[0] & 0x0F);
            chip.Write(Register.Status2, 0x00);
            chip.Wupa();
            chip.Select(out _, out _);
            Assert.IsFalse(chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4), "blocked sector: authentication refused");
        }
        [TestMethod]
        public void ValueBlockIncrementDecrementTransfer()
        {
            var chip = Chip.New().Init();
            var card = SelectedClassic(chip);
            // Sector 1: block 4 as a value block (C1C2C3 = 110: INC with key B only, DEC/TRANSFER with A or B).
            card.SetTrailer(1, ClassicCard.TransportKey, ClassicCard.EncodeAccessBits(6, 0, 0, 1), ClassicCard.TransportKey);
            card.WriteValue(4, 100, 4);
            chip.Authenticate(0x60, 4, Chip.DefaultKey, Uid4);
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(0xC0, 0x04).Data[0] & 0x0F, "DECREMENT with key A");
            Assert.IsTrue(chip.TransceiveWithCrc(30, 0, 0, 0).TimedOut, "the operand is not acknowledged");
            Assert.AreEqual(ClassicCard.Ack, chip.TransceiveWithCrc(0xB0, 0x04).Data[0] & 0x0F, "TRANSFER");
            Assert.IsTrue(card.TryReadValue(4, out int value));
            Assert.AreEqual(70, value);
            Assert.AreEqual(ClassicCard.NakInvalidOperation, chip.TransceiveWithCrc(0xC1, 0x04).Data[0] & 0x0F, "INCREMENT needs key B");
        }

        [TestMethod]
        public void SlowCardPowerUpMissesAnEarlyRequest()
        {
            var chip = Chip.New();
            chip.Sim.Field.CardPowerUpNs = 5_000_000;
            chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Init();
            Assert.IsTrue(chip.Reqa().TimedOut, "REQA right after antenna on: the card is still powering up");
            chip.Sim.Delay(5);
            Assert.AreEqual(2, chip.Reqa().Data.Length);
        }
    }
}
