using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The end of a tap in the application: a DESFire stays ACTIVE from the Poll into the decision (its session, when the
/// policy needs one, starts with RATS), and whatever the tap's outcome the card rests in HALT after the loop iteration
/// that decided it — the decision made, journaled, shown and its feedback started first (the observer sees the card still
/// ACTIVE or in its session). Every exit path: approved, denied, unlisted, Classic, a wallet, not configured, an MDB
/// machine not taking cards, a site-policy refusal, an exception in the iteration. Then the card rests: never decided twice.
/// </summary>
[TestClass]
public class ParkAfterDecisionTests
{
    private sealed record Seen(TapKind Kind, CardState StateAtDecision, bool InSessionAtDecision, bool Approved, ReasonCode Reason);

    /// <summary>The cards enter, the loop iteration that sees them runs; checks the card is parked; the cards rest 10 polls
    /// (no second decision) and leave.</summary>
    private static Seen TapAndCheckParked(AppRig rig, string what, params VirtualCard[] cards)
    {
        rig.Wait(TimeSpan.FromSeconds(11));
        Seen seen = null;
        var previous = rig.App.DecisionMade;
        rig.App.DecisionMade = (d, kind) =>
        {
            previous?.Invoke(d, kind);
            seen = new Seen(kind, cards[0].State, cards[0] is DesfireCard desfire && desfire.ProtocolActive, d != null && d.Approved, d == null ? ReasonCode.ReaderError : d.Reason);
        };

        try
        {
            foreach (var card in cards)
            {
                rig.Sim.Field.Add(card);
            }

            rig.Step();
            Assert.IsNotNull(seen, what + ": decided (or refused) in the iteration that saw the card");
            Assert.IsFalse(rig.App.Reader.ParkPending, what + ": nothing left to park after the iteration");
            foreach (var card in cards)
            {
                Assert.AreNotEqual(CardState.Active, card.State, what + ": " + card.Kind + " not left ACTIVE");
                Assert.IsFalse(card is DesfireCard desfire && desfire.ProtocolActive, what + ": not left in the ISO/IEC 14443-4 state");
            }

            if (cards.Length == 1)
            {
                Assert.AreEqual(CardState.Halt, cards[0].State, what + ": parked in HALT");
            }

            var kinds = new List<TapKind>();
            var decisionsBefore = rig.Decisions.Count;
            for (int poll = 0; poll < 10; poll++)
            {
                kinds.Add(rig.Step());
            }

            Assert.IsTrue(kinds.All(k => k == TapKind.Resting), what + ": the card rests, found by the presence check every poll: " + string.Join(",", kinds));
            Assert.AreEqual(decisionsBefore, rig.Decisions.Count, what + ": never decided twice");
            foreach (var card in cards)
            {
                rig.Sim.Field.Remove(card);
            }

            var after = new List<TapKind>();
            for (int poll = 0; poll < 5; poll++)
            {
                after.Add(rig.Step());
            }

            Assert.AreEqual(1, after.Count(k => k == TapKind.Removed), what + ": removal seen once: " + string.Join(",", after));
            return seen;
        }
        finally
        {
            rig.App.DecisionMade = previous;
        }
    }

    [TestMethod]
    public void UidPolicy_EveryKindOfTapIsDecidedWhileTheCardIsActiveAndParkedAfter()
    {
        var rig = new AppRig();
        var approved = TapAndCheckParked(rig, "approved DESFire", AppRig.Card(AppRig.Enabled1));
        Assert.AreEqual(TapKind.Decided, approved.Kind);
        Assert.IsTrue(approved.Approved);
        Assert.AreEqual(CardState.Active, approved.StateAtDecision, "the DESFire is still ACTIVE when the decision is shown: its HLTA comes after");

        var lost = TapAndCheckParked(rig, "lost card", AppRig.Card(AppRig.Lost));
        Assert.AreEqual(ReasonCode.Lost, lost.Reason);
        Assert.AreEqual(CardState.Active, lost.StateAtDecision);

        var unlisted = TapAndCheckParked(rig, "unlisted DESFire", VirtualCard.Desfire(Convert.FromHexString("04998877665544")));
        Assert.AreEqual(ReasonCode.UnknownCard, unlisted.Reason);
        Assert.AreEqual(CardState.Active, unlisted.StateAtDecision);

        var classic = TapAndCheckParked(rig, "Classic 4-byte", AppRig.Card(AppRig.Classic4));
        Assert.IsTrue(classic.Approved);
        Assert.AreEqual(CardState.Halt, classic.StateAtDecision, "a MIFARE Classic is halted by its Poll, as before");

        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        var magic = TapAndCheckParked(rig, "magic Classic with a DESFire's UID", CloneCards.MagicClassic(genuine));
        Assert.AreEqual(ReasonCode.NotGenuine, magic.Reason);
        Assert.AreEqual(CardState.Halt, magic.StateAtDecision, "never kept ACTIVE: its SAK has no ISO/IEC 14443-4 bit");

        var wallet = TapAndCheckParked(rig, "wallet", AppRig.Card(AppRig.Enabled1), AppRig.Card(AppRig.Enabled2));
        Assert.AreEqual(TapKind.RefusedSeveralCards, wallet.Kind);
        Assert.AreEqual(0, rig.App.Reader.KeptCardFallbacks);
        Assert.AreEqual(0, rig.App.Reader.ParkedByPoll, "the application parked every tap itself");
    }

    [TestMethod]
    public void DesfireAes_TheSessionStartsWithRatsAndIsClosedAfterTheDecision()
    {
        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        var approved = TapAndCheckParked(rig, "personalised card", genuine);
        Assert.IsTrue(approved.Approved, approved.Reason.ToString());
        Assert.IsTrue(approved.InSessionAtDecision, "the session is still open when the decision is shown: its DESELECT comes after");
        Assert.AreEqual(1, rig.App.Reader.SessionsOnKeptCard, "the session started with RATS on the card the Poll kept ACTIVE");

        var clone = TapAndCheckParked(rig, "DESFire with a copied UID", CloneCards.DesfireWithCopiedUid(genuine, replaySignature: false));
        Assert.AreEqual(ReasonCode.AuthenticationFailed, clone.Reason);
        Assert.IsTrue(clone.InSessionAtDecision);

        var blank = TapAndCheckParked(rig, "blank DESFire", VirtualCard.Desfire(AppRig.Enabled2));
        Assert.AreEqual(ReasonCode.NotPersonalised, blank.Reason);

        var lost = TapAndCheckParked(rig, "lost card (no session: refused on its state)", AppRig.Card(AppRig.Lost));
        Assert.AreEqual(ReasonCode.Lost, lost.Reason);
        Assert.AreEqual(CardState.Active, lost.StateAtDecision, "no session needed, kept ACTIVE until parked");

        var ultralight = TapAndCheckParked(rig, "Ultralight with the UID", CloneCards.Ultralight(genuine));
        Assert.AreEqual(ReasonCode.NotGenuine, ultralight.Reason);

        Assert.IsTrue(TapAndCheckParked(rig, "personalised card again", genuine).Approved);
        Assert.AreEqual(4, rig.App.Reader.SessionsOnKeptCard, "genuine twice, the clone and the blank card: every session on RATS");
        Assert.AreEqual(0, rig.App.Reader.ParkedByPoll);
    }

    [TestMethod]
    public void RefusalsBeforeDecidingAnMdbMachineNotTakingCardsAndExceptionsStillParkTheCard()
    {
        // Not configured: deny-all, nothing decided.
        var unconfigured = new AppRig(writeConfig: false);
        var refused = TapAndCheckParked(unconfigured, "not configured", AppRig.Card(AppRig.Enabled1));
        Assert.AreEqual(TapKind.RefusedNotConfigured, refused.Kind);

        // An MDB machine that is not taking cards (the cashless device not enabled): refused before deciding.
        var vending = new AppRig(mode: "vending");
        vending.App.Cashless = new CashlessDevice(vending.App.Decisions, new CashlessSettings());
        var busy = TapAndCheckParked(vending, "MDB machine not taking cards", AppRig.Card(AppRig.Enabled1));
        Assert.AreEqual(TapKind.RefusedVendBusy, busy.Kind);
        Assert.AreEqual(CardState.Active, busy.StateAtDecision);

        // An exception inside the iteration (here the observer of the decision throws): Step catches it and parks.
        var rig = new AppRig();
        rig.Wait(TimeSpan.FromSeconds(1));
        var card = AppRig.Card(AppRig.Enabled1);
        rig.App.DecisionMade = (d, kind) => throw new InvalidOperationException("observer failure");
        rig.Sim.Field.Add(card);
        Assert.AreEqual(TapKind.None, rig.Step(), "the exception ends the iteration");
        Assert.AreEqual(1, rig.App.Statistics.LoopExceptions);
        Assert.IsFalse(rig.App.Reader.ParkPending);
        Assert.AreEqual(CardState.Halt, card.State, "parked although the iteration threw after the decision");
        rig.App.DecisionMade = null;
        for (int poll = 0; poll < 5; poll++)
        {
            Assert.AreEqual(TapKind.Resting, rig.Step());
        }
    }

    [TestMethod]
    public void StepUntilDecidedLeavesTheCardToTheNextPoll()
    {
        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        rig.Wait(TimeSpan.FromSeconds(1));
        var genuine = CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1);
        rig.Sim.Field.Add(genuine);
        Assert.AreEqual(TapKind.Decided, rig.App.StepUntilDecided());
        Assert.IsTrue(rig.Decisions.Last().Approved);
        Assert.IsTrue(genuine.ProtocolActive, "the benchmark's variant stops at the decision: the session is still open");
        Assert.IsTrue(rig.App.Reader.ParkPending);
        rig.Sim.AdvanceTime(rig.App.PollIntervalMilliseconds * 1_000_000L);
        Assert.AreEqual(TapKind.Resting, rig.Step(), "the next poll closes the session and finds the card resting");
        Assert.AreEqual(1, rig.App.Reader.ParkedByPoll);
        Assert.AreEqual(CardState.Halt, genuine.State);
        Assert.IsFalse(genuine.ProtocolActive);
    }
}

