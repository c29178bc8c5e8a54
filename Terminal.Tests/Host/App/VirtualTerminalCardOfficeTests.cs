using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using LeoCarte.VirtualTerminal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>The interactive virtual terminal's card-office actions, end to end: ESUP-SGC export → gateway import → sync → till.</summary>
[TestClass]
public class VirtualTerminalCardOfficeTests
{
    [TestMethod]
    public void LostRenewAndReactivateReachTheTillAfterTheNextSync()
    {
        // Menu: the sample's cards first (1 alice, 2 bruno, ...); NEW = the number the renewal gave the new card.
        var output = new StringWriter();
        var commands = new Script(output,
            "2", "r",                  // bruno: approved
            "lost 2", "y", "2", "r",   // declared lost, synced: refused
            "enable 2", "+1",          // reactivated: one minute later the till has it
            "renew 1", "y",            // alice renewed: her old card replaced, a new card enabled
            "1", "r", "NEW", "r", "q");
        int exit = Interactive.Run(new VirtualTerminalOptions { Students = 20, Seed = 11 }, commands, output);
        string text = output.ToString();
        Assert.AreEqual(0, exit, text);
        string[] decisions = text.Split('\n').Where(l => l.Contains("APPROVED") || l.Contains("DENIED")).ToArray();
        Assert.AreEqual(4, decisions.Length, text);
        StringAssert.Contains(decisions[0], "APPROVED");
        StringAssert.Contains(decisions[1], "DENIED Lost: Carte déclarée perdue");
        StringAssert.Contains(decisions[2], "DENIED Renewed: Carte remplacée : utilisez votre nouvelle carte");
        StringAssert.Contains(decisions[3], "APPROVED", "the new card");
        StringAssert.Contains(text, "card office (lost 2): gateway published version 2");
        StringAssert.Contains(text, "card office (enable 2): gateway published version 3");
        StringAssert.Contains(text, "1 min later");
        StringAssert.Contains(text, "list version 3 (new list applied at a sync)");
        StringAssert.Contains(text, "card office (renew 1): gateway published version 4");
        StringAssert.Contains(text, "renewed: new card");
        StringAssert.Contains(text, "card office page: http://127.0.0.1:");
    }

    /// <summary>Standard input for the test: lines given in advance, "NEW" replaced by the new card's number read from the output so far.</summary>
    private sealed class Script : TextReader
    {
        private readonly StringWriter output;
        private readonly System.Collections.Generic.Queue<string> lines;

        public Script(StringWriter output, params string[] lines)
        {
            this.output = output;
            this.lines = new System.Collections.Generic.Queue<string>(lines);
        }

        public override string ReadLine()
        {
            if (lines.Count == 0)
            {
                return null;
            }

            string line = lines.Dequeue();
            return line == "NEW" ? System.Text.RegularExpressions.Regex.Match(output.ToString(), @"new card (\d+) ").Groups[1].Value : line;
        }
    }

    [TestMethod]
    public void APortAlreadyInUseGivesOneClearLine()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var e = Assert.ThrowsExactly<PortInUseException>(() => VirtualTerminalHost.Start(new VirtualTerminalOptions { Students = 5, GatewayPort = port }));
            Assert.AreEqual($"port {port} on 127.0.0.1 is already in use (another gateway or virtual terminal?): choose another with --port, or leave it out to take a free one", e.Message);
        }
        finally
        {
            listener.Stop();
        }
    }
}
