using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Simulator
{
    [TestClass]
    public class FieldAndAnticollisionTests
    {
        private static readonly byte[] Uid4 = { 0xDE, 0xAD, 0xBE, 0xEF };
        private static readonly byte[] Uid7 = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
        private static readonly byte[] Uid10 = { 0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

        [TestMethod]
        public void ReqaGetsAtqaOnlyWithTheAntennaOn()
        {
            var chip = Chip.New();
            chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Write(Register.TMode, 0x80);
            chip.Write(Register.TPrescaler, 0xA9);
            chip.Write(Register.TReloadLow, 0xC8);
            Assert.IsTrue(chip.Reqa().TimedOut, "antenna off (TxControl reset value): no card answers");
            chip.Write(Register.TxControl, 0x83);
            var atqa = chip.Reqa();
            CollectionAssert.AreEqual(new byte[] { 0x04, 0x00 }, atqa.Data);
            Assert.AreEqual(0, atqa.LastBits);
            Assert.AreEqual(0, atqa.Error);
        }

        [TestMethod]
        [DataRow(4, (byte)0x08)]
        [DataRow(7, (byte)0x08)]
        [DataRow(10, (byte)0x08)]
        public void SelectsClassicCardsOfEveryUidSize(int size, byte expectedSak)
        {
            var chip = Chip.New().Init();
            byte[] uid = size == 4 ? Uid4 : size == 7 ? Uid7 : Uid10;
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(uid));
            var atqa = chip.Reqa();
            Assert.AreEqual(size == 4 ? 0x04 : size == 7 ? 0x44 : 0x84, atqa.Data[0]);
            byte[] read = chip.Select(out byte sak, out int collisions);
            CollectionAssert.AreEqual(uid, read);
            Assert.AreEqual(expectedSak, sak);
            Assert.AreEqual(0, collisions);
            Assert.AreEqual(CardState.Active, card.State);
        }

        [TestMethod]
        public void DesfireAnswersAtqa0344AndSak20WithCascadeBitAtLevel1()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Desfire(Uid7));
            CollectionAssert.AreEqual(new byte[] { 0x44, 0x03 }, chip.Reqa().Data);
            var level1 = chip.Transceive(new byte[] { 0x93, 0x20 });
            CollectionAssert.AreEqual(new byte[] { 0x88, 0x04, 0x11, 0x22, 0x88 ^ 0x04 ^ 0x11 ^ 0x22 }, level1.Data);
            var sak1 = chip.TransceiveWithCrc(0x93, 0x70, 0x88, 0x04, 0x11, 0x22, 0x88 ^ 0x04 ^ 0x11 ^ 0x22);
            Assert.AreEqual(0x04, sak1.Data[0]);
            Assert.AreEqual(3, sak1.Data.Length);
            Assert.IsTrue(LeoCarte.Drivers.Iso14443.CrcA.Check(sak1.Data, 0, 3), "SAK 04h + CRC_A");
            byte[] uid = chip.Select(out byte sak, out _);
            Assert.IsNull(uid, "a card in READY at level 2 does not answer a level-1 anticollision");
        }

        [TestMethod]
        public void TwoCardsCollideAtTheFirstDifferingBit()
        {
            var chip = Chip.New().Init();
            // UIDs differ first at bit 2 of byte 1 (0x10 vs 0x14): CLn bit 10 → CollPos 11.
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 0x11, 0x10, 0x20, 0x30 }));
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 0x11, 0x14, 0x20, 0x30 }));
            var atqa = chip.Reqa();
            CollectionAssert.AreEqual(new byte[] { 0x04, 0x00 }, atqa.Data, "identical ATQAs do not collide");
            chip.Write(Register.Coll, 0x00);
            var anticollision = chip.Transceive(new byte[] { 0x93, 0x20 });
            Assert.AreEqual(Mfrc522Simulator.CollErr, anticollision.Error & Mfrc522Simulator.CollErr);
            Assert.AreEqual(0, anticollision.Error & Mfrc522Simulator.ParityErr);
            Assert.AreEqual(0, anticollision.Coll & 0x20, "CollPosNotValid clear");
            Assert.AreEqual(11, anticollision.Coll & 0x1F);
            Assert.AreEqual(0x11, anticollision.Data[0]);
            Assert.AreEqual(0x00, anticollision.Data[1], "ValuesAfterColl = 0: the colliding bit 2 and every later bit (bit 4 too) read 0");
            Assert.AreEqual(0x00, anticollision.Data[2]);
        }

        [TestMethod]
        public void ValuesAfterCollSetGivesTheWiredOr()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 0x11, 0x10, 0x20, 0x30 }));
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 0x11, 0x14, 0x21, 0x30 }));
            chip.Reqa();
            chip.Write(Register.Coll, 0x80);
            var anticollision = chip.Transceive(new byte[] { 0x93, 0x20 });
            Assert.AreEqual(0x14, anticollision.Data[1]);
            Assert.AreEqual(0x21, anticollision.Data[2]);
        }

        [TestMethod]
        public void PartialAnticollisionFrameUsesRxAlignAndRxLastBits()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 0xA5, 0x10, 0x20, 0x30 }));
            chip.Reqa();
            // Send SEL, NVB = 25h (2 bytes + 5 bits) with the 5 known bits of A5h; the card answers bits 5..39.
            var r = chip.Transceive(new byte[] { 0x93, 0x25, 0x05 }, txLastBits: 5, rxAlign: 5);
            Assert.AreEqual(5, r.Data.Length);
            Assert.AreEqual(0xA0, r.Data[0] & 0xE0, "bits 5..7 of A5h stored from bit 5");
            CollectionAssert.AreEqual(new byte[] { 0x10, 0x20, 0x30, 0xA5 ^ 0x10 ^ 0x20 ^ 0x30 }, new[] { r.Data[1], r.Data[2], r.Data[3], r.Data[4] });
            Assert.AreEqual(0, r.LastBits);
            Assert.AreEqual(0, r.Error);
        }

        [TestMethod]
        public void NonMatchingPrefixKeepsTheCardSilent()
        {
            var chip = Chip.New().Init();
            chip.Sim.Field.Add(VirtualCard.Classic1K(new byte[] { 0xA5, 0x10, 0x20, 0x30 }));
            chip.Reqa();
            var r = chip.Transceive(new byte[] { 0x93, 0x28, 0x5A }, txLastBits: 0);
            Assert.IsTrue(r.TimedOut);
        }

        [TestMethod]
        public void HaltedCardAnswersWupaButNotReqa()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Reqa();
            chip.Select(out _, out _);
            Assert.AreEqual(CardState.Active, card.State);
            Assert.IsTrue(chip.Hlta().TimedOut, "HLTA is not answered");
            Assert.AreEqual(CardState.Halt, card.State);
            Assert.IsTrue(chip.Reqa().TimedOut);
            CollectionAssert.AreEqual(new byte[] { 0x04, 0x00 }, chip.Wupa().Data);
            Assert.AreEqual(CardState.Ready, card.State);
            Assert.IsTrue(card.WokenFromHalt);
            // READY*: an unexpected command sends it back to HALT, not IDLE (ISO/IEC 14443-3 §6.3).
            chip.TransceiveWithCrc(0x30, 0x04);
            Assert.AreEqual(CardState.Halt, card.State);
        }

        [TestMethod]
        public void RemovingTheCardPowersItOffAndAddingItBackStartsInIdle()
        {
            var chip = Chip.New().Init();
            var card = chip.Sim.Field.Add(VirtualCard.Classic1K(Uid4));
            chip.Reqa();
            chip.Select(out _, out _);
            chip.Hlta();
            chip.Sim.Field.Remove(card);
            Assert.AreEqual(CardState.PowerOff, card.State);
            Assert.IsTrue(chip.Reqa().TimedOut);
            chip.Sim.Field.Add(card);
            Assert.AreEqual(CardState.Idle, card.State);
            Assert.AreEqual(2, chip.Reqa().Data.Length);
        }

        [TestMethod]
        public void CardsCanBeAddedBetweenTransfersFromTheHook()
        {
            var chip = Chip.New().Init();
            var card = VirtualCard.Classic1K(Uid4);
            chip.Sim.BeforeTransfer += sim =>
            {
                if (sim.Costs.Transfers == 20 && !sim.Field.Contains(card))
                {
                    sim.Field.Add(card);
                }
            };
            Assert.IsTrue(chip.Reqa().TimedOut);
            CollectionAssert.AreEqual(new byte[] { 0x04, 0x00 }, chip.Reqa().Data);
        }

        [TestMethod]
        public void RandomCardMixesAreEachSelectedExactlyOnceByAnticollisionAndHlta()
        {
            var random = new Random(1234);
            for (int round = 0; round < 40; round++)
            {
                var chip = Chip.New(seed: round).Init();
                int count = 1 + random.Next(4);
                var cards = new List<VirtualCard>();
                for (int i = 0; i < count; i++)
                {
                    int size = new[] { 4, 7, 10 }[random.Next(3)];
                    var uid = new byte[size];
                    random.NextBytes(uid);
                    if (uid[0] == 0x88)
                    {
                        uid[0] = 0x08;
                    }

                    if (size == 4)
                    {
                        uid[1] = (byte)(uid[1] & 0xF0 | i); // distinct UIDs
                    }
                    else
                    {
                        uid[size - 1] = (byte)i;
                    }

                    VirtualCard card = random.Next(3) switch
                    {
                        0 => VirtualCard.Classic1K(uid),
                        1 => VirtualCard.Classic4K(uid),
                        _ => size == 7 ? VirtualCard.Desfire(uid) : VirtualCard.Classic1K(uid),
                    };
                    cards.Add(chip.Sim.Field.Add(card));
                }

                var seen = new List<string>();
                for (int attempt = 0; attempt < 10 && seen.Count < count; attempt++)
                {
                    if (chip.Reqa().Data.Length == 0)
                    {
                        break;
                    }

                    byte[] uid = chip.Select(out _, out _);
                    Assert.IsNotNull(uid, "round " + round);
                    seen.Add(Convert.ToHexString(uid));
                    chip.Hlta();
                }

                Assert.AreEqual(count, seen.Count, "round " + round);
                foreach (var card in cards)
                {
                    Assert.AreEqual(1, seen.FindAll(s => s == Convert.ToHexString(card.Uid)).Count, "round " + round + " " + card);
                    Assert.AreEqual(1, card.Selections);
                    Assert.AreEqual(CardState.Halt, card.State);
                }
            }
        }
    }
}
