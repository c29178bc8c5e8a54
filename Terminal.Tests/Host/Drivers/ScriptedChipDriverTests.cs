using System;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>The chip driver and the ISO 14443-3A layer against <see cref="ScriptedChip"/> (no simulator needed).</summary>
[TestClass]
public class ScriptedChipDriverTests
{
    internal static (ScriptedChip fake, Mfrc522Chip chip, Iso14443TypeA picc, ScriptedField field) Rig(bool irq = true)
    {
        var fake = new ScriptedChip();
        var field = new ScriptedField();
        fake.OnTransmit = field.Answer;
        var chip = new Mfrc522Chip(fake, fake, new Mfrc522Options { UseIrqPin = irq });
        Assert.AreEqual(ReaderResult.Ok, chip.Initialize());
        return (fake, chip, new Iso14443TypeA(chip), field);
    }

    [TestMethod]
    public void InitializeConfiguresTimerAntennaGainAndIrq()
    {
        var fake = new ScriptedChip();
        var chip = new Mfrc522Chip(fake, fake, new Mfrc522Options { ReceiverGain = 7 });
        Assert.AreEqual(ReaderResult.Ok, chip.Initialize());
        Assert.AreEqual(ChipKind.Mfrc522Version2, chip.Kind);
        Assert.AreEqual(0x81, fake.Registers[Register.TMode], "TAuto and prescaler high nibble");
        Assert.AreEqual(0x53, fake.Registers[Register.TPrescaler]);
        Assert.AreEqual(20, fake.Registers[Register.TReloadLow], "1 ms short timeout, not 25 ms");
        Assert.AreEqual(0x03, fake.Registers[Register.TxControl] & 0x03, "antenna on");
        Assert.AreEqual(0x70, fake.Registers[Register.RfCfg] & 0x70, "48 dB gain");
        Assert.AreEqual(0x40, fake.Registers[Register.TxAsk]);
        Assert.AreEqual(0x00, fake.Registers[Register.Coll] & 0x80, "ValuesAfterColl cleared");
        Assert.AreEqual(0xB1, fake.Registers[Register.ComIEn]);
    }

    [TestMethod]
    [DataRow((byte)0x00)]
    [DataRow((byte)0xFF)]
    [DataRow((byte)0x90)]
    public void UnusableVersionIsAChipFault(byte version)
    {
        var fake = new ScriptedChip { VersionValue = version };
        var chip = new Mfrc522Chip(fake, fake, null);
        Assert.AreEqual(ReaderResult.ChipFault, chip.Initialize());
        Assert.AreEqual(1, chip.ChipFaults);
    }

    [TestMethod]
    public void CloneIsUsableAndReportedAsClone()
    {
        var fake = new ScriptedChip { VersionValue = 0x88 };
        var chip = new Mfrc522Chip(fake, fake, null);
        Assert.AreEqual(ReaderResult.Ok, chip.Initialize());
        Assert.AreEqual(ChipKind.KnownClone, chip.Kind);
    }

    [TestMethod]
    public void SelfTestComparesWithTheDatasheetFigure()
    {
        var fake = new ScriptedChip { VersionValue = 0x91 };
        var chip = new Mfrc522Chip(fake, fake, null);
        Assert.AreEqual(ReaderResult.Ok, chip.Initialize());
        var output = new byte[64];
        Assert.AreEqual(ReaderResult.Ok, chip.RunSelfTest(output));
        Assert.IsTrue(chip.SelfTestHadReference);
        CollectionAssert.AreEqual(ChipVersion.SelfTestReference(0x91), output);
        Assert.AreEqual(0x00, fake.Registers[Register.AutoTest], "self-test switched off again");
        Assert.AreEqual(0x03, fake.Registers[Register.TxControl] & 0x03, "re-initialized afterwards");

        fake.VersionValue = 0x12;
        Assert.AreEqual(ReaderResult.Protocol, chip.RunSelfTest(output), "no reference: cannot pass");
        Assert.IsFalse(chip.SelfTestHadReference);
    }

