using System;
using System.IO;
using LeoCarte.Gateway.Storage;
using LeoCarte.Gateway.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>A terminal whose clock refused a step (issue 13, item 3) is flagged on the card office's terminals table.</summary>
[TestClass]
public class ClockSuspectPageTests
{
    [TestMethod]
    public void ASuspectClockIsFlaggedOnTheTerminalsPage()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-clock-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var store = new SqlGatewayStore(new SqliteDialect(), "Data Source=" + Path.Combine(folder, "g.db"));
            store.Initialize();
            DateTime now = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
            store.RecordHeartbeat(new TerminalRow { TerminalId = "RU-CAEN-01", LastHeartbeatUtc = now, ClockState = "suspect", ClockSkewSeconds = 86400 });
            store.RecordHeartbeat(new TerminalRow { TerminalId = "RU-CAEN-02", LastHeartbeatUtc = now, ClockState = "sntp", ClockSkewSeconds = 1 });

            string html = CardOfficePages.Dashboard(store, new AntiforgeryTokenSet("t", "c", "f", "h"), "accueil", now, null, null);
            int suspectRow = html.IndexOf("RU-CAEN-01", StringComparison.Ordinal);
            int healthyRow = html.IndexOf("RU-CAEN-02", StringComparison.Ordinal);
            int flag = html.IndexOf("clock-suspect", StringComparison.Ordinal);
            Assert.IsTrue(suspectRow > 0 && healthyRow > 0);
            Assert.IsTrue(flag > suspectRow, "the suspect terminal's row carries the flag");
            StringAssert.Contains(html, "clock suspect (+86400 s)");
            Assert.AreEqual(-1, html.IndexOf("clock-suspect", flag + 1, StringComparison.Ordinal), "only that row");
            StringAssert.Contains(html, "<td>sntp (+1 s)</td>");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
