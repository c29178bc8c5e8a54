#nullable enable
using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// The resting-card presence check against RF noise aimed at every frame, a wallet of two cards, noise collisions on a
/// single card, and a soak with random RF faults: a resting card is never reported removed, the other card of a
/// wallet is never reported alone, and no card is reported twice in one visit.
/// </summary>
[TestClass]
public class PresenceUnderNoiseTests
{
    private static readonly RfFault[] Kinds = { RfFault.CrcError, RfFault.BitError, RfFault.Collision, RfFault.Silence };

    private static (Mfrc522Simulator sim, CardReader reader, CardReadResult result) Rig(int seed = 1, CardReaderOptions? options = null)
    {
        var sim = new Mfrc522Simulator(0x92, seed);
        var reader = new CardReader(sim, sim, new Mfrc522Options(), options ?? new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        return (sim, reader, new CardReadResult());
    }

    private static VirtualCard Card(string kind, string uidHex) =>
        kind == "desfire" ? VirtualCard.Desfire(VirtualCard.UidFromHex(uidHex))
        : kind == "ultralight" ? VirtualCard.Ultralight(VirtualCard.UidFromHex(uidHex))
        : VirtualCard.Classic1K(VirtualCard.UidFromHex(uidHex));

    /// <summary>Frames one poll sends: the noisy poll is replayed with the fault aimed at each of them in turn.</summary>
    private static long FramesOfNextPoll(CardEvent expected, Func<(Mfrc522Simulator, CardReader, CardReadResult)> setup)
    {
        var (sim, reader, result) = setup();
        long before = sim.Costs.RfFramesSent;
        Assert.AreEqual(expected, reader.Poll(result));
        return sim.Costs.RfFramesSent - before;
    }

    [TestMethod]
    [DataRow("desfire", "04512c7a9b3d80", false)]
    [DataRow("desfire", "04512c7a9b3d80", true)]
    [DataRow("classic", "a1b2c3d4", false)]
    [DataRow("ultralight", "04aabbccddeeff", false)]
    public void NoiseOnAnyFrameOfAPresenceCheckNeverRemovesARestingCard(string kind, string uid, bool requestAts)
    {
        (Mfrc522Simulator, CardReader, CardReadResult) Setup()
        {
            var rig = Rig(options: new CardReaderOptions { RequestAts = requestAts });
            rig.sim.Field.Add(Card(kind, uid));
            Assert.AreEqual(CardEvent.NewCard, rig.reader.Poll(rig.result));
            rig.sim.AdvanceTime(20_000_000);
            return rig;
        }

        // A clean resting poll, then up to 12 frames further: the second look of a missed check sends more frames.
        long cleanFrames = FramesOfNextPoll(CardEvent.SameCardStillPresent, Setup);
        int cases = 0;
        for (int frame = 1; frame <= cleanFrames + 12; frame++)
        {
            foreach (var fault in Kinds)
            {
                foreach (bool everyFrame in new[] { false, true })
                {
                    if (everyFrame && frame > 1) continue; // "every frame" is one case per kind
                    var (sim, reader, result) = Setup();
                    var card = sim.Field.Cards[0];
                    long first = sim.Costs.RfFramesSent + 1;
                    if (everyFrame)
                    {
                        // The same noise on every frame of the poll: nothing it says can be trusted, nothing is removed
                        // (silence on every frame of two polls in a row is what a removal looks like, and is one).
                        for (int f = 0; f < 40; f++) sim.Faults.FaultOnFrame(first + f, fault);
                    }
                    else
                    {
                        sim.Faults.FaultOnFrame(first + frame - 1, fault);
                    }

                    for (int poll = 0; poll < 12; poll++)
                    {
                        CardEvent e = reader.Poll(result);
                        if (poll == 0) sim.Faults.ClearAll(); // the noise covers every frame of that one poll
                        string what = kind + " " + fault + (everyFrame ? " on every frame" : " on frame " + frame) + ", poll " + poll + ": " + e;
                        Assert.IsTrue(e == CardEvent.SameCardStillPresent, what);
                        Assert.IsTrue(result.UidEquals(card.Uid, card.Uid.Length), what);
                        // Parked after every poll: HALT, or ACTIVE*/READY* when the HLTA itself was lost (success is
                        // silence, so that cannot be seen) — any next frame sends those back to HALT. Never IDLE, where
                        // the REQA of a detection would take it for a new tap.
                        Assert.IsTrue(card.State == CardState.Halt || card.WokenFromHalt, what + " — parked, not " + card.State);
                        sim.AdvanceTime(20_000_000);
                    }

                    Assert.IsFalse(result.PresenceUncertain, "clean polls confirm it again after " + fault + (everyFrame ? " on every frame" : " on frame " + frame));
                    Assert.AreEqual(1, reader.NewCards);
                    Assert.AreEqual(0, reader.Removals);
                    cases++;
                }
            }
        }

        Console.WriteLine($"{kind} (RATS {requestAts}): {cases} noise cases over {cleanFrames} frames of a clean presence check (+12), 0 removals, 0 second taps");
    }

    [TestMethod]
    [DataRow(RfFault.CrcError)]
    [DataRow(RfFault.BitError)]
    [DataRow(RfFault.Collision)]
    [DataRow(RfFault.Silence)]
    public void ABadAtsLeavesTheCardHaltedThroughDeselect(RfFault fault)
    {
        // REQA, SEL1 anticollision, SEL1, SEL2 anticollision, SEL2, then RATS: frame 6 of the tap.
        var (sim, reader, result) = Rig(options: new CardReaderOptions { RequestAts = true });
        var card = sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04512c7a9b3d80")));
        sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + 6, fault);
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        Assert.IsFalse(result.Ats.Valid, "the ATS was lost");
        Assert.AreEqual(CardState.Halt, card.State, "HLTA is ignored in the 14443-4 state; S(DESELECT) halted it");
        Assert.IsFalse(card.ProtocolActive);
        for (int i = 0; i < 5; i++) Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        Assert.AreEqual(1, reader.NewCards);
    }

