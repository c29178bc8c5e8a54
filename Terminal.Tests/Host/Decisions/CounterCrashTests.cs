using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Tests.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Decisions;

/// <summary>
/// Crash testing of decisions: a lunch service (restaurant) and a vending day, with uploads acknowledged in
/// between, replayed with the power cut at every storage write (journal records, the counter entries written behind
/// them by the idle flush or by the next approval, period changes, acknowledgements). After a reboot the counters agree exactly with the journal: every approved meal is still
/// counted (never served twice), no meal is counted that was not journaled, and amounts match for vending.
/// </summary>
[TestClass]
public class CounterCrashTests
{
    public TestContext TestContext { get; set; }

    private static readonly int[] TornAmounts = { 0, -1, 15, 16, 63, 64 };

    private sealed class Step
    {
        public byte[] Uid;
        public int Holder;
        public int Price;
        public bool Acknowledge;
        public bool IdleFlush;
        public int AdvanceSeconds;
    }

    private sealed class Outcome
    {
        /// <summary>(period, holder) → meals (or cents) approved and returned to the caller before the cut.</summary>
        public readonly Dictionary<(int Period, int Holder), long> Approved = new();
        public int LastApprovedPeriod;
        public readonly List<long> ApprovedSequences = new();
        public long InFlightSequence;
        public int InFlightHolder;
        public int InFlightPrice;
        public bool BootFailed;
    }

    private static (TestTerminal Terminal, List<Step> Steps) Build(TerminalMode mode)
    {
        var terminal = new TestTerminal(mode, 16);
        terminal.Settings.Vending.CardDailyCapCents = 400;
        terminal.Settings.Vending.TerminalDailyCapCents = 2000;
        var steps = new List<Step>();
        var random = new Random(mode == TerminalMode.Restaurant ? 11 : 12);
        for (int i = 0; i < 8; i++)
        {
            byte[] uid = TestTerminal.Uid7(500 + i);
            terminal.List.Add(uid, CardState.Active, 7000 + i);
        }

        // Holder 7000 also has a renewed (old) card and a second active card.
        terminal.List.Add(TestTerminal.Uid4(0x11223344), CardState.Renewed, 7000);
        terminal.List.Add(TestTerminal.Uid4(0x55667788), CardState.Active, 7000);
        terminal.List.Add(TestTerminal.Uid4(0x0BAD0BAD), CardState.Stolen, 7100);

        for (int i = 0; i < 26; i++)
        {
            int pick = random.Next(11);
            byte[] uid = pick < 8 ? TestTerminal.Uid7(500 + pick) : pick == 8 ? TestTerminal.Uid4(0x11223344) : pick == 9 ? TestTerminal.Uid4(0x55667788) : TestTerminal.Uid4(0x0BAD0BAD);
            int holder = pick < 8 ? 7000 + pick : pick == 10 ? 7100 : 7000;
            int advance = random.Next(2) == 0 ? 2 : 20;
            if (i == 13)
            {
                advance = mode == TerminalMode.Restaurant ? 7 * 3600 : 24 * 3600; // lunch → dinner; next day
            }

            steps.Add(new Step { Uid = uid, Holder = holder, Price = 50 + 25 * random.Next(6), Acknowledge = i % 4 == 3, IdleFlush = i % 3 != 1, AdvanceSeconds = advance });
        }

        return (terminal, steps);
    }

    private static Outcome Run(TestTerminal terminal, List<Step> steps)
    {
        var outcome = new Outcome();
        if (!terminal.Boot())
        {
            outcome.BootFailed = true;
            return outcome;
        }

        foreach (Step step in steps)
        {
            terminal.Clock.Advance(step.AdvanceSeconds);
            if (step.AdvanceSeconds > 3600)
            {
                terminal.Engine.NoteListConfirmed(); // the sync keeps the list fresh across the gap
            }

            outcome.InFlightSequence = terminal.Journal.NextSequence;
            outcome.InFlightHolder = step.Holder;
            outcome.InFlightPrice = step.Price;
            Decision d = terminal.Engine.Mode == TerminalMode.Restaurant ? terminal.Tap(step.Uid) : terminal.Sell(step.Uid, step.Price, 3);
            if (terminal.Store.IsPoweredOff)
            {
                Assert.IsFalse(d.Approved, "nothing is approved when its records could not be written");
                return outcome;
            }

            outcome.InFlightSequence = 0;
            if (d.Approved)
            {
                var key = (d.PeriodKey, d.Card.HolderKey);
                outcome.Approved[key] = outcome.Approved.GetValueOrDefault(key) + (terminal.Engine.Mode == TerminalMode.Restaurant ? 1 : d.AmountCents);
                outcome.LastApprovedPeriod = d.PeriodKey;
                outcome.ApprovedSequences.Add(d.JournalSequence);
            }

            if (step.IdleFlush)
            {
                // The tap loop's idle iteration writes the counter entry behind the approval (write-behind); other
                // steps leave it to the next approval, which flushes it first.
                terminal.Engine.FlushCounters();
                if (terminal.Store.IsPoweredOff)
                {
                    return outcome;
                }
            }

            if (step.Acknowledge && terminal.Journal.Acknowledge(terminal.Journal.LastSequence) != JournalResult.Ok)
            {
                return outcome;
            }
        }

        return outcome;
    }

