using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Tests.Decisions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Decisions;

/// <summary>
/// A whole lunch service on one till: students with activated, never-activated, lost, stolen, renewed (old and new
/// card) and expired cards; double taps; a card declared lost at the card office mid-service; a Wi-Fi outage long
/// enough for the staleness policy to stop trusting the list, and its recovery; uploads acknowledged as they go;
/// a reboot mid-service. Checks the outcomes that matter and prints the summary by reason.
/// </summary>
[TestClass]
public class LunchServiceScenarioTests
{
    public TestContext TestContext { get; set; }

    [TestMethod]
    public void LunchServiceWithRepeatTapsRenewalsOutageAndReboot()
    {
        var terminal = new TestTerminal(TerminalMode.Restaurant, 2048);
        terminal.Settings.Staleness.MaxMinutesWithoutConfirmation = 30;
        terminal.Clock.Now = new DateTime(2026, 11, 26, 10, 15, 0); // 11:15 Paris, lunch opens
        terminal.List.Issued = terminal.Clock.Now.AddMinutes(-5);
        terminal.Engine.NoteListConfirmed();
        var random = new Random(2026);

        // 240 students: card i belongs to holder 1..240; a few states differ; 20 have a renewed (old) card too.
        var cards = new List<(byte[] Uid, int Holder, CardState State)>();
        for (int i = 1; i <= 240; i++)
        {
            CardState state = i % 40 == 0 ? CardState.NotYetActivated : i % 41 == 0 ? CardState.Expired : i % 43 == 0 ? CardState.Stolen : CardState.Active;
            cards.Add((TestTerminal.Uid7(i), i, state));
            if (i % 12 == 0)
            {
                cards.Add((TestTerminal.Uid4(0x40000000 + i), i, CardState.Renewed));
            }
        }

        foreach (var card in cards)
        {
            terminal.List.Add(card.Uid, card.State, card.Holder);
        }

        var servedHolders = new HashSet<int>();
        var reasons = new Dictionary<ReasonCode, int>();
        var approvedSequences = new List<long>();
        long approvedCents = 0;
        int taps = 0;
        byte[] lostMidService = TestTerminal.Uid7(7);
        bool outage = false;

        for (int minute = 0; minute < 160; minute++) // 11:15 → 13:55
        {
            // Sync every minute unless Wi-Fi is down (12:00–12:45): confirm the list and upload the journal.
            outage = minute >= 45 && minute < 90;
            if (!outage)
            {
                terminal.Engine.NoteListConfirmed();
                terminal.Journal.Acknowledge(terminal.Journal.LastSequence);
            }

            if (minute == 30)
            {
                terminal.List.Add(lostMidService, CardState.Lost, 7); // card office, mid-service; new list version
                terminal.List.ListVersion++;
            }

            if (minute == 100)
            {
                terminal.Clock.Reboot(); // power glitch: RTC kept, SNTP resyncs a few seconds later
                Assert.IsTrue(terminal.Boot());
                terminal.Clock.Synced = true;
            }

            for (int t = 0; t < 2; t++)
            {
                var card = cards[random.Next(cards.Count)];
                if (minute == 31 && t == 0)
                {
                    card = (lostMidService, 7, CardState.Lost);
                }

                Decision d = terminal.Tap(card.Uid);
                taps++;
                reasons[d.Reason] = reasons.GetValueOrDefault(d.Reason) + 1;
                if (d.Approved)
                {
                    Assert.IsTrue(servedHolders.Add(d.Card.HolderKey), $"holder {d.Card.HolderKey} served twice");
                    approvedSequences.Add(d.JournalSequence);
                    approvedCents += d.AmountCents;
                }

                if (random.Next(5) == 0)
                {
                    terminal.Clock.Advance(1);
                    Decision again = terminal.Tap(card.Uid); // double tap
                    taps++;
                    reasons[again.Reason] = reasons.GetValueOrDefault(again.Reason) + 1;
                    Assert.IsFalse(again.Approved, "a double tap is never charged");
                }

                if (minute == 31 && t == 0)
                {
                    Assert.AreEqual(ReasonCode.Lost, d.Reason, "deactivated mid-service: refused at once");
                }

                if (outage && minute >= 76)
                {
                    Assert.IsFalse(d.Approved, "30 minutes without confirmation: the list is no longer trusted");
                    Assert.IsTrue(d.Reason == ReasonCode.ListTooOld || (int)d.Reason < (int)ReasonCode.ListTooOld || d.Reason == ReasonCode.RepeatTap, d.Reason.ToString());
                }

                terminal.Clock.Advance(29);
            }
        }

        // Old renewed cards were refused, the new cards of the same holders served once.
        Assert.IsTrue(reasons.GetValueOrDefault(ReasonCode.Renewed) > 0);
        Assert.IsTrue(reasons.GetValueOrDefault(ReasonCode.MealAlreadyServed) > 0);
        Assert.IsTrue(reasons.GetValueOrDefault(ReasonCode.RepeatTap) > 0);
        Assert.IsTrue(reasons.GetValueOrDefault(ReasonCode.ListTooOld) > 0);
        Assert.AreEqual(servedHolders.Count, terminal.Engine.Counters.Entries, "counters = meals served (across the reboot)");
        Assert.AreEqual(approvedCents, terminal.Engine.Counters.TotalAmount);
        Assert.AreEqual((long)taps, terminal.Journal.LastSequence, "every tap journaled");

        TestContext.WriteLine($"lunch service: {taps} taps, {servedHolders.Count} meals, journal last sequence {terminal.Journal.LastSequence}, pending {terminal.Journal.Depth}");
        foreach (var pair in reasons.OrderBy(p => (int)p.Key))
        {
            TestContext.WriteLine($"  {pair.Key,-20} {pair.Value,4}  {ReasonText.InFrench(pair.Key)} / {ReasonText.InEnglish(pair.Key)}");
        }
    }
}
