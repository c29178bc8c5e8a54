using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Sync;

// A host terminal pointed at a gateway (defaults: the sample gateway of `dotnet run --project Gateway -- --sample`).
//   dotnet run --project Tools/SyncDemo -- [--gateway http://127.0.0.1:5080/] [--terminal RU-CAEN-01]
//       [--secret HEX] [--site 14] [--site-key HEX] [--flash folder] [--tap CSN]... [--watch SECONDS]
// It syncs once (list, journal, heartbeat), taps each --tap card (vending sale of 1 €), syncs again so the
// journal is uploaded, and with --watch keeps syncing every 60 s for that long, re-tapping the cards each cycle.
var arguments = new Dictionary<string, List<string>>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (!arguments.TryGetValue(args[i], out var values))
    {
        arguments[args[i]] = values = new List<string>();
    }

    values.Add(args[i + 1]);
}

string Arg(string name, string fallback) => arguments.TryGetValue(name, out var v) ? v[^1] : fallback;
var options = new HostTerminalOptions
{
    GatewayUri = new Uri(Arg("--gateway", "http://127.0.0.1:5080/")),
    TerminalId = Arg("--terminal", "RU-CAEN-01"),
    TerminalSecret = Convert.FromHexString(Arg("--secret", "5465726d696e616c2052552d4341454e2d303120646d6f20736563726574210a")),
    SiteId = uint.Parse(Arg("--site", "14")),
    Mode = TerminalMode.Vending,
};

// The gateway's list public key, id:04… as Tools/KeyGen prints it; by default the sample gateway's (`--sample`).
string listKey = Arg("--list-key", "1:" + LeoCarte.Terminal.Config.DemoMaterial.SampleListPublicKeyHex);
options.ListPublicKeys[uint.Parse(listKey[..listKey.IndexOf(':')])] = Convert.FromHexString(listKey[(listKey.IndexOf(':') + 1)..]);
string flash = Arg("--flash", Path.Combine(Path.GetTempPath(), "leocarte-syncdemo-" + options.TerminalId));
int watchSeconds = int.Parse(Arg("--watch", "0"));
var taps = arguments.TryGetValue("--tap", out var t) ? t : new List<string>();

using var terminal = new HostTerminal(options, new FileSystemFileStore(flash), new SystemClockHardware());
Console.WriteLine($"terminal {options.TerminalId} → {options.GatewayUri} (flash: {flash}, list version {terminal.Allowlist.Version})");

void Sync()
{
    SyncStepResult result = terminal.StepUntilCycleEnds();
    SyncStatistics s = terminal.Sync.Statistics;
    Console.WriteLine($"sync: {result}; list v{terminal.Allowlist.Version} ({terminal.Allowlist.Count} cards), applied {s.ListsApplied}, rejected {s.ListsRejected}, "
        + $"up to date {s.ListsUpToDate}; journal acknowledged {s.RecordsAcknowledged}, pending {terminal.Journal.Depth}; clock {terminal.Clock.StateText}"
        + (s.LastError == null ? "" : $"; last error: {s.LastError}"));
}

void Tap()
{
    foreach (string csn in taps)
    {
        Decision d = terminal.Tap(Convert.FromHexString(csn));
        Console.WriteLine($"tap {csn}: {(d.Approved ? "APPROVED" : "DENIED")} {d.Reason} — {d.MessageFrench} / {d.MessageEnglish}");
    }
}

terminal.Sync.RequestSyncNow();
Sync();
Tap();
terminal.Sync.RequestSyncNow();
Sync();
DateTime end = DateTime.UtcNow.AddSeconds(watchSeconds);
while (DateTime.UtcNow < end)
{
    Thread.Sleep((int)Math.Min(1000, Math.Max(10, terminal.Sync.MillisecondsUntilDue())));
    if (terminal.Sync.MillisecondsUntilDue() == 0)
    {
        Sync();
        Tap();
    }
}

return 0;