    [TestMethod]
    [DataRow(TerminalMode.Restaurant)]
    [DataRow(TerminalMode.Vending)]
    public void PowerCutAtEveryWriteKeepsCountersAndJournalInAgreement(TerminalMode mode)
    {
        var (reference, referenceSteps) = Build(mode);
        reference.Store.ResetCounters();
        Outcome full = Run(reference, referenceSteps);
        int totalWrites = reference.Store.WriteCount;
        Assert.IsTrue(full.Approved.Count >= 3, "the workload approves several holders");
        Assert.IsTrue(full.Approved.Keys.Select(k => k.Period).Distinct().Count() == 2, "the workload spans two periods");
        int cases = 0;
        int inFlightKept = 0;
        int inFlightDropped = 0;

        foreach (int torn in TornAmounts)
        {
            for (int k = 0; k <= totalWrites; k++)
            {
                var (terminal, steps) = Build(mode);
                terminal.Store.TornBytesKept = torn;
                terminal.Store.CutPowerAfterWrites(k);
                Outcome outcome = Run(terminal, steps);
                string where = $"{mode} k={k} torn={torn}";
                terminal.Store.Reboot();
                terminal.Clock.Advance(60); // past the repeat-tap interval; same service window
                Assert.IsTrue(terminal.Boot(), where + " boot");

                // A decision whose records were being written may have fully reached flash: then it counts, else not.
                bool inFlightApproved = false;
                int inFlightPeriod = 0;
                if (outcome.InFlightSequence != 0)
                {
                    var record = new JournalRecord();
                    if (terminal.Journal.TryRead(outcome.InFlightSequence, record) && record.Approved)
                    {
                        inFlightApproved = true;
                        inFlightPeriod = record.PeriodKey;
                        Assert.AreEqual(outcome.InFlightHolder, record.HolderKey, where);
                        inFlightKept++;
                    }
                    else
                    {
                        inFlightDropped++;
                    }
                }

                // Counters of the period in force now (by the clock) equal the approvals returned before the cut in
                // that period, plus the in-flight one iff the journal has it. Counters of an older period are
                // about to be reset by the next tap, so they count as zero; losing them mid-switch is harmless.
                DateTime local = LocalTime.FromUtc(terminal.Clock.Now, terminal.Settings.LocalTime);
                int period = mode == TerminalMode.Restaurant
                    ? LocalTime.DayNumber(local) * DecisionSettings.MaxServiceWindows + (LocalTime.MinuteOfDay(local) < 16 * 60 ? 0 : 1)
                    : LocalTime.DayNumber(local);
                bool countersCurrent = terminal.Engine.Counters.PeriodKey == period;
                for (int holder = 7000; holder <= 7100; holder++)
                {
                    long expected = outcome.Approved.GetValueOrDefault((period, holder));
                    if (inFlightApproved && holder == outcome.InFlightHolder && inFlightPeriod == period)
                    {
                        expected += mode == TerminalMode.Restaurant ? 1 : outcome.InFlightPrice;
                    }

                    terminal.Engine.Counters.Lookup(holder, out int count, out long amount);
                    long counted = !countersCurrent ? 0 : mode == TerminalMode.Restaurant ? count : amount;
                    Assert.AreEqual(expected, counted, $"{where} holder {holder} period {period}");
                }

                // Every approval returned before the cut is in the journal (or was acknowledged by the platform).
                foreach (long sequence in outcome.ApprovedSequences)
                {
                    if (sequence > terminal.Journal.AcknowledgedSequence)
                    {
                        var record = new JournalRecord();
                        Assert.IsTrue(terminal.Journal.TryRead(sequence, record) && record.Approved, $"{where} approved record {sequence}");
                    }
                }

                // A served holder taps again after the reboot: never a second meal.
                if (mode == TerminalMode.Restaurant)
                {
                    foreach (var (approvedPeriod, holder) in outcome.Approved.Keys)
                    {
                        if (approvedPeriod != period)
                        {
                            continue;
                        }

                        byte[] uid = holder == 7000 ? TestTerminal.Uid4(0x55667788) : TestTerminal.Uid7(500 + holder - 7000);
                        Decision again = terminal.Tap(uid);
                        Assert.AreEqual(ReasonCode.MealAlreadyServed, again.Reason, $"{where} holder {holder} served twice");
                        terminal.Clock.Advance(1);
                    }
                }

                cases++;
            }
        }

        TestContext.WriteLine($"{mode} counter crash cases: {cases} ({totalWrites} writes per run × {TornAmounts.Length} torn sizes); in-flight decisions kept whole as approvals {inFlightKept}, not kept (torn, or a denial) {inFlightDropped}");
    }
}