    [TestMethod]
    public void ARemovedCardIsStillReportedRemovedPromptly()
    {
        var (sim, reader, result) = Rig();
        var card = sim.Field.Add(Card("desfire", "04512c7a9b3d80"));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        sim.Field.Remove(card);
        long start = sim.NowNs;
        Assert.AreEqual(CardEvent.SameCardStillPresent, reader.Poll(result));
        Assert.IsTrue(result.PresenceUncertain);
        long missNs = sim.NowNs - start;
        Assert.AreEqual(CardEvent.CardRemoved, reader.Poll(result));
        Assert.IsTrue(result.UidEquals(card.Uid, 7));
        Assert.AreEqual(CardEvent.NoCard, reader.Poll(result));
        Console.WriteLine("a missed poll on an empty field costs " + missNs / 1e6 + " ms of model time");
        Assert.IsTrue(missNs < 10_000_000);
    }

    [TestMethod]
    public void ACardSwappedForAnotherIsReportedRemovedThenNew()
    {
        var (sim, reader, result) = Rig();
        var first = sim.Field.Add(Card("desfire", "04512c7a9b3d80"));
        Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
        sim.Field.Remove(first);
        var second = sim.Field.Add(Card("desfire", "04998877665544"));
        var events = new List<CardEvent>();
        for (int i = 0; i < 4; i++) events.Add(reader.Poll(result));
        CollectionAssert.AreEqual(new[] { CardEvent.SameCardStillPresent, CardEvent.CardRemoved, CardEvent.NewCard, CardEvent.SameCardStillPresent }, events, string.Join(",", events));
        Assert.IsTrue(result.UidEquals(second.Uid, 7));
        Assert.IsFalse(result.SeveralCards);
    }