/// <summary>desfire-aes at a vending machine with 1 % of each RF fault per frame: the kept-ACTIVE card's session under noise.</summary>
[TestClass]
public class KeptActiveCardSoakTests
{
    [TestMethod]
    public void DesfireAesUnderRfNoise_OneDecisionPerVisitNoWalletDecidedNoSessionLeftOpen()
    {
        var rig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), listKeyVersion: 1);
        rig.Sim.Faults.Reseed(91);
        rig.Sim.Faults.CrcErrorRate = 0.01;
        rig.Sim.Faults.BitErrorRate = 0.01;
        rig.Sim.Faults.CollisionRate = 0.01;
        rig.Sim.Faults.SilenceRate = 0.01;
        var random = new Random(3);
        int visits = 0, walletVisits = 0, approved = 0, refusedRead = 0, steps = 0, leftActive = 0, leftInSession = 0;
        for (int visit = 0; visit < 48; visit++)
        {
            bool wallet = visit % 4 == 3;
            var cards = wallet
                ? new VirtualCard[] { CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1), CardPolicyTests.Personalised(AppRig.Enabled2, 2, 1) }
                : new VirtualCard[] { CardPolicyTests.Personalised(visit % 2 == 0 ? AppRig.Enabled1 : AppRig.Enabled2, visit % 2 == 0 ? 1 : 2, 1) };
            rig.Wait(TimeSpan.FromSeconds(16));
            int before = rig.Decisions.Count;
            foreach (var card in cards)
            {
                rig.Sim.Field.Add(card);
            }

            int dwell = random.Next(50, 120);
            for (int poll = 0; poll < dwell; poll++)
            {
                rig.Step();
                steps++;
                if (cards.Any(c => c.State == CardState.Active))
                {
                    // An HLTA lost to noise is silent by nature (it has no answer): the next presence check's WUPA sends
                    // such a card back to IDLE and its second look finds it (PresenceRetries). Counted, not an error.
                    leftActive++;
                }

                if (cards.Any(c => c is DesfireCard d && d.ProtocolActive))
                {
                    leftInSession++;
                }
            }

            foreach (var card in cards)
            {
                rig.Sim.Field.Remove(card);
            }

            rig.Steps(5);
            var decided = rig.Decisions.Skip(before).Where(d => d.Kind == TapKind.Decided).ToList();
            visits++;
            if (wallet)
            {
                walletVisits++;
                Assert.AreEqual(0, decided.Count, "visit " + visit + ": a wallet is never decided");
            }
            else
            {
                Assert.IsTrue(decided.Count <= 1, "visit " + visit + ": one decision per visit, charged at most once: " + string.Join(",", decided.Select(d => d.Reason)));
                approved += decided.Count(d => d.Approved);
                refusedRead += decided.Count(d => d.Reason == ReasonCode.ReaderError);
            }
        }

        Console.WriteLine($"desfire-aes, 1 % of each RF fault per frame: {visits} visits ({walletVisits} wallets), {approved} approved, {refusedRead} refused as read errors; "
            + $"{steps} loop iterations, a card ACTIVE after {leftActive} (an HLTA lost to noise), in its ISO/IEC 14443-4 session after {leftInSession}; reader: {rig.App.Reader.SessionsOnKeptCard} sessions on a kept card, {rig.App.Reader.KeptCardFallbacks} fall-backs to WUPA, {rig.App.Reader.ParkedByPoll} parked by a poll, {rig.App.Reader.PresenceRetries} presence checks ridden out");
        Assert.AreEqual(0, leftInSession, "no session left open after a loop iteration (S(DESELECT) confirmed, or HLTA + S(DESELECT) again)");
        Assert.AreEqual(0, rig.App.Reader.ParkedByPoll, "the application parked every tap itself");
        Assert.IsTrue(approved > 0, "personalised cards approved under noise");
    }
}
