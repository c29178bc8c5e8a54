#nullable enable
using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Drivers;

/// <summary>
/// No poll lasts longer than the tap loop's 20 ms period in model time, whatever the chip does: stalled with MISO
/// at 00h or FFh (at every transfer of a tap and of a resting check), dead for good, browned out, antenna dropped,
/// overheated, IRQ line dead; and a dead chip is retried with backoff, then found again when it comes back.
/// </summary>
[TestClass]
public class PollPeriodUnderChipFaultsTests
{
    private const long PeriodNs = 20_000_000;

    private static (Mfrc522Simulator sim, CardReader reader, CardReadResult result) Rig(bool irqPin = true)
    {
        var sim = new Mfrc522Simulator();
        var reader = new CardReader(sim, sim, new Mfrc522Options { UseIrqPin = irqPin }, new CardReaderOptions());
        Assert.AreEqual(ReaderResult.Ok, reader.Start());
        return (sim, reader, new CardReadResult());
    }

    private static long PollTimed(Mfrc522Simulator sim, CardReader reader, CardReadResult result, ref long longest)
    {
        long start = sim.NowNs;
        reader.Poll(result);
        long took = sim.NowNs - start;
        longest = Math.Max(longest, took);
        sim.AdvanceTime(PeriodNs);
        return took;
    }

    [TestMethod]
    public void NoPollExceedsTheLoopPeriodUnderAnyChipFault()
    {
        var faults = new (string name, Action<Mfrc522Simulator, int> inject)[]
        {
            ("stall 00h", (sim, k) => sim.Faults.StallChipAfterTransfers(k, 0x00)),
            ("stall FFh", (sim, k) => sim.Faults.StallChipAfterTransfers(k, 0xFF)),
            ("brown-out", (sim, k) => sim.Faults.BrownOutAfterTransfers(k)),
            ("antenna drop", (sim, k) => sim.Faults.DropAntennaAfterTransfers(k)),
            ("overheat", (sim, k) => { sim.AdvanceTime(k * 50_000); sim.Faults.Overheat(); }),
            ("dead chip 00h", (sim, k) => { sim.Faults.StallChipAfterTransfers(k, 0x00); sim.BeforeTransfer += s => { if (s.Faults.ChipStalled && !s.Faults.ChipDead) s.Faults.KillChip(0x00); }; }),
            ("dead chip FFh", (sim, k) => { sim.Faults.StallChipAfterTransfers(k, 0xFF); sim.BeforeTransfer += s => { if (s.Faults.ChipStalled && !s.Faults.ChipDead) s.Faults.KillChip(0xFF); }; }),
        };

        var report = new List<string>();
        long overall = 0;
        int cases = 0;
        foreach (bool irqPin in new[] { true, false })
        {
            foreach (string scene in new[] { "empty field", "new tap", "resting card" })
            {
                foreach (var (name, inject) in faults)
                {
                    long longest = 0;
                    for (int k = 0; k < 45; k++)
                    {
                        var (sim, reader, result) = Rig(irqPin);
                        VirtualCard? card = null;
                        if (scene != "empty field")
                        {
                            card = sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04512c7a9b3d80")));
                        }

                        if (scene == "resting card")
                        {
                            Assert.AreEqual(CardEvent.NewCard, reader.Poll(result));
                            sim.AdvanceTime(PeriodNs);
                        }

                        inject(sim, k);
                        for (int poll = 0; poll < 40; poll++)
                        {
                            PollTimed(sim, reader, result, ref longest);
                        }

                        if (scene == "resting card" && !name.StartsWith("dead"))
                        {
                            Assert.IsTrue(reader.CardPresent, name + " at transfer " + k + ": the resting card is not lost");
                            Assert.AreEqual(1, reader.NewCards, name + " at transfer " + k + ": no second tap");
                        }

                        cases++;
                    }

                    overall = Math.Max(overall, longest);
                    report.Add($"{(irqPin ? "IRQ" : "no IRQ")}, {scene}, {name}: longest poll {longest / 1e6:F2} ms");
                    Assert.IsTrue(longest < PeriodNs, report[^1]);
                }
            }
        }

        Console.WriteLine(string.Join("\n", report));
        Console.WriteLine($"{cases} cases (fault at each of the first 45 transfers, 40 polls each): longest poll {overall / 1e6:F2} ms of model time");
    }

    [TestMethod]
    public void ADeadChipIsRetriedWithBackoffAndFoundWhenItComesBack()
    {
        var (sim, reader, result) = Rig();
        sim.Faults.KillChip(0xFF);
        long longest = 0;
        long transfersBefore = sim.Costs.Transfers;
        int polls = 500; // 10 s at 20 ms
        for (int i = 0; i < polls; i++) PollTimed(sim, reader, result, ref longest);
        long transfers = sim.Costs.Transfers - transfersBefore;
        int attempts = reader.Chip.Recoveries;
        Console.WriteLine($"dead chip, {polls} polls: {attempts} recovery attempts, {reader.RecoveryBackoffs} polls skipped, {transfers} transfers, longest poll {longest / 1e6:F2} ms");
        Assert.IsTrue(longest < PeriodNs);
        Assert.IsTrue(attempts <= 25, "backoff: attempts are spaced out, not one per poll (" + attempts + ")");
        Assert.IsTrue(attempts >= 10, "but the reader is still retried regularly");

        sim.Faults.Revive();
        var card = sim.Field.Add(VirtualCard.Desfire(VirtualCard.UidFromHex("04512c7a9b3d80")));
        int pollsToTap = 0;
        while (pollsToTap < 60 && reader.NewCards == 0)
        {
            PollTimed(sim, reader, result, ref longest);
            pollsToTap++;
        }

        Console.WriteLine($"chip back: first tap after {pollsToTap} polls");
        Assert.AreEqual(1, reader.NewCards, "the reader is found again within ~1 s and the card read");
        Assert.IsTrue(pollsToTap <= 34);
    }

    [TestMethod]
    public void ADeadIrqLineIsLearntOnceNotAfterEveryRecovery()
    {
        var (sim, reader, result) = Rig();
        sim.Faults.IrqLineDead = true;
        long longest = 0;
        for (int i = 0; i < 5; i++) PollTimed(sim, reader, result, ref longest);
        Assert.IsFalse(reader.Chip.IrqLineUsable, "learnt: the line is dead");
        long learning = longest;
        longest = 0;
        sim.Faults.BrownOut();
        var times = new List<double>();
        for (int i = 0; i < 5; i++) times.Add(PollTimed(sim, reader, result, ref longest) / 1e6);
        Console.WriteLine($"dead IRQ line: longest poll while learning {learning / 1e6:F2} ms; after a recovery: {string.Join(", ", times)} ms");
        Assert.IsFalse(reader.Chip.IrqLineUsable, "still known dead after the recovery");
        Assert.IsTrue(reader.Chip.Recoveries > 0);
        Assert.IsTrue(longest < 8_000_000, "no re-learning after the recovery");
    }
}
