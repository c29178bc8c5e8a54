using System;
using System.Linq;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// The terminal with the reader's noise handling and the card-family check: clones of an active student's 7-byte UID
/// are refused as "card not genuine" under the `uid` policy; one noise collision on a single card is an ordinary tap;
/// a resting card at a vending machine under RF noise is charged once, and a wallet is never decided.
/// </summary>
[TestClass]
public class GenuineCardsAndNoiseTests
{
    [TestMethod]
    public void ClonesOfAnActiveStudentsUidAreRefusedAsNotGenuine()
    {
        var rig = new AppRig();
        var genuine = VirtualCard.Desfire(AppRig.Enabled1);
        foreach (VirtualCard clone in new VirtualCard[] { CloneCards.MagicClassic(genuine), CloneCards.Ultralight(genuine) })
        {
            rig.Present(25, clone);
            var last = rig.Decisions.Last();
            Assert.AreEqual(TapKind.Decided, last.Kind, clone.Kind);
            Assert.IsFalse(last.Approved, clone.Kind);
            Assert.AreEqual(ReasonCode.NotGenuine, last.Reason, clone.Kind + ": the entry says DESFire, the card answers otherwise");
            Assert.AreEqual(ReasonText.InFrench(ReasonCode.NotGenuine), rig.Platform.Display.French);
        }

        Assert.AreEqual(2L, rig.App.Journal.LastSequence, "both refusals journaled (the platform sees the attempts), nothing charged");
        Assert.AreEqual(2, rig.App.Statistics.RefusedNotGenuine);
        Assert.AreEqual(0, rig.App.Statistics.Approved);
        rig.Tap(AppRig.Enabled1);
        Assert.IsTrue(rig.Decisions.Last().Approved, "the genuine DESFire is decided");
        rig.Tap(AppRig.Classic4);
        Assert.AreEqual(TapKind.Decided, rig.Decisions.Last().Kind, "a 4-byte Classic campus card is of its family");
        Assert.IsTrue(rig.Decisions.Last().Approved);
    }

    [TestMethod]
    public void OneNoiseCollisionOnASingleCardIsAnOrdinaryTap()
    {
        int cases = 0;
        for (int frame = 1; frame <= 6; frame++)
        {
            var rig = new AppRig();
            rig.Sim.Faults.FaultOnFrame(rig.Sim.Costs.RfFramesSent + frame, RfFault.Collision);
            rig.Tap(AppRig.Enabled1);
            Assert.AreEqual(0, rig.App.Statistics.RefusedSeveralCards, "collision on frame " + frame);
            var decided = rig.Decisions.Where(d => d.Kind == TapKind.Decided).ToList();
            Assert.AreEqual(1, decided.Count, "collision on frame " + frame + ": " + string.Join(",", rig.Decisions.Select(d => d.Kind + "/" + d.Reason)));
            Assert.IsTrue(decided[0].Approved, "collision on frame " + frame + ": " + decided[0].Reason);
            cases++;
        }

        Assert.AreEqual(6, cases);
    }

    [TestMethod]
    public void AtAVendingMachineARestingCardUnderRfNoiseIsChargedOnceAndAWalletNever()
    {
        var rig = new AppRig(mode: "vending");
        rig.Sim.Faults.Reseed(77);
        rig.Sim.Faults.CrcErrorRate = 0.01;
        rig.Sim.Faults.BitErrorRate = 0.01;
        rig.Sim.Faults.CollisionRate = 0.01;
        rig.Sim.Faults.SilenceRate = 0.01;
        var random = new Random(5);
        int visits = 0, charged = 0, walletVisits = 0, walletDecided = 0, missed = 0;
        for (int visit = 0; visit < 60; visit++)
        {
            bool wallet = visit % 4 == 3;
            var cards = wallet ? new[] { AppRig.Card(AppRig.Enabled1), AppRig.Card(AppRig.Enabled2) } : new[] { AppRig.Card(visit % 2 == 0 ? AppRig.Enabled1 : AppRig.Enabled2) };
            long journalBefore = rig.App.Journal.LastSequence;
            int decisionsBefore = rig.Decisions.Count;
            rig.Wait(TimeSpan.FromSeconds(16)); // the vending caps' repeat window is not what is tested here
            journalBefore = rig.App.Journal.LastSequence;
            decisionsBefore = rig.Decisions.Count;
            rig.Present(random.Next(50, 150), cards); // 1–3 s at rest on the reader
            var visitDecisions = rig.Decisions.Skip(decisionsBefore).ToList();
            var kinds = visitDecisions.Select(d => d.Kind).ToList();
            long journaled = visitDecisions.Count(d => d.Kind == TapKind.Decided && d.Approved); // sales charged
            visits++;
            if (wallet)
            {
                walletVisits++;
                walletDecided += kinds.Count(k => k == TapKind.Decided);
                Assert.AreEqual(0, kinds.Count(k => k == TapKind.Decided), "visit " + visit + ": a wallet is never decided: " + string.Join(",", kinds));
            }
            else
            {
                charged += (int)journaled;
                Assert.IsTrue(journaled <= 1, "visit " + visit + ": a resting card is charged at most once: " + string.Join(",", kinds));
                int decidedCount = kinds.Count(k => k == TapKind.Decided);
                Assert.IsTrue(decidedCount <= 1, "visit " + visit + ": one decision per visit: " + string.Join(",", kinds));
                if (decidedCount == 0)
                {
                    missed++;
                }
            }
        }

        Console.WriteLine($"vending, 1 % of each RF fault per frame: {visits} visits ({walletVisits} wallets), {charged} sales approved for {visits - walletVisits} single-card visits (the others denied by the vending caps), {missed} single-card visits without a decision, {walletDecided} wallet decisions; reader: {rig.App.Reader.PresenceRetries} presence checks ridden out, {rig.App.Reader.NoiseCollisionsDismissed} noise collisions dismissed");
        Assert.AreEqual(0, walletDecided);
        Assert.AreEqual(0, missed);
    }
}
