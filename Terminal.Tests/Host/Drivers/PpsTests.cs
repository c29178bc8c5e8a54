#nullable enable
using System;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// PPS to 424 kbit/s (ISO/IEC 14443-4 §5.6.2) on the simulator, which honours the MFRC522's TxModeReg/RxModeReg speed
/// bits (a card hears and is heard only at the rate it is at) and charges air time per bit rate: the session runs at
/// 424 and spends less air time; a lost PPS answer (the card switched or not) falls back to 106 and the tap goes on;
/// a card whose ATS offers no higher rate gets no PPS; the chip is back at 106 for the next REQA/WUPA.
/// </summary>
[TestClass]
public class PpsTests
{
    private static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Uid = Convert.FromHexString("04A1B2C3D4E580");
    private static readonly byte[] Key = Convert.FromHexString("10182028303840485058606870788088");

    private static DesfireCard Card()
    {
        var card = VirtualCard.Desfire(Uid);
        var app = card.AddApplication(SiteAid);
        app.Keys[1] = Key;
        var data = new byte[64];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 3 + 1);
        }

        app.Files[1] = new DesfireCard.DataFile { Data = data, CommMode = 1, ReadKey = 1 };
        return card;
    }

    private static (Mfrc522Simulator sim, CardReader reader) Tapped(DesfireCard card, int sessionBitRate = 2)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions { SessionBitRate = sessionBitRate });
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(new CardReadResult()));
        return (sim, reader);
    }

    private static ReaderResult Session(CardReader reader, byte[] into)
    {
        ReaderResult r = reader.OpenCardSession(new AtsInfo());
        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.SelectApplication(SiteAid, 0);
        }

        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.Authenticate(1, Key, 0, new byte[16], 0);
        }

        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.ReadDataMac(1, 0, into.Length, into, 0);
        }

        return r;
    }

    [TestMethod]
    public void TheSessionRunsAt424AndSpendsLessAirTime()
    {
        long[] air = new long[2];
        foreach (int rate in new[] { 0, 2 })
        {
            var card = Card();
            var (sim, reader) = Tapped(card, rate);
            long before = sim.Costs.RfAirNs;
            var data = new byte[64];
            Assert.AreEqual(ReaderResult.Ok, Session(reader, data));
            Assert.AreEqual(rate, reader.Chip.BitRate);
            Assert.AreEqual(rate, card.ReaderToCardRate);
            Assert.AreEqual(rate == 2 ? 1 : 0, card.PpsAnswered);
            CollectionAssert.AreEqual(card.Applications[0].Files[1].Data, data);
            reader.CloseCardSession();
            air[rate / 2] = sim.Costs.RfAirNs - before;
            Assert.AreEqual(0, reader.Chip.BitRate, "back at 106 after DESELECT");
            Assert.AreEqual(0, card.ReaderToCardRate, "the card too");
            Assert.AreEqual(CardState.Halt, card.State);
            Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(new CardReadResult()), "the presence check runs at 106");
        }

        Console.WriteLine($"session air time: {air[0] / 1000.0:0.0} µs at 106 kbit/s, {air[1] / 1000.0:0.0} µs with PPS to 424 kbit/s");
        Assert.IsTrue(air[1] < air[0] * 0.45, "activation at 106, the rest at a quarter");
    }

    [TestMethod]
    public void ALostPpsAnswerFallsBackTo106AndTheTapGoesOn()
    {
        // Frames of the session: WUPA, SELECT CL1, SELECT CL2, RATS, PPS = frame 5. Silence: the card never heard the PPS
        // (it stays at 106); a bit error or a CRC error on its answer: the card switched but the reader did not hear it.
        foreach (var fault in new[] { RfFault.Silence, RfFault.BitError, RfFault.CrcError, RfFault.Collision })
        {
            var card = Card();
            var (sim, reader) = Tapped(card);
            sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + 5, fault);
            var data = new byte[64];
            Assert.AreEqual(ReaderResult.Ok, Session(reader, data), fault.ToString());
            CollectionAssert.AreEqual(card.Applications[0].Files[1].Data, data, fault.ToString());
            Assert.AreEqual(1, reader.PpsFallbacks, fault.ToString());
            Assert.AreEqual(0, reader.Chip.BitRate, fault + ": the session went on at 106");
            reader.CloseCardSession();
            Assert.AreEqual(CardState.Halt, card.State, fault.ToString());
            Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(new CardReadResult()), fault.ToString());
            Assert.AreEqual(1, reader.NewCards);
        }
    }

    [TestMethod]
    public void ACardWhoseAtsOffersNoHigherRateGetsNoPps()
    {
        var card = Card();
        card.Ats = new byte[] { 0x06, 0x75, 0x00, 0x81, 0x02, 0x80 }; // TA(1) 00: 106 kbit/s only
        var (_, reader) = Tapped(card);
        Assert.AreEqual(ReaderResult.Ok, Session(reader, new byte[16]));
        Assert.AreEqual(0, card.PpsAnswered);
        Assert.AreEqual(0, reader.PpsFallbacks);
        Assert.AreEqual(0, reader.Chip.BitRate);
        reader.CloseCardSession();
    }

    [TestMethod]
    public void TaOneDecodesTheDivisorsBothWays()
    {
        var ats = new AtsInfo();
        Assert.IsTrue(ats.Parse(new byte[] { 0x06, 0x75, 0x77, 0x81, 0x02, 0x80 }, 0, 6));
        Assert.IsTrue(Iso14443TypeA.AtsSupportsBitRate(ats, 1));
        Assert.IsTrue(Iso14443TypeA.AtsSupportsBitRate(ats, 2));
        Assert.IsTrue(Iso14443TypeA.AtsSupportsBitRate(ats, 3));
        Assert.IsTrue(ats.Parse(new byte[] { 0x06, 0x75, 0x32, 0x81, 0x02, 0x80 }, 0, 6)); // DS 2/4, DR 4 only
        Assert.IsFalse(Iso14443TypeA.AtsSupportsBitRate(ats, 1));
        Assert.IsTrue(Iso14443TypeA.AtsSupportsBitRate(ats, 2));
        Assert.IsFalse(Iso14443TypeA.AtsSupportsBitRate(ats, 3));
        Assert.IsTrue(ats.Parse(new byte[] { 0x05, 0x65, 0x81, 0x02, 0x80 }, 0, 5)); // no TA(1)
        Assert.IsFalse(Iso14443TypeA.AtsSupportsBitRate(ats, 2));
    }
}