    [TestMethod]
    [DataRow("desfire")]
    [DataRow("classic")]
    public void AWalletAtRestNeverYieldsTheOtherCardUnderNoise(string kind)
    {
        string uidA = kind == "desfire" ? "04512c7a9b3d80" : "a1b2c3d4";
        string uidB = kind == "desfire" ? "04512c7a9b3d81" : "a1b2c3d5";
        (Mfrc522Simulator, CardReader, CardReadResult) Setup()
        {
            var rig = Rig();
            rig.sim.Field.Add(Card(kind, uidA));
            rig.sim.Field.Add(Card(kind, uidB));
            Assert.AreEqual(CardEvent.NewCard, rig.reader.Poll(rig.result));
            Assert.IsTrue(rig.result.SeveralCards, "a wallet tapped: several cards");
            rig.sim.AdvanceTime(20_000_000);
            return rig;
        }

        long cleanFrames = FramesOfNextPoll(CardEvent.SameCardStillPresent, Setup);
        int cases = 0;
        for (int frame = 1; frame <= cleanFrames + 16; frame++)
        {
            foreach (var fault in Kinds)
            {
                var (sim, reader, result) = Setup();
                sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + frame, fault);
                for (int poll = 0; poll < 6; poll++)
                {
                    CardEvent e = reader.Poll(result);
                    Assert.AreEqual(CardEvent.SameCardStillPresent, e, kind + " wallet, " + fault + " on frame " + frame + ", poll " + poll);
                    sim.AdvanceTime(20_000_000);
                }

                Assert.AreEqual(1, reader.NewCards, "the other card was never reported while both are in the field");
                cases++;
            }
        }

