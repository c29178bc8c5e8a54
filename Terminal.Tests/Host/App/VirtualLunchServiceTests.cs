using System;
using System.IO;
using System.Linq;
using LeoCarte.Terminal.Decisions;
using LeoCarte.VirtualTerminal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// A short lunch service of the virtual terminal: the application core on the simulated reader, real HTTP on
/// loopback to the in-process gateway. Asserts the summary: every journal record uploaded exactly once, the
/// card deactivated mid-service refused, the outage's offline approvals uploaded afterwards.
/// </summary>
[TestClass]
public class VirtualLunchServiceTests
{
    [TestMethod]
    public void ShortLunchService_EveryRecordReachesTheGatewayExactlyOnce()
    {
        using var host = VirtualTerminalHost.Start(new VirtualTerminalOptions { Seed = 7, Students = 60 });
        var output = new StringWriter();
        LunchServiceResult result = LunchService.Run(host, output, 7, crowd: 40);
        string text = output.ToString();
        Console.WriteLine(text[Math.Max(0, text.IndexOf("==== lunch service summary", StringComparison.Ordinal))..]);

        Assert.IsTrue(result.Decisions > 60, "crowd, special cards and scripted events were decided");
        Assert.AreEqual(result.Approved + result.Denied, result.Decisions);
        Assert.IsTrue(result.ApprovedOffline > 0, "taps during the Wi-Fi outage were approved offline");
        foreach (var reason in new[] { ReasonCode.Lost, ReasonCode.Stolen, ReasonCode.Renewed, ReasonCode.Expired, ReasonCode.NotYetActivated, ReasonCode.UnknownCard, ReasonCode.RepeatTap, ReasonCode.MealAlreadyServed, ReasonCode.Blocked })
        {
            Assert.IsTrue(result.DeniedByReason.ContainsKey(reason), "a denial for " + reason);
        }

        Assert.IsTrue(result.DeactivatedCardRefused, "the card deactivated at the card office mid-service is refused after the next sync");
        Assert.IsTrue(result.DoubleTapNotCharged);
        Assert.IsTrue(result.RestingCardDecidedOnce);
        Assert.IsTrue(result.SeveralCardsRefusedThenDecided, "the wallet is refused, the card presented alone is decided");
        Assert.IsTrue(result.ReaderRecoveries >= 1, "the brown-out was recovered");
        Assert.AreEqual(0, result.LoopExceptions);

        // Exactly once: every decision journaled, acknowledged, stored by the gateway, none sent twice.
        Assert.AreEqual((long)result.Decisions + host.App.Statistics.ReaderErrorsJournaled, result.JournalRecords);
        Assert.AreEqual(0L, result.JournalPending);
        Assert.AreEqual(result.JournalRecords, result.JournalAcknowledged);
        Assert.AreEqual(result.JournalRecords, result.GatewayRecords);
        Assert.AreEqual(result.JournalRecords, result.RecordsAcknowledgedBySync);
        StringAssert.Contains(text, "every record exactly once");
        // The modeled tap: chip, SPI, RF, flash and poll wait fit in 30 ms; the interpretation of the tap's IL is added
        // at an assumed (upper-bound) ESP32 cost per instruction, and the total says whether 30 ms is met.
        var without = System.Text.RegularExpressions.Regex.Match(text, @"without interpretation\s+([\d.]+) ms");
        Assert.IsTrue(without.Success && double.Parse(without.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 30, "the modeled tap without interpretation fits in 30 ms");
        StringAssert.Contains(text, "interpretation (nanoCLR)");
        StringAssert.Contains(text, "total, card entering field → decision");
        Assert.IsTrue(result.Records.Where(r => r.Approved && r.UidLength == 7).All(r => r.Transfers > 0 && r.Transfers < 60), "SPI transfers per tap stay in the driver's budget");
    }
}
