#nullable enable
using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>Every chip error condition maps to its result code, and no operation can wait without bound.</summary>
[TestClass]
public class ScriptedResultCodeTests
{
    [TestMethod]
    [DataRow((byte)0x01, ReaderResult.Protocol)]   // ProtocolErr
    [DataRow((byte)0x02, ReaderResult.Protocol)]   // ParityErr
    [DataRow((byte)0x04, ReaderResult.Crc)]        // CRCErr
    [DataRow((byte)0x08, ReaderResult.Collision)]  // CollErr
    [DataRow((byte)0x10, ReaderResult.Protocol)]   // BufferOvfl: the card sent more than the FIFO holds
    [DataRow((byte)0x40, ReaderResult.ChipFault)]  // TempErr: the chip switched its drivers off
    [DataRow((byte)0x80, ReaderResult.ChipFault)]  // WrErr
    public void ErrorRegisterBitsBecomeResultCodes(byte errorBits, ReaderResult expected)
    {
        var (fake, chip, _, _) = ScriptedChipDriverTests.Rig();
        fake.OnTransmit = (_, _, _) => new ScriptedAnswer { Data = new byte[] { 1, 2, 3 }, Error = errorBits, Coll = 0x05 };
        var answer = new byte[16];
        Assert.AreEqual(expected, chip.Transceive(new byte[] { 0x30, 0x04 }, 0, 2, 0, 0, 20, answer, 0, 16));
        if (expected == ReaderResult.Collision)
        {
            Assert.AreEqual(5, chip.CollisionPosition);
        }

        // The next exchange starts clean: the chip is stopped and the FIFO flushed before it.
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(9, 8);
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(new byte[] { 0x30, 0x04 }, 0, 2, 0, 0, 20, answer, 0, 16));
        Assert.AreEqual(2, chip.ResponseLength);
        Assert.AreEqual(9, answer[0]);
    }

    [TestMethod]
    public void HaltAnsweredIsAProtocolErrorAndSilenceIsSuccess()
    {
        var (fake, _, picc, _) = ScriptedChipDriverTests.Rig();
        fake.OnTransmit = (_, _, _) => null;
        Assert.AreEqual(ReaderResult.Ok, picc.Halt());
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.FourBits(0x04);
        Assert.AreEqual(ReaderResult.Protocol, picc.Halt());
        Assert.AreEqual(4, fake.SentFrames[^1].Length, "HLTA carries its CRC_A (software, chip CRC off)");
        Assert.IsTrue(CrcA.Check(fake.SentFrames[^1], 0, 4));
    }

    [TestMethod]
    public void MalformedAnswersDuringActivationAreProtocolErrors()
    {
        var (fake, _, picc, _) = ScriptedChipDriverTests.Rig();
        var card = new CardIdentity();
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(0x04);
        Assert.AreEqual(ReaderResult.Protocol, picc.RequestA(card), "ATQA of one byte");

        // Anticollision answer longer than UID CLn + BCC.
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(1, 2, 3, 4, 5, 6);
        Assert.AreEqual(ReaderResult.Protocol, picc.Select(card));

        // SAK of two bytes.
        fake.OnTransmit = (frame, _, _) => frame.Length == 2 ? ScriptedAnswer.Bytes(1, 2, 3, 4, 4) : ScriptedAnswer.Bytes(0x08, 0xB6);
        Assert.AreEqual(ReaderResult.Protocol, picc.Select(card));

        // Cascade bit set at level 1 but the UID CLn does not start with the cascade tag.
        fake.OnTransmit = (frame, _, _) => frame.Length == 2 ? ScriptedAnswer.Bytes(1, 2, 3, 4, 4) : ScriptedAnswer.WithCrc(0x04);
        Assert.AreEqual(ReaderResult.Protocol, picc.Select(card));

        // Collision whose position gives no progress.
        fake.OnTransmit = (_, _, _) => new ScriptedAnswer { Data = new byte[5], Error = 0x08, Coll = 0x20 };
        Assert.AreEqual(ReaderResult.Collision, picc.Select(card));

        // RATS: TL that matches neither the answer nor the answer minus its CRC.
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.WithCrc(0x09, 0x75, 0x77);
        Assert.AreEqual(ReaderResult.Protocol, picc.RequestAts(new AtsInfo()));
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.WithCrc(0x06, 0x75, 0x77, 0x81, 0x02, 0x80);
        var ats = new AtsInfo();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestAts(ats));
        Assert.AreEqual(0x80, ats.HistoricalByte(0));
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.WithCrc(0xC2);
        Assert.AreEqual(ReaderResult.Ok, picc.DeselectCard());
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.WithCrc(0xA2);
        Assert.AreEqual(ReaderResult.Protocol, picc.DeselectCard());
    }

    [TestMethod]
    public void InvalidArgumentsAreRefusedBeforeTouchingTheCard()
    {
        var (fake, chip, picc, _) = ScriptedChipDriverTests.Rig();
        var classic = new MifareClassic(chip);
        var card = new CardIdentity();
        int before = fake.Transfers;
        Assert.AreEqual(ReaderResult.InvalidArgument, classic.Authenticate(MifareKeyType.KeyA, 4, new byte[5], 0, card));
        Assert.AreEqual(ReaderResult.InvalidArgument, classic.Authenticate(MifareKeyType.KeyA, 256, new byte[6], 0, card));
        Assert.AreEqual(ReaderResult.InvalidArgument, classic.ReadBlock(4, new byte[15], 0));
        Assert.AreEqual(ReaderResult.InvalidArgument, classic.WriteBlock(4, new byte[16], 1));
        Assert.AreEqual(ReaderResult.InvalidArgument, picc.SelectKnownUid(card));
        Assert.AreEqual(ReaderResult.InvalidArgument, chip.Transceive(new byte[1], 0, 1, 8, 0, 20, new byte[4], 0, 4));
        Assert.AreEqual(ReaderResult.BufferTooSmall, chip.RunSelfTest(new byte[10]));
        Assert.AreEqual(before, fake.Transfers);
    }

    [TestMethod]
    public void EveryOperationIsBoundedWhenTheChipNeverCompletes()
    {
        foreach (bool irq in new[] { true, false })
        {
            var (fake, chip, picc, _) = ScriptedChipDriverTests.Rig(irq);
            fake.TimerNeverFires = true;
            fake.OnTransmit = (_, _, _) => null;
            fake.OnAuthenticate = _ => false;
            var card = new CardIdentity();
            var known = new CardIdentity { UidLength = 7 };
            var classic = new MifareClassic(chip);
            Func<ReaderResult>[] operations =
            {
                () => picc.RequestA(card), () => picc.WakeUpA(card), () => picc.Select(card), () => picc.SelectKnownUid(known),
                picc.Halt, () => picc.RequestAts(new AtsInfo()), picc.DeselectCard,
                () => classic.Authenticate(MifareKeyType.KeyB, 4, new byte[6], 0, known), () => classic.ReadBlock(4, new byte[16], 0),
                () => classic.WriteBlock(4, new byte[16], 0),
            };
            foreach (var operation in operations)
            {
                long start = fake.NowMicroseconds;
                ReaderResult result = operation();
                Assert.AreEqual(ReaderResult.ChipFault, result, "irq " + irq + " operation " + Array.IndexOf(operations, operation));
                Assert.IsTrue(fake.NowMicroseconds - start < 30_000, "bounded wait, irq " + irq + ": " + (fake.NowMicroseconds - start) + " µs");
            }

            // A stalled chip (reads 0x00) cannot be initialized: ChipFault after bounded waits, no hang.
            fake.Stalled = true;
            long t = fake.NowMicroseconds;
            Assert.AreEqual(ReaderResult.ChipFault, chip.Initialize());
            Assert.AreEqual(ReaderResult.ChipFault, chip.RunSelfTest(new byte[64]));
            Assert.IsTrue(fake.NowMicroseconds - t < 200_000);
        }
    }
}
