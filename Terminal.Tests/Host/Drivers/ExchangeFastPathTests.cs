#nullable enable
using System;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// The exchange's cached state and its short path (Mfrc522Chip.TransceiveFrame: ready-made transfer buffers, the wait
/// written out for the usual IRQ-line case, the plain answer collected without ErrorReg decoding) against
/// <see cref="ScriptedChip"/>: what a failed exchange leaves behind is undone by the next one, a spurious interrupt is
/// not an answer, BitFramingReg follows every framing change, and the transfer counters stay exact.
/// </summary>
[TestClass]
public class ExchangeFastPathTests
{
    private static readonly byte[] Read4 = { 0x30, 0x04 };

    private static string[] LogSince(ScriptedChip fake, int from) => fake.Log.Skip(from).ToArray();

    [TestMethod]
    public void ACleanExchangeAfterACleanExchangeIsSixTransfers()
    {
        var (fake, chip, _, _) = ScriptedChipDriverTests.Rig();
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(1, 2, 3);
        var answer = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
        int from = fake.Log.Count;
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
        CollectionAssert.AreEqual(new[] { "W 04 2", "W 0D 2", "W 09 3", "W 0D 2", "R 7", "R 4" }, LogSince(fake, from),
            "clear ComIrq, BitFraming, FIFO, StartSend, status, FIFO: " + string.Join(" | ", LogSince(fake, from)));
        Assert.AreEqual(3, chip.ResponseLength);
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, answer.Take(3).ToArray());
    }

    [TestMethod]
    public void AfterATimeoutTheNextExchangeStopsTheReceiverAndStartsTransceiveAgain()
    {
        var (fake, chip, _, _) = ScriptedChipDriverTests.Rig();
        var answer = new byte[16];
        fake.OnTransmit = (_, _, _) => null;
        Assert.AreEqual(ReaderResult.Timeout, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
        Assert.AreEqual(0, chip.ResponseLength);

        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(7, 8);
        int from = fake.Log.Count;
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
        string[] log = LogSince(fake, from);
        Assert.AreEqual("W 01 2", log[0], "Idle first: the receiver may still be waiting (" + string.Join(" | ", log) + ")");
        Assert.AreEqual(2, log.Count(l => l == "W 01 2"), "Idle, then Transceive again");
        Assert.AreEqual(0, log.Count(l => l == "W 0A 2"), "nothing arrived: no FIFO flush");
        Assert.AreEqual(2, chip.ResponseLength);
        Assert.AreEqual(7, answer[0]);

        // And the one after is the six-transfer exchange again.
        from = fake.Log.Count;
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
        Assert.AreEqual(6, LogSince(fake, from).Length);
    }

    [TestMethod]
    public void AnAnswerTooLongForTheCallerIsRefusedAndFlushedBeforeTheNextExchange()
    {
        var (fake, chip, _, _) = ScriptedChipDriverTests.Rig();
        var answer = new byte[16];
        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(1, 2, 3, 4, 5);
        Assert.AreEqual(ReaderResult.BufferTooSmall, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 4));
        Assert.AreEqual(0, chip.ResponseLength);
        Assert.AreEqual(ReaderResult.BufferTooSmall, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 14, 16), "capacity beyond the array");
        Assert.AreEqual(0, answer[14]);

        fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(9);
        int from = fake.Log.Count;
        Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 4));
        Assert.IsTrue(LogSince(fake, from).Contains("W 0A 2"), "the stale bytes are flushed first");
        Assert.AreEqual(1, chip.ResponseLength);
        Assert.AreEqual(9, answer[0], "the new answer, not a stale byte");
    }

    [TestMethod]
    public void ASpuriousInterruptIsNotTakenForTheAnswer()
    {
        foreach (int reads in new[] { 2, 3, 6 })
        {
            var (fake, chip, picc, _) = ScriptedChipDriverTests.Rig();
            fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(0x44, 0x00);
            fake.StatusReadsBeforeAnswer = reads;
            var card = new CardIdentity();
            Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card), "held for " + reads + " status reads");
            Assert.AreEqual(0x0044, card.Atqa);
            Assert.AreEqual(reads, fake.Log.Count(l => l == "R 7"), "one status read per assertion of the line");
            Assert.IsTrue(chip.IrqLineUsable, "the line did signal: it stays trusted");
            Assert.AreEqual(0, chip.ChipFaults);
        }
    }

    [TestMethod]
    public void BitFramingFollowsEveryChangeOfTxLastBitsAndRxAlign()
    {
        var (fake, chip, _, _) = ScriptedChipDriverTests.Rig();
        int seenTx = -1, seenRx = -1;
        fake.OnTransmit = (_, tx, rx) =>
        {
            seenTx = tx;
            seenRx = rx;
            return ScriptedAnswer.Bytes(1, 2);
        };
        var answer = new byte[16];
        var frame = new byte[] { 0x93, 0x25, 0x05 };
        foreach (var (tx, rx) in new[] { (7, 0), (7, 0), (0, 0), (5, 5), (0, 0), (3, 6), (7, 0), (0, 0), (0, 0) })
        {
            Assert.AreEqual(ReaderResult.Ok, chip.Transceive(frame, 0, 3, tx, rx, 20, answer, 0, 16));
            Assert.AreEqual(tx, seenTx, "TxLastBits");
            Assert.AreEqual(rx, seenRx, "RxAlign");
            Assert.AreEqual((rx << 4) | tx | 0x80, fake.Registers[Register.BitFraming], "StartSend with the framing");
        }
    }

    [TestMethod]
    public void AfterMfAuthentAWholeByteFrameNeedsNoBitFramingWrite()
    {
        var (fake, chip, picc, field) = ScriptedChipDriverTests.Rig();
        field.Add(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, 0x08, 0x0004);
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
        Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
        var classic = new MifareClassic(chip);
        fake.OnAuthenticate = _ => true;
        Assert.AreEqual(ReaderResult.Ok, classic.Authenticate(MifareKeyType.KeyA, 4, new byte[6], 0, card));
        Assert.AreEqual(0, fake.Registers[Register.BitFraming], "MFAuthent runs with BitFramingReg all zero");

        fake.OnTransmit = (_, _, _) => ScriptedAnswer.WithCrc(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        int from = fake.Log.Count;
        long chipTransfers = chip.Transfers;
        var block = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, classic.ReadBlock(4, block, 0));
        string[] log = LogSince(fake, from);
        Assert.AreEqual(1, log.Count(l => l == "W 0D 2"), "only StartSend: " + string.Join(" | ", log));
        Assert.AreEqual((long)log.Length, chip.Transfers - chipTransfers, "the skipped write is not counted");
        Assert.AreEqual(15, block[15]);
    }

    [TestMethod]
    public void TransferCountersMatchTheBusOverEveryKindOfExchange()
    {
        foreach (bool irq in new[] { true, false })
        {
            var (fake, chip, picc, field) = ScriptedChipDriverTests.Rig(irq);
            long busTransfers = fake.Transfers - chip.Transfers;
            long busBytes = fake.Bytes - chip.TransferredBytes;
            var card = new CardIdentity();
            var answer = new byte[16];

            // Empty field, a card (with a collision of two), errors, a spurious interrupt, a short buffer, a 4-bit answer.
            Assert.AreEqual(ReaderResult.Timeout, picc.RequestA(card));
            field.Add(new byte[] { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 }, 0x20, 0x0044);
            field.Add(new byte[] { 0x04, 0x11, 0x22, 0x37, 0x44, 0x55, 0x66 }, 0x20, 0x0044);
            Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
            Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
            Assert.AreEqual(1, picc.LastSelectCollisions);
            Assert.AreEqual(ReaderResult.Ok, picc.Halt());
            fake.OnTransmit = (_, _, _) => new ScriptedAnswer { Data = new byte[] { 1, 2 }, Error = 0x04 };
            Assert.AreEqual(ReaderResult.Crc, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
            fake.OnTransmit = (_, _, _) => ScriptedAnswer.Bytes(1, 2, 3, 4, 5);
            Assert.AreEqual(ReaderResult.BufferTooSmall, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 2));
            fake.StatusReadsBeforeAnswer = irq ? 3 : 0;
            Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
            fake.StatusReadsBeforeAnswer = 0;
            fake.OnTransmit = (_, _, _) => ScriptedAnswer.FourBits(0x0A);
            Assert.AreEqual(ReaderResult.Ok, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
            fake.OnTransmit = (_, _, _) => new ScriptedAnswer { Data = Array.Empty<byte>(), Error = 0x01 };
            Assert.AreEqual(ReaderResult.Protocol, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));
            fake.TimerNeverFires = true;
            fake.OnTransmit = (_, _, _) => null;
            Assert.AreEqual(ReaderResult.ChipFault, chip.Transceive(Read4, 0, 2, 0, 0, 20, answer, 0, 16));

            Assert.AreEqual(fake.Transfers - busTransfers, chip.Transfers, "transfers, IRQ line " + irq);
            Assert.AreEqual(fake.Bytes - busBytes, chip.TransferredBytes, "bytes, IRQ line " + irq);
        }
    }

    [TestMethod]
    public void TheSelectFramesCarryTheirCrcAAtEveryCascadeLevelAndABadSakCrcIsRefused()
    {
        var (fake, _, picc, field) = ScriptedChipDriverTests.Rig();
        var uid = new byte[] { 0x08, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x13 };
        field.Add(uid, 0x20, 0x0084);
        var card = new CardIdentity();
        Assert.AreEqual(ReaderResult.Ok, picc.RequestA(card));
        Assert.AreEqual(ReaderResult.Ok, picc.Select(card));
        Assert.AreEqual(10, card.UidLength);
        CollectionAssert.AreEqual(uid, card.Uid.Take(10).ToArray());
        var selects = fake.SentFrames.Where(f => f.Length == 9 && f[1] == 0x70).ToArray();
        CollectionAssert.AreEqual(new byte[] { 0x93, 0x95, 0x97 }, selects.Select(f => f[0]).ToArray());
        foreach (byte[] select in selects)
        {
            Assert.IsTrue(CrcA.Check(select, 0, 9), "SELECT " + select[0].ToString("X2"));
        }

        // A SAK whose CRC_A is wrong in either byte is a CRC error, at any level.
        foreach (int corrupt in new[] { 1, 2 })
        {
            fake.OnTransmit = (frame, _, _) =>
            {
                if (frame.Length != 9)
                {
                    return ScriptedAnswer.Bytes(0xDE, 0xAD, 0xBE, 0xEF, 0xDE ^ 0xAD ^ 0xBE ^ 0xEF);
                }

                ScriptedAnswer sak = ScriptedAnswer.WithCrc(0x08);
                sak.Data[corrupt] ^= 0x01;
                return sak;
            };
            Assert.AreEqual(ReaderResult.Crc, picc.Select(card));
        }
    }
}
