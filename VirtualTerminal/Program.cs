using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using LeoCarte.VirtualTerminal;

// LéoCarte virtual terminal: the terminal's application core on a simulated MFRC522, real HTTP on loopback to
// the reference gateway started in-process. See VirtualTerminal/README.md.
//   dotnet run --project VirtualTerminal                       a lunch service (default; deterministic, seed 2026)
//   dotnet run --project VirtualTerminal -- --interactive      tap virtual cards from the keyboard
//   dotnet run --project VirtualTerminal -- --self-test        the boot self-test report (hardware/diagnostics.md)
//   dotnet run --project VirtualTerminal -- --soak 100000      benchmark: random taps and faults, memory and journal
//   dotnet run --project VirtualTerminal -- --vending --mdb    a vending machine on MDB: sessions, vends, a jammed spiral, checks
// Options: --seed N, --quiet (summary only), --vending (interactive/self-test as a vending machine), --config FILE (a terminal.conf to boot with; "{gateway}" = gateway URL),
//          --port N (the in-process gateway's loopback port, e.g. to keep its card-office page at a known address)
int seed = 2026;
string mode = "lunch";
long soakTaps = 0;
bool quiet = false;
bool vending = false;
bool mdb = false;
string configFile = null;
int gatewayPort = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--interactive":
            mode = "interactive";
            break;
        case "--self-test":
            mode = "self-test";
            break;
        case "--soak":
            mode = "soak";
            soakTaps = i + 1 < args.Length && long.TryParse(args[i + 1], out long n) ? n : 1_000_000;
            if (i + 1 < args.Length && long.TryParse(args[i + 1], out _))
            {
                i++;
            }

            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i]);
            break;
        case "--quiet":
            quiet = true;
            break;
        case "--vending":
            vending = true;
            break;
        case "--mdb":
            mdb = true;
            break;
        case "--config" when i + 1 < args.Length:
            configFile = args[++i];
            break;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out int p) && p > 0 && p < 65536:
            gatewayPort = p;
            i++;
            break;
        case "--help":
        case "-h":
            Console.WriteLine("usage: LeoCarte.VirtualTerminal [--interactive | --self-test | --soak N] [--vending [--mdb]] [--seed N] [--quiet] [--config terminal.conf] [--port N (the gateway's loopback port)]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]} (try --help)");
            return 2;
    }
}

var options = new VirtualTerminalOptions
{
    Seed = seed,
    ConfigurationText = configFile == null ? null : File.ReadAllText(configFile),
    Mode = vending ? "vending" : "restaurant",
    GatewayPort = gatewayPort,
};
if (mdb && !(vending && mode == "lunch"))
{
    Console.Error.WriteLine("--mdb goes with --vending alone: the vending machine run (dotnet run --project VirtualTerminal -- --vending --mdb)");
    return 2;
}

if (mdb)
{
    return VendingService.Run(options, quiet ? TextWriter.Null : Console.Out, seed);
}

if (vending && mode == "lunch")
{
    Console.Error.WriteLine("--vending applies to --interactive and --self-test (the lunch service is a restaurant till)");
    return 2;
}

try
{
    return Run();
}
catch (PortInUseException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

int Run()
{
var wall = Stopwatch.StartNew();
switch (mode)
{
    case "self-test":
    {
        // The real time of day: the gateway stamps lists with the machine's clock, so the list age is then true.
        var paris = LeoCarte.Terminal.Config.LocalTimeRule.EuropeParis();
        options.BootLocalTime = paris.ToLocal(DateTime.UtcNow).TimeOfDay;
        using var host = VirtualTerminalHost.Start(options);
        Console.WriteLine("Boot output of the virtual terminal (before the first sync):");
        foreach (string line in host.DebugLines)
        {
            Console.WriteLine("  " + line);
        }

        host.PumpSync();
        Console.WriteLine();
        Console.WriteLine(host.App.Sync == null
            ? "Self-test on demand (no sync: the terminal is not provisioned, every tap is refused):"
            : "Self-test on demand after the first sync cycle:");
        host.App.PrintReport(line => Console.WriteLine("  " + line));
        return host.App.IsProvisioned ? 0 : 1;
    }

    case "interactive":
        return Interactive.Run(options);

    case "soak":
        return Soak.Run(options, soakTaps);

    default:
    {
        using var host = VirtualTerminalHost.Start(options);
        if (!quiet)
        {
            foreach (string line in host.DebugLines)
            {
                Console.WriteLine("boot: " + line);
            }
        }

        LunchServiceResult result = LunchService.Run(host, quiet ? TextWriter.Null : Console.Out, seed);
        if (quiet)
        {
            LunchService.PrintSummary(host, result, Console.Out);
        }

        Console.WriteLine();
        Console.WriteLine($"wall time {wall.Elapsed.TotalSeconds:0.0} s for {host.LocalNow - (host.LocalNow.Date + options.BootLocalTime):hh\\:mm\\:ss} of modeled service");
        bool exactlyOnce = result.GatewayRecords == result.JournalRecords && result.RecordsAcknowledgedBySync == result.JournalRecords && result.JournalPending == 0;
        return exactlyOnce && result.DeactivatedCardRefused && result.DoubleTapNotCharged && result.RestingCardDecidedOnce && result.SeveralCardsRefusedThenDecided ? 0 : 1;
    }
}
}
