#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// <see cref="CardReaderOptions.KeepIso14443_4CardActive"/>: the Poll leaves a single ISO/IEC 14443-4 card ACTIVE, the
/// session starts with RATS (no WUPA, no second SELECT), <see cref="CardReader.ParkCard"/> halts the card or closes its
/// session afterwards. Counted exchanges against today's flow; a card lifted between Poll and session; RF faults on the
/// RATS of a kept card (fall back to WUPA, card parked in HALT whatever happened); Classic and Ultralight clones with a
/// 7-byte UID, wallets and a Poll with RATS never kept; the next Poll parks a card the application forgot.
/// </summary>
[TestClass]
public class KeptActiveCardTests
{
    private static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };
    private static readonly byte[] Uid = Convert.FromHexString("04512C7A9B3D80");
    private static readonly byte[] Key = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
    private static readonly byte[] RandomA = Convert.FromHexString("B98F4C50CF1C2E084FD150E33992B048");

    private static DesfireCard Personalised(byte[] uid)
    {
        var card = VirtualCard.Desfire(uid);
        var app = card.AddApplication(SiteAid);
        app.Keys[0] = new byte[16];
        app.Keys[1] = (byte[])Key.Clone();
        app.Files[1] = new DesfireCard.DataFile { Data = Enumerable.Range(0, 16).Select(i => (byte)(i * 3)).ToArray(), CommMode = 1, ReadKey = 1 };
        return card;
    }

    private static (Mfrc522Simulator Sim, CardReader Reader, CardReadResult Read) Rig(bool keep, bool requestAts = false)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options(), new CardReaderOptions { KeepIso14443_4CardActive = keep, RequestAts = requestAts });
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        return (sim, reader, new CardReadResult());
    }

    /// <summary>SelectApplication, AuthenticateEV2First, ReadData with MAC on the open session.</summary>
    private static ReaderResult Prove(CardReader reader)
    {
        ReaderResult r = reader.Desfire.SelectApplication(SiteAid, 0);
        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.Authenticate(1, Key, 0, RandomA, 0);
        }

        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.ReadDataMac(1, 0, 16, new byte[16], 0);
        }

        return r;
    }

    private static void AssertHalted(VirtualCard card, string what)
    {
        Assert.AreEqual(CardState.Halt, card.State, what + ": the card rests in HALT");
        if (card is DesfireCard desfire)
        {
            Assert.IsFalse(desfire.ProtocolActive, what + ": not left in the ISO/IEC 14443-4 state");
        }
    }

    private static void AssertRestsUntilLifted(Mfrc522Simulator sim, CardReader reader, CardReadResult read, VirtualCard card, string what)
    {
        for (int poll = 0; poll < 5; poll++)
        {
            CardEvent e = reader.Poll(read);
            Assert.AreEqual(CardEvent.SameCardStillPresent, e, what + ": poll " + poll + " after the tap");
        }

        sim.Field.Remove(card);
        var events = new List<CardEvent>();
        for (int poll = 0; poll < 4; poll++)
        {
            events.Add(reader.Poll(read));
        }

        Assert.AreEqual(1, events.Count(e => e == CardEvent.CardRemoved), what + ": removal reported once after the card left: " + string.Join(",", events));
    }

    [TestMethod]
    public void AKeptCardGoesStraightToRatsAndIsParkedAfterwards()
    {
        var counts = new Dictionary<bool, (long PollFrames, long SessionFrames, long SessionTransfers, long CloseFrames, long Total)>();
        foreach (bool keep in new[] { false, true })
        {
            var (sim, reader, read) = Rig(keep);
            var card = Personalised(Uid);
            sim.Field.Add(card);
            long f0 = sim.Costs.RfFramesSent, t0 = sim.Costs.Transfers;
            Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
            long f1 = sim.Costs.RfFramesSent, t1 = sim.Costs.Transfers;
            Assert.AreEqual(keep ? CardState.Active : CardState.Halt, card.State, "after the Poll");
            Assert.AreEqual(keep, reader.ParkPending);

            var ats = new AtsInfo();
            Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(ats));
            long f2 = sim.Costs.RfFramesSent, t2 = sim.Costs.Transfers;
            Assert.AreEqual(AtsMatch.DesfireDefault, reader.SessionAts);
            Assert.AreEqual(ReaderResult.Ok, Prove(reader), "authenticated and read on the session");
            Assert.IsTrue(reader.ParkPending, "the session stays open until the tap is parked");
            Assert.IsTrue(card.ProtocolActive);
            long f3 = sim.Costs.RfFramesSent;
            reader.ParkCard();
            long f4 = sim.Costs.RfFramesSent, t4 = sim.Costs.Transfers;
            AssertHalted(card, keep ? "kept" : "not kept");
            Assert.IsFalse(reader.ParkPending);
            Assert.AreEqual(keep ? 1 : 0, reader.SessionsOnKeptCard);
            Assert.AreEqual(0, reader.KeptCardFallbacks);

            // Idempotent: a second ParkCard sends nothing.
            reader.ParkCard();
            Assert.AreEqual(t4, sim.Costs.Transfers, "nothing left to park: no transfer");
            counts[keep] = (f1 - f0, f2 - f1, t2 - t1, f4 - f3, t4 - t0);
            AssertRestsUntilLifted(sim, reader, read, card, keep ? "kept" : "not kept");
            Assert.AreEqual(0, reader.ParkedByPoll);
        }

        var before = counts[false];
        var after = counts[true];
        Console.WriteLine($"Poll + session + close, RF frames (SPI transfers): HLTA after select: Poll {before.PollFrames}, session {before.SessionFrames} ({before.SessionTransfers}), close {before.CloseFrames}; "
            + $"kept ACTIVE: Poll {after.PollFrames}, session {after.SessionFrames} ({after.SessionTransfers}), close {after.CloseFrames}; whole tap {before.Total} -> {after.Total} transfers");
        Assert.AreEqual(before.PollFrames - 1, after.PollFrames, "the Poll's HLTA is gone");
        Assert.AreEqual(5, before.SessionFrames, "WUPA, SELECT CL1, SELECT CL2, RATS, PPS");
        Assert.AreEqual(2, after.SessionFrames, "RATS, PPS");
        Assert.AreEqual(1, after.CloseFrames, "S(DESELECT)");
        Assert.IsTrue(after.Total <= before.Total - 20, $"at least 20 transfers fewer per tap: {before.Total} -> {after.Total}");
    }

    [TestMethod]
    public void AKeptCardNotNeedingASessionIsHaltedByParkCardWithOneHlta()
    {
        var (sim, reader, read) = Rig(true);
        var card = VirtualCard.Desfire(Uid);
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        Assert.AreEqual(CardState.Active, card.State);
        long frames = sim.Costs.RfFramesSent;
        reader.ParkCard();
        Assert.AreEqual(1, sim.Costs.RfFramesSent - frames, "HLTA only");
        AssertHalted(card, "uid tap");
        AssertRestsUntilLifted(sim, reader, read, card, "uid tap");
    }

    [TestMethod]
    public void ACardLiftedBetweenPollAndSessionFailsTheSessionAndIsReportedRemoved()
    {
        var (sim, reader, read) = Rig(true);
        var card = Personalised(Uid);
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        sim.Field.Remove(card);
        ReaderResult opened = reader.OpenCardSession(new AtsInfo());
        Assert.AreEqual(ReaderResult.Timeout, opened, "no card answers RATS nor the WUPA of the fall-back");
        Assert.AreEqual(1, reader.KeptCardFallbacks);
        Assert.IsFalse(reader.ParkPending, "a failed session leaves nothing to park");
        reader.ParkCard();
        var events = new List<CardEvent>();
        for (int poll = 0; poll < 4; poll++)
        {
            events.Add(reader.Poll(read));
        }

        Assert.AreEqual(1, events.Count(e => e == CardEvent.CardRemoved), string.Join(",", events));
        Assert.AreEqual(0, events.Count(e => e == CardEvent.NewCard || e == CardEvent.Error), string.Join(",", events));

        // Put back: a new tap, kept again, and its session opens on RATS.
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.AreEqual(ReaderResult.Ok, Prove(reader));
        reader.ParkCard();
        AssertHalted(card, "put back");
        Assert.AreEqual(2, reader.SessionsOnKeptCard, "both taps' sessions started with RATS on the kept card");
    }

    [TestMethod]
    public void RfFaultsOnTheSessionOfAKeptCardFallBackOrFailAndAlwaysParkTheCard()
    {
        int cases = 0, opened = 0, proved = 0, fallbacks = 0;
        foreach (RfFault fault in Enum.GetValues<RfFault>())
        {
            // Frame 1 is the RATS of the kept card, 2 its PPS; 3-5 the fall-back's WUPA/SELECT/SELECT (when taken) or the
            // first DESFire command; two faults in a row hit the RATS and the first frame of the fall-back.
            for (int frame = 1; frame <= 5; frame++)
            {
                foreach (bool twice in new[] { false, true })
                {
                    string what = $"{fault} on session frame {frame}" + (twice ? " and the next" : "");
                    var (sim, reader, read) = Rig(true);
                    var card = Personalised(Uid);
                    sim.Field.Add(card);
                    Assert.AreEqual(CardEvent.NewCard, reader.Poll(read), what);
                    Assert.AreEqual(CardState.Active, card.State, what);
                    long at = sim.Costs.RfFramesSent;
                    sim.Faults.FaultOnFrame(at + frame, fault);
                    if (twice)
                    {
                        sim.Faults.FaultOnFrame(at + frame + 1, fault);
                    }

                    ReaderResult r = reader.OpenCardSession(new AtsInfo());
                    if (r == ReaderResult.Ok)
                    {
                        opened++;
                        if (Prove(reader) == ReaderResult.Ok)
                        {
                            proved++;
                        }
                    }

                    Assert.AreNotEqual(ReaderResult.ChipFault, r, what);
                    fallbacks += reader.KeptCardFallbacks;
                    reader.ParkCard();
                    AssertHalted(card, what);
                    sim.Faults.ClearAll();
                    AssertRestsUntilLifted(sim, reader, read, card, what);
                    cases++;
                }
            }
        }

        Console.WriteLine($"RF faults on a kept card's session: {cases} cases, {opened} sessions opened ({fallbacks} after falling back to WUPA), {proved} authenticated and read; every card parked in HALT, never reported removed while on the reader");
        Assert.AreEqual(40, cases);
        Assert.IsTrue(fallbacks > 0, "faults on the RATS take the fall-back");
        Assert.IsTrue(opened >= 20, "a single fault on the RATS is ridden out by the fall-back: " + opened);
    }

    [TestMethod]
    public void ClassicAndUltralightClonesWithA7ByteUidAreNeverKeptActiveNorSentRats()
    {
        var genuine = Personalised(Uid);
        foreach (VirtualCard clone in new VirtualCard[] { CloneCards.MagicClassic(genuine), CloneCards.Ultralight(genuine) })
        {
            var (sim, reader, read) = Rig(true);
            sim.Field.Add(clone);
            Assert.AreEqual(CardEvent.NewCard, reader.Poll(read), clone.Kind);
            Assert.AreEqual(7, read.UidLength);
            Assert.AreEqual(CardState.Halt, clone.State, clone.Kind + ": halted by its Poll as before (SAK without the 14443-4 bit)");
            Assert.IsFalse(reader.ParkPending, clone.Kind);

            long frames = sim.Costs.RfFramesSent;
            Assert.AreEqual(ReaderResult.Protocol, reader.OpenCardSession(new AtsInfo()), clone.Kind + ": refused on its SAK");
            Assert.AreEqual(4, sim.Costs.RfFramesSent - frames, clone.Kind + ": WUPA, SELECT CL1, SELECT CL2, HLTA: no RATS");
            Assert.AreEqual(0, reader.SessionsOnKeptCard);
            reader.ParkCard();
            Assert.AreEqual(CardState.Halt, clone.State, clone.Kind);
            AssertRestsUntilLifted(sim, reader, read, clone, clone.Kind);
        }
    }

    [TestMethod]
    public void AWalletAndAPollWithRatsAreNeverKept()
    {
        var (sim, reader, read) = Rig(true);
        var a = VirtualCard.Desfire(Uid);
        var b = VirtualCard.Desfire(Convert.FromHexString("04512C7A9B3D81"));
        sim.Field.Add(a);
        sim.Field.Add(b);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        Assert.IsTrue(read.SeveralCards, "a wallet");
        Assert.IsFalse(reader.ParkPending, "the selected card of a wallet is halted for the REQA that confirms the other");
        Assert.IsTrue(a.State != CardState.Active && b.State != CardState.Active, $"{a.State}, {b.State}");

        var (sim2, reader2, read2) = Rig(true, requestAts: true);
        var c = VirtualCard.Desfire(Uid);
        sim2.Field.Add(c);
        Assert.AreEqual(CardEvent.NewCard, reader2.Poll(read2));
        Assert.AreEqual(AtsMatch.DesfireDefault, read2.AtsMatch);
        Assert.IsFalse(reader2.ParkPending, "a Poll that sent RATS deselects the card as before");
        AssertHalted(c, "RequestAts");
    }

    [TestMethod]
    public void TheNextPollParksACardTheApplicationForgotAndAnythingSentMeanwhileMeansWupa()
    {
        var (sim, reader, read) = Rig(true);
        var card = Personalised(Uid);
        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(read), "no ParkCard: the next Poll halts the card first");
        Assert.IsFalse(read.PresenceUncertain, "the presence check found it at once");
        Assert.AreEqual(1, reader.ParkedByPoll);
        Assert.AreEqual(0, reader.PresenceRetries);

        // A session left open is closed by the next Poll too.
        sim.Field.Remove(card);
        for (int i = 0; i < 3; i++)
        {
            reader.Poll(read);
        }

        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(read));
        Assert.IsFalse(read.PresenceUncertain);
        Assert.AreEqual(2, reader.ParkedByPoll);
        Assert.IsFalse(card.ProtocolActive);

        // A transfer between the Poll and the session (here a health read) means the session starts from WUPA.
        sim.Field.Remove(card);
        for (int i = 0; i < 3; i++)
        {
            reader.Poll(read);
        }

        sim.Field.Add(card);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(read));
        reader.Chip.CheckHealth(false);
        long frames = sim.Costs.RfFramesSent;
        Assert.AreEqual(ReaderResult.Ok, reader.OpenCardSession(new AtsInfo()));
        Assert.AreEqual(6, sim.Costs.RfFramesSent - frames, "HLTA, WUPA, SELECT CL1, SELECT CL2, RATS, PPS");
        Assert.AreEqual(ReaderResult.Ok, Prove(reader));
        Assert.AreEqual(1, reader.SessionsOnKeptCard, "only the second tap's session started on the kept card");
        reader.ParkCard();
        AssertHalted(card, "after a transfer in between");
    }
}