        // Lift the card that was reported: only then is the other one a tap of its own, alone in the field.
        var (s2, r2, res2) = Setup();
        var reported = s2.Field.Cards[0].UidHex == Convert.ToHexString(res2.Uid, 0, res2.UidLength).ToLowerInvariant() ? s2.Field.Cards[0] : s2.Field.Cards[1];
        s2.Field.Remove(reported);
        var events = new List<CardEvent>();
        for (int i = 0; i < 4 && (events.Count == 0 || events[^1] != CardEvent.NewCard); i++) events.Add(r2.Poll(res2));
        Assert.AreEqual(CardEvent.NewCard, events[^1], string.Join(",", events));
        Assert.IsFalse(res2.SeveralCards);
        Console.WriteLine($"{kind} wallet: {cases} noise cases over {cleanFrames} frames (+16), the other card never reported");
    }

    [TestMethod]
    [DataRow("desfire", "04512c7a9b3d80")]
    [DataRow("classic", "a1b2c3d4")]
    public void ANoiseCollisionOnASingleCardIsNotSeveralCards(string kind, string uid)
    {
        int dismissed = 0, cases = 0;
        for (int frame = 1; frame <= 12; frame++)
        {
            var (sim, reader, result) = Rig();
            sim.Field.Add(Card(kind, uid));
            sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + frame, RfFault.Collision);
            CardEvent e = CardEvent.NoCard;
            for (int poll = 0; poll < 4 && e != CardEvent.NewCard; poll++) e = reader.Poll(result);
            Assert.AreEqual(CardEvent.NewCard, e, "collision on frame " + frame);
            Assert.IsFalse(result.SeveralCards, "one card and a noise collision on frame " + frame + " is not several cards");
            Assert.AreEqual(kind == "desfire" ? CardType.MifareDesfire : CardType.MifareClassic1K, result.Type, "the type survives a collided ATQA (frame " + frame + ")");
            dismissed += reader.NoiseCollisionsDismissed;
            cases++;
        }

        Console.WriteLine($"{kind}: {cases} cases, {dismissed} noise collisions resolved and dismissed");
        Assert.IsTrue(dismissed > 0, "some collisions were resolved during the select and then dismissed as noise");
    }

    [TestMethod]
    public void AWalletIsSeveralCardsEvenWhenOneConfirmationIsSilenced()
    {
        for (int frame = 1; frame <= 16; frame++)
        {
            var (sim, reader, result) = Rig();
            sim.Field.Add(Card("desfire", "04512c7a9b3d80"));
            sim.Field.Add(Card("desfire", "04612c7a9b3d80"));
            sim.Faults.FaultOnFrame(sim.Costs.RfFramesSent + frame, RfFault.Silence);
            CardEvent e = CardEvent.NoCard;
            for (int poll = 0; poll < 4 && e != CardEvent.NewCard; poll++) e = reader.Poll(result);
            Assert.AreEqual(CardEvent.NewCard, e);
            Assert.IsTrue(result.SeveralCards, "silence on frame " + frame);
        }
    }

    /// <summary>
    /// Soak: cards and wallets come, rest and go under 1 % of each RF fault per frame (CRC, bit, collision, silence).
    /// Counts, per visit of a card (or wallet) to the reader: taps reported, second taps, wallet taps reported as a
    /// single card, removals reported while the card still lay on the reader, missed taps.
    /// </summary>
    [TestMethod]
    [DataRow(0.01, 400)]
    [DataRow(0.03, 150)]
    public void SoakWithRandomRfFaults(double rate, int visitCount)
    {
        var random = new Random(20261201);
        var (sim, reader, result) = Rig(seed: 4242);
        sim.Faults.CrcErrorRate = rate;
        sim.Faults.BitErrorRate = rate;
        sim.Faults.CollisionRate = rate;
        sim.Faults.SilenceRate = rate;
        int visits = 0, wallets = 0, taps = 0, secondTaps = 0, walletDecided = 0, falseRemovals = 0, missedTaps = 0, restingPolls = 0, errors = 0;
        long maxPollNs = 0;
        for (int visit = 0; visit < visitCount; visit++)
        {
            bool wallet = random.Next(5) == 0;
            var cards = new List<VirtualCard>();
            for (int c = 0; c < (wallet ? 2 : 1); c++)
            {
                var uid = new byte[random.Next(3) == 0 ? 4 : 7];
                random.NextBytes(uid);
                if (uid[0] == 0x88) uid[0] = 0x08;
                cards.Add(sim.Field.Add<VirtualCard>(uid.Length == 7 ? VirtualCard.Desfire(uid) : VirtualCard.Classic1K(uid)));
            }

            visits++;
            if (wallet) wallets++;
            sim.TraceRf = wallet && Environment.GetEnvironmentVariable("LEOCARTE_TRACE") == "1";
            sim.RfTrace.Clear();
            int reported = 0;
            int restPolls = random.Next(10, 120);
            for (int poll = 0; poll < restPolls; poll++)
            {
                long start = sim.NowNs;
                CardEvent e = reader.Poll(result);
                maxPollNs = Math.Max(maxPollNs, sim.NowNs - start);
                if (e == CardEvent.NewCard)
                {
                    reported++;
                    taps++;
                    if (reported > 1) secondTaps++;
                    if (wallet && !result.SeveralCards)
                    {
                        walletDecided++;
                        if (Environment.GetEnvironmentVariable("LEOCARTE_TRACE") == "1") Console.WriteLine(string.Join("\n", sim.RfTrace) + "\nfaults: " + string.Join("; ", sim.Faults.Log.GetRange(Math.Max(0, sim.Faults.Log.Count - 6), Math.Min(6, sim.Faults.Log.Count))));
                    }
                }
                else if (e == CardEvent.CardRemoved)
                {
                    falseRemovals++;
                }
                else if (e == CardEvent.SameCardStillPresent)
                {
                    restingPolls++;
                }
                else if (e == CardEvent.Error)
                {
                    errors++;
                }

                sim.AdvanceTime(20_000_000);
            }

            if (reported == 0) missedTaps++;
            foreach (var card in cards) sim.Field.Remove(card);
            for (int poll = 0; poll < 6; poll++)
            {
                reader.Poll(result);
                sim.AdvanceTime(20_000_000);
            }

            Assert.IsFalse(reader.CardPresent, "visit " + visit + ": the lifted card was reported removed");
        }

        Console.WriteLine($"RF faults {rate:P0} each of CRC/bit/collision/silence per frame: {visits} visits ({wallets} wallets), {taps} taps, "
            + $"{restingPolls} resting polls, {errors} error polls, {reader.PresenceRetries} presence checks ridden out; "
            + $"second taps {secondTaps}, wallet taps decided as one card {walletDecided}, removals while on the reader {falseRemovals}, "
            + $"missed taps {missedTaps}; longest poll {maxPollNs / 1e6:F2} ms");
        Assert.AreEqual(0, secondTaps, "never charged twice");
        Assert.AreEqual(0, walletDecided, "a wallet never yields a decision");
        Assert.AreEqual(0, falseRemovals, "a resting card is never reported removed");
        Assert.AreEqual(0, missedTaps, "every visit is seen");
        Assert.IsTrue(maxPollNs < 20_000_000, "no poll over the 20 ms loop period");
    }
}