    [TestMethod]
    public void EmptyFieldPollIsAFewTransfersAndEndsOnTheChipTimer()
    {
        var (fake, chip, picc, _) = Rig();
        var card = new CardIdentity();
        picc.RequestA(card);
        int before = fake.Transfers;
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card));
        int transfers = fake.Transfers - before;
        Assert.IsTrue(transfers <= 10, "transfers " + transfers);
        Assert.AreEqual(1, fake.Log.Skip(fake.Log.Count - transfers).Count(l => l.StartsWith("R")), "one status read: the IRQ line ended the wait");
    }

    [TestMethod]
    public void WithoutIrqLineTheWaitPollsStatusButStaysBounded()
    {
        var (fake, chip, picc, _) = Rig(irq: false);
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card));
        fake.TimerNeverFires = true;
        int before = fake.Transfers;
        Assert.AreEqual(ReaderResult.ChipFault, picc.RequestA(card), "a timer that never fires is a chip fault, not a hang");
        Assert.IsTrue(fake.Transfers - before <= chip.Options.MaxStatusReads + 4 * chip.Options.ShortTimeoutTicks + 10);
    }

    [TestMethod]
    public void LongTimeoutWithoutIrqLineEndsAsTimeoutNotChipFault()
    {
        var (fake, chip, _, _) = Rig(irq: false);
        var answer = new byte[8];
        long start = fake.NowMicroseconds;
        fake.TimerNeverFires = true;
        fake.OnTransmit = (_, _, _) => null;
        // The fake's timer never fires: only the bounds end the wait, after the 10 ms timer plus the margin.
        Assert.AreEqual(ReaderResult.ChipFault, chip.Transceive(new byte[] { 1 }, 0, 1, 0, 0, 200, answer, 0, 8));
        Assert.IsTrue(fake.NowMicroseconds - start >= 10_000, "waited the whole timer before calling it a fault");
        fake.TimerNeverFires = false;
        Assert.AreEqual(ReaderResult.Timeout, chip.Transceive(new byte[] { 1 }, 0, 1, 0, 0, 200, answer, 0, 8));
    }

    [TestMethod]
    public void FifoIsWrittenAndReadInOneTransferEach()
    {
        var (fake, chip, _, _) = Rig();
        fake.OnTransmit = (frame, _, _) => ScriptedAnswer.Bytes(Enumerable.Range(0, 18).Select(i => (byte)i).ToArray());
        var data = new byte[16];
        var answer = new byte[64];
        fake.Log.Clear();
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(data, 0, 16, 0, 0, 20, answer, 0, 64));
        Assert.AreEqual(18, chip.ResponseLength);
        Assert.AreEqual(1, fake.Log.Count(l => l == "W 09 17"), "16 FIFO bytes in one write");
        Assert.AreEqual(17, answer[17]);
        Assert.IsTrue(fake.Log.Count <= 7, string.Join(",", fake.Log));
    }

    [TestMethod]
    public void AnswerLargerThanTheBufferIsReportedNotOverrun()
    {
        var (fake, chip, _, _) = Rig();
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(new byte[20]);
        var answer = new byte[8];
        Assert.AreEqual(ReaderResult.BufferTooSmall, chip.Transceive(new byte[] { 1 }, 0, 1, 0, 0, 20, answer, 0, 8));
        Assert.AreEqual(ReaderResult.InvalidArgument, chip.Transceive(new byte[70], 0, 65, 0, 0, 20, answer, 0, 8));
    }

    [TestMethod]
    [DataRow("04a1b2c3", (byte)0x08, (ushort)0x0004)]
    [DataRow("04a1b2c3d4e5f6", (byte)0x20, (ushort)0x0344)]
    [DataRow("04a1b2c3d4e5f60718", (byte)0x00, (ushort)0x0084)]
    public void SelectsEveryUidSize(string hex, byte sak, ushort atqa)
    {
        if (hex.Length == 18)
        {
            hex += "29";
        }

        var (_, _, picc, field) = Rig();
        byte[] uid = Convert.FromHexString(hex);
        field.Add(uid, sak, atqa);
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
        Assert.AreEqual(atqa, card.Atqa);
        Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
        Assert.AreEqual(uid.Length, card.UidLength);
        CollectionAssert.AreEqual(uid, card.Uid.Take(card.UidLength).ToArray());
        Assert.AreEqual(sak, card.Sak);
        Assert.AreEqual("Active", field.Cards[0].State);
        Assert.AreEqual(ReaderResult.Ok, picc.Halt());
        Assert.AreEqual("Halt", field.Cards[0].State);
        Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card), "a halted card ignores REQA");
        Assert.AreEqual(ReaderResult.Ok, picc.WakeUpA(card), "but answers WUPA");
        Assert.AreEqual(ReaderResult.Ok, picc.SelectKnownUid(card));
    }

    [TestMethod]
    public void CollisionAtEveryBitPositionIsResolved()
    {
        for (int level = 0; level < 2; level++)
        {
            for (int bit = 0; bit < 32; bit++)
            {
                var (_, _, picc, field) = Rig();
                byte[] a = Convert.FromHexString("04a1b2c3d4e5f6");
                byte[] b = (byte[])a.Clone();
                // Level 1 carries CT + uid0..2 (bit 0..7 is the CT, identical for both); level 2 carries uid3..6.
                int uidBit = level == 0 ? bit - 8 : 24 + bit;
                if (uidBit < 0)
                {
                    continue;
                }

                b[uidBit / 8] ^= (byte)(1 << (uidBit % 8));
                field.Add(a, 0x20, 0x0344);
                field.Add(b, 0x20, 0x0344);
                SelectAllOnce(picc, field, $"level {level} bit {bit}");
                Assert.IsTrue(picc.CollisionsResolved >= 1);
            }
        }
    }

    [TestMethod]
    public void RandomFieldsOfUpToFourCardsAreEachSelectedExactlyOnce()
    {
        var random = new Random(20261126);
        for (int run = 0; run < 300; run++)
        {
            var (_, _, picc, field) = Rig();
            int count = random.Next(1, 5);
            for (int i = 0; i < count; i++)
            {
                int length = new[] { 4, 7, 10 }[random.Next(3)];
                byte[] uid;
                do
                {
                    uid = new byte[length];
                    random.NextBytes(uid);
                    uid[0] = (byte)(length == 4 ? uid[0] & 0x7F : 0x04);
                    // Close UIDs: copy a prefix of a card already there so collisions land deep in the frame.
                    if (field.Cards.Count > 0 && random.Next(2) == 0)
                    {
                        var other = field.Cards[random.Next(field.Cards.Count)].Uid;
                        Array.Copy(other, uid, random.Next(Math.Min(other.Length, length)));
                    }
                }
                while (field.Cards.Any(c => c.Uid.SequenceEqual(uid)) || (length == 4 && uid[0] == 0x88));

                field.Add(uid, length == 4 ? (byte)0x08 : (byte)0x20, length == 4 ? (ushort)0x0004 : length == 7 ? (ushort)0x0344 : (ushort)0x0084);
            }

            SelectAllOnce(picc, field, "run " + run);
        }
    }

    internal static void SelectAllOnce(Iso14443TypeA picc, ScriptedField field, string label)
    {
        var card = new CardIdentity();
        var seen = new System.Collections.Generic.List<string>();
        for (int round = 0; round < field.Cards.Count + 2; round++)
        {
            ReaderResult request = picc.RequestA(card);
            if (request == ReaderResult.Timeout)
            {
                break;
            }

            Assert.AreEqual(ReaderResult.Ok, request, label);
            Assert.AreEqual(ReaderResult.Ok, picc.Select(card), label);
            seen.Add(Convert.ToHexString(card.Uid, 0, card.UidLength));
            Assert.AreEqual(ReaderResult.Ok, picc.Halt(), label);
        }

        var expected = field.Cards.Select(c => Convert.ToHexString(c.Uid)).OrderBy(s => s).ToList();
        CollectionAssert.AreEqual(expected, seen.OrderBy(s => s).ToList(), label);
    }

    [TestMethod]
    public void SakWithBadCrcAndBadBccAreRejected()
    {
        var (fake, _, picc, field) = Rig();
        field.Add(Convert.FromHexString("11223344"), 0x08, 0x0004);
        var card = new CardIdentity();
        fake.OnTransmit = (frame, bits, align) =>
        {
            var answer = field.Answer(frame, bits, align);
            if (answer != null && frame.Length == 9)
            {
                answer.Data[2] ^= 0x01;
            }

            return answer;
        };
        Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
        Assert.AreEqual(ReaderResult.Crc, picc.Select(card));

        fake.OnTransmit = (frame, bits, align) =>
        {
            var answer = field.Answer(frame, bits, align);
            if (answer != null && frame.Length == 2)
            {
                answer.Data[4] ^= 0x01;
            }

            return answer;
        };
        picc.WakeUpA(card);
        Assert.AreEqual(ReaderResult.Protocol, picc.Select(card));
    }

    [TestMethod]
    public void ClassicAuthenticateReadWriteAndNak()
    {
        var (fake, chip, picc, field) = Rig();
        field.Add(Convert.FromHexString("a1b2c3d4"), 0x08, 0x0004);
        var card = new CardIdentity();
        picc.RequestA(card);
        picc.Select(card);
        var classic = new MifareClassic(chip);
        byte[] key = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
        byte[] authFrame = Array.Empty<byte>();
        fake.OnAuthenticate = frame => { authFrame = frame; return frame[2] == 0xFF; };
        Assert.AreEqual(ReaderResult.Ok, classic.Authenticate(MifareKeyType.KeyA, 4, key, 0, card));
        CollectionAssert.AreEqual(new byte[] { 0x60, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xA1, 0xB2, 0xC3, 0xD4 }, authFrame);
        Assert.IsTrue(chip.Crypto1On);

        var block = Enumerable.Range(0, 16).Select(i => (byte)(0x40 + i)).ToArray();
        fake.OnTransmit = (frame, _, _) => frame[0] == 0x30 ? ScriptedAnswer.WithCrc(block) : null;
        var read = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, classic.ReadBlock(4, read, 0));
        CollectionAssert.AreEqual(block, read);
        Assert.IsTrue(chip.HardwareCrc);

        fake.OnTransmit = (_, _, _) => ScriptedAnswer.FourBits(0x04);
        Assert.AreEqual(ReaderResult.Nak, classic.ReadBlock(4, read, 0));

        int phase = 0;
        fake.OnTransmit = (frame, _, _) => ScriptedAnswer.FourBits(phase++ == 0 ? (byte)0x0A : (byte)0x05);
        Assert.AreEqual(ReaderResult.Nak, classic.WriteBlock(4, block, 0), "a NAK on the data phase is not success");
        Assert.AreEqual(0x05, classic.LastNak);
        phase = 0;
        fake.OnTransmit = (frame, _, _) => ScriptedAnswer.FourBits(0x0A);
        Assert.AreEqual(ReaderResult.Ok, classic.WriteBlock(4, block, 0));
        Assert.AreEqual(18, fake.SentFrames[^1].Length, "16 data bytes + CRC_A from the chip");
        Assert.AreEqual(ReaderResult.InvalidArgument, classic.WriteBlock(0, block, 0));

        classic.EndSession();
        Assert.AreEqual(0, fake.Registers[Register.Status2] & 0x08, "Crypto1 off");

        fake.OnAuthenticate = _ => false;
        Assert.AreEqual(ReaderResult.AuthenticationFailed, classic.Authenticate(MifareKeyType.KeyB, 4, new byte[6], 0, card));
    }

    [TestMethod]
    public void WatchdogRestoresLostAntennaAndResetChip()
    {
        var (fake, chip, _, _) = Rig();
        Assert.AreEqual(ReaderResult.Ok, chip.CheckHealth(false));
        fake.Registers[Register.TxControl] = 0x80; // brown-out cleared the antenna bits
        Assert.AreEqual(ReaderResult.ChipFault, chip.CheckHealth(false));
        Assert.AreEqual(ReaderResult.Ok, chip.Recover());
        Assert.AreEqual(0x03, fake.Registers[Register.TxControl] & 0x03);
        Assert.AreEqual(1, chip.SoftResets);
        Assert.AreEqual(0, chip.HardResets);

        fake.Registers[Register.TMode] = 0x00; // chip reset behind the driver's back
        Assert.AreEqual(ReaderResult.ChipFault, chip.CheckHealth(false));

        fake.Registers[Register.TMode] = 0x81;
        fake.Registers[Register.Status2] = 0x08; // Crypto1 left on
        Assert.AreEqual(ReaderResult.Ok, chip.CheckHealth(false));
        Assert.AreEqual(1, chip.Crypto1Cleared);
        Assert.AreEqual(0, fake.Registers[Register.Status2] & 0x08);
    }

    [TestMethod]
    public void StalledChipIsRecoveredByAHardReset()
    {
        var (fake, chip, _, _) = Rig();
        fake.Stalled = true; // SPI reads return zeros until NRSTPD is pulsed
        Assert.AreEqual(ReaderResult.ChipFault, chip.CheckHealth(false));
        Assert.AreEqual(ReaderResult.Ok, chip.Recover());
        Assert.AreEqual(1, chip.HardResets);
        Assert.AreEqual(1, fake.HardResets);
        Assert.AreEqual(ReaderResult.Ok, chip.CheckHealth(false));
    }
}
