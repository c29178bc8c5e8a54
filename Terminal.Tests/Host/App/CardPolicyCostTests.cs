using System;
using LeoCarte.Terminal.App;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// What the site policy adds to a tap, measured on the whole application (reader, policy, decision, journal) on the
/// simulator: SPI transfers, bytes, modeled time of the tap's poll, and bytes allocated outside the simulator — printed
/// for README's figures; the test asserts only that nothing is allocated per tap.
/// </summary>
[TestClass]
public class CardPolicyCostTests
{
    [TestMethod]
    public void DesfireAesTapCostIsPrintedAndAllocatesNothing()
    {
        var uidRig = new AppRig(mode: "vending", fixedStore: true, listKeyVersion: 1);
        var aesRig = new AppRig(configText: CardPolicyTests.Config("desfire-aes"), fixedStore: true, listKeyVersion: 1);
        var uid = Measure(uidRig, () => AppRig.Card(AppRig.Enabled1));
        var aes = Measure(aesRig, () => CardPolicyTests.Personalised(AppRig.Enabled1, 1, 1));
        Console.WriteLine($"uid tap (NewCard poll: detect, select, decide, journal; HLTA after the decision): {uid.Transfers} SPI transfers, {uid.Bytes} bytes, {uid.ModelMs:0.0} ms modeled, {uid.Allocated} bytes allocated outside the simulator");
        Console.WriteLine($"desfire-aes tap (detect, select, the card kept ACTIVE: RATS, PPS, SelectApplication, AuthenticateEV2First, ReadData 16 B with MAC; DESELECT after the decision): {aes.Transfers} SPI transfers, {aes.Bytes} bytes, {aes.ModelMs:0.0} ms modeled, {aes.Allocated} bytes allocated outside the simulator");
        Assert.IsTrue(aesRig.Decisions.TrueForAll(d => d.Kind != TapKind.Decided || d.Approved), "every measured desfire-aes tap approved");
        Assert.IsTrue(aesRig.App.Statistics.ApprovedAuthenticated >= Rounds);
        Assert.AreEqual(0L, aes.Allocated, "the desfire-aes tap allocates nothing outside the simulator");
    }

    internal const int Rounds = 6;

    internal static (long Transfers, long Bytes, double ModelMs, long Allocated) Measure(AppRig rig, Func<LeoCarte.Simulator.Cards.VirtualCard> card)
    {
        rig.App.DecisionMade = null;
        rig.Present(10, card()); // warm-up
        long transfers = 0, bytes = 0, ns = 0, allocated = 0;
        int measured = 0;
        for (int round = 0; round < Rounds; round++)
        {
            rig.Wait(TimeSpan.FromSeconds(11));
            var c = card();
            rig.Sim.Field.Add(c);
            for (int poll = 0; poll < 10; poll++)
            {
                long t0 = rig.Sim.Costs.Transfers, b0 = rig.Sim.Costs.Bytes, n0 = rig.Sim.NowNs;
                long simulatorBefore = rig.Sim.Costs.SimulatorAllocatedBytes;
                long before = GC.GetAllocatedBytesForCurrentThread();
                TapKind kind = rig.App.Step();
                long own = GC.GetAllocatedBytesForCurrentThread() - before - (rig.Sim.Costs.SimulatorAllocatedBytes - simulatorBefore);
                if (kind == TapKind.Decided)
                {
                    transfers += rig.Sim.Costs.Transfers - t0;
                    bytes += rig.Sim.Costs.Bytes - b0;
                    ns += rig.Sim.NowNs - n0;
                    allocated += own;
                    measured++;
                }

                rig.Sim.AdvanceTime(rig.App.PollIntervalMilliseconds * 1_000_000L);
            }

            rig.Sim.Field.Remove(c);
            rig.Steps(5);
        }

        Assert.AreEqual(Rounds, measured);
        return (transfers / measured, bytes / measured, ns / 1e6 / measured, allocated);
    }
}
