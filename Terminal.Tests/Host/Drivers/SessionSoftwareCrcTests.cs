#nullable enable
using System;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// RATS and PPS sent while the chip's CRC is still off after the anticollision (Iso14443TypeA.Pps.cs): CRC_A appended and
/// checked in software, the chip's CRC switched on with the session rate (TxModeReg/RxModeReg written once). The kept
/// card's session opening takes 16 SPI transfers instead of 18; a corrupted ATS or PPS answer is a CRC error, never a
/// malformed ATS; without PPS the ISO-DEP exchanges switch the chip's CRC on themselves.
/// </summary>
[TestClass]
public class SessionSoftwareCrcTests
{
    private static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Uid = Convert.FromHexString("04512C7A9B3D80");
    private static readonly byte[] Key = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
    private static readonly byte[] RandomA = Convert.FromHexString("B98F4C50CF1C2E084FD150E33992B048");

    private static DesfireCard Personalised()
    {
        var card = VirtualCard.Desfire(Uid);
        var app = card.AddApplication(SiteAid);
        app.Keys[0] = new byte[16];
        app.Keys[1] = (byte[])Key.Clone();
        app.Files[1] = new DesfireCard.DataFile { Data = Enumerable.Range(0, 16).Select(i => (byte)(i * 5)).ToArray(), CommMode = 1, ReadKey = 1 };
        return card;
    }

    private static (Mfrc522Simulator Sim, CardReader Reader, DesfireCard Card) KeptCard(int sessionBitRate = 2)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions { KeepIso14443_4CardActive = true, SessionBitRate = sessionBitRate });
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        var card = Personalised();
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        Assert.IsFalse(reader.Chip.HardwareCrc, "the anticollision leaves the chip's CRC off");
        return (sim, reader, card);
    }

    private static ReaderResult Prove(CardReader reader, byte[] data)
    {
        ReaderResult r = reader.Desfire.SelectApplication(SiteAid, 0);
        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.Authenticate(1, Key, 0, RandomA, 0);
        }

        return r == ReaderResult.Ok ? reader.Desfire.ReadDataMac(1, 0, 16, data, 0) : r;
    }

    [TestMethod]
    public void RatsAndPpsWithSoftwareCrcOpenTheSessionIn16Transfers()
    {
        var (sim, reader, card) = KeptCard();
        long before = sim.Costs.Transfers;
        var ats = new AtsInfo();
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(ats));
        long transfers = sim.Costs.Transfers - before;
        Console.WriteLine($"session opening of a kept DESFire (RATS, PPS to 424 kbit/s): {transfers} SPI transfers");
        Assert.AreEqual(16, transfers, "timer reload, RATS 6, PPS 6, TxModeReg + RxModeReg (CRC on, 424), ModWidthReg");
        Assert.IsTrue(ats.DesfireFactory);
        Assert.AreEqual(AtsMatch.DesfireDefault, reader.SessionAts);
        Assert.IsTrue(reader.Chip.HardwareCrc, "the switch to the session rate turned the chip's CRC on");
        Assert.AreEqual(2, reader.Chip.BitRate);
        Assert.AreEqual(1, card.PpsAnswered);

        var data = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, Prove(reader, data));
        CollectionAssert.AreEqual(card.Applications[0].Files[1].Data, data);
        reader.ParkCard();
        Assert.IsFalse(reader.Chip.HardwareCrc, "back to 106 kbit/s with the CRC off, as the next Poll needs it");
        Assert.AreEqual(0, reader.Chip.BitRate);

        // The first resting check after the session differs from the next one by the timer reload alone (the DESELECT ran
        // with the medium timeout): no TxModeReg/RxModeReg write, the close left them as the WUPA needs them.
        long t0 = sim.Costs.Transfers;
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(new CardReadResult()));
        long t1 = sim.Costs.Transfers;
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(new CardReadResult()));
        long t2 = sim.Costs.Transfers;
        Console.WriteLine($"resting checks after the session: {t1 - t0} then {t2 - t1} SPI transfers");
        Assert.AreEqual(t2 - t1 + 1 - 2, t1 - t0, "first resting check = the next one + the timer reload - 2 command writes");
    }

    [TestMethod]
    public void WithoutPpsTheIsoDepExchangesSwitchTheChipCrcOn()
    {
        var (_, reader, card) = KeptCard(sessionBitRate: 0);
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.IsFalse(reader.Chip.HardwareCrc, "RATS went with its CRC_A in software");
        Assert.AreEqual(0, card.PpsAnswered);
        var data = new byte[16];
        Assert.AreEqual(ReaderResult.Ok, Prove(reader, data));
        Assert.IsTrue(reader.Chip.HardwareCrc);
        CollectionAssert.AreEqual(card.Applications[0].Files[1].Data, data);
        reader.ParkCard();
        Assert.AreEqual(CardState.Halt, card.State);
    }

    [TestMethod]
    public void ACorruptedAtsIsACrcErrorAndTheSessionStillOpens()
    {
        // Frame 1 of the session is the RATS: its answer corrupted (last byte, bit flipped, collision). The software check
        // must call it a CRC/parity/collision error, never a well-formed non-DESFire ATS, and the kept card falls back.
        foreach (var fault in new[] { RfFault.CrcError, RfFault.BitError, RfFault.Collision })
        {
            var (sim, reader, card) = KeptCard();
            sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + 1, fault);
            var ats = new AtsInfo();
            Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(ats), fault.ToString());
            Assert.AreEqual(1, reader.KeptCardFallbacks, fault.ToString());
            Assert.AreEqual(AtsMatch.DesfireDefault, reader.SessionAts, fault + ": the ATS read again is DESFire's");
            Assert.AreEqual(ReaderResult.Ok, Prove(reader, new byte[16]), fault.ToString());
            reader.ParkCard();
            Assert.AreEqual(CardState.Halt, card.State, fault.ToString());
        }
    }

    [TestMethod]
    public void TheIso14443RequestAtsGivesCrcForACorruptedAnswer()
    {
        var (sim, reader, _) = KeptCard();
        sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + 1, RfFault.CrcError);
        var ats = new AtsInfo();
        Assert.AreEqual(ReaderResult.Crc, reader.Picc.RequestAts(ats));
        Assert.IsFalse(ats.Valid);
        Assert.IsFalse(ats.DesfireFactory);
    }
}
