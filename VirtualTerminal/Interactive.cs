using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Terminal.App;

namespace LeoCarte.VirtualTerminal;

/// <summary>
/// A person at the virtual till: numbered virtual cards; type a number (and Enter) to put that card on the
/// reader, r to take the cards away, w to switch the Wi-Fi off/on, s for the self-test, l to list, q to quit.
/// The card office's actions in ESUP-SGC: lost N, stolen N, enable N (reactivate), renew N (a new card is
/// enabled, the old one disabled without motif); each is exported and imported by the gateway at once, and the
/// till changes at its next sync (y = sync now, +M = let M minutes pass). The gateway's card-office page is
/// on the printed URL (operator accueil / service-carte-demo).
/// Reads whole lines from standard input, so it works the same from a keyboard, a pipe or a file
/// (`printf '1\nr\nlost 1\n+1\n1\nr\nq\n' | dotnet run --project VirtualTerminal -- --interactive`).
/// </summary>
public static class Interactive
{
    private static bool CardOfficeAction(string input, out string action, out int target)
    {
        action = null;
        target = 0;
        string[] words = input.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 2 || !int.TryParse(words[1], out target))
        {
            return false;
        }

        action = words[0] switch
        {
            "lost" or "perdue" => "lost",
            "stolen" or "volee" or "volée" => "stolen",
            "enable" or "reactivate" or "activer" => "enable",
            "renew" or "renouveler" => "renew",
            _ => null,
        };
        return action != null;
    }

    public static int Run(VirtualTerminalOptions options, System.IO.TextReader input = null, System.IO.TextWriter output = null)
    {
        input ??= Console.In;
        output ??= Console.Out;
        bool redirected = input != Console.In || Console.IsInputRedirected;
        options.BootLocalTime = new TimeSpan(12, 0, 0);
        using var host = VirtualTerminalHost.Start(options);
        host.PumpSync();
        Population people = host.Population;
        List<CampusCard> menu = people.Cards.Where(c => c.Card != null && !people.Crowd.Contains(c)).Concat(people.Crowd.Take(5)).ToList();
        var onReader = new List<CampusCard>();
        long pulsesShown = 0;
        host.App.DecisionMade = (d, kind) =>
        {
            string line = d == null
                ? $"{kind}: {host.Platform.Display.French} | {host.Platform.Display.English}"
                : $"{(d.Approved ? "APPROVED" : "DENIED " + d.Reason)}: {d.MessageFrench} | {d.MessageEnglish}";
            output.WriteLine($"  {host.LocalNow:HH:mm:ss.fff}  {line}");
        };

        void List()
        {
            for (int i = 0; i < menu.Count; i++)
            {
                output.WriteLine($"  {i + 1,2}  {menu[i].Csn,-14}  {menu[i].Holder,-28} {menu[i].Label}");
            }
        }

        void Run(TimeSpan duration)
        {
            long until = host.Sim.NowNs + (long)(duration.TotalMilliseconds * 1_000_000);
            while (host.Sim.NowNs < until)
            {
                host.Step();
            }
        }

        output.WriteLine($"LéoCarte virtual terminal {VirtualTerminalHost.TerminalId} ({host.App.Configuration.Mode.ToString().ToLowerInvariant()}), gateway {host.GatewayUrl}, list version {host.App.Allowlist.Version}");
        output.WriteLine($"card office page: {host.GatewayUrl}/ (operator accueil, password service-carte-demo)");
        output.WriteLine(redirected ? "(standard input is not a terminal: reading commands line by line)" : "Type a card number and Enter to tap it; r = remove, w = Wi-Fi off/on, s = self-test, l = list, q = quit.");
        output.WriteLine("Card office (ESUP-SGC): lost N, stolen N, enable N, renew N; y = sync now, +M = let M minutes pass.");
        List();
        while (true)
        {
            output.Write($"[{host.LocalNow:HH:mm:ss} {(host.Wifi.Available ? "online" : "Wi-Fi OFF")}, on reader: {(onReader.Count == 0 ? "nothing" : string.Join(" + ", onReader.Select(c => c.Holder)))}]> ");
            string line = input.ReadLine();
            if (line == null)
            {
                output.WriteLine();
                break;
            }

            string command = line.Trim().ToLowerInvariant();
            if (command == "q")
            {
                break;
            }

            if (command == "r")
            {
                foreach (var c in onReader)
                {
                    host.Sim.Field.Remove(c.Card);
                }

                onReader.Clear();
                Run(TimeSpan.FromMilliseconds(200));
                output.WriteLine($"  card(s) removed: {host.Platform.Display.French}");
            }
            else if (command == "w")
            {
                host.Wifi.Available = !host.Wifi.Available;
                output.WriteLine($"  Wi-Fi {(host.Wifi.Available ? "back" : "off")}");
            }
            else if (command == "s")
            {
                host.App.PrintReport(line => output.WriteLine("  " + line));
            }
            else if (command == "l")
            {
                List();
            }
            else if (command.StartsWith('+') && int.TryParse(command.AsSpan(1), out int minutes) && minutes > 0 && minutes <= 24 * 60)
            {
                long version = host.App.Allowlist.Version;
                host.Idle(TimeSpan.FromMinutes(minutes));
                output.WriteLine($"  {minutes} min later: {host.LocalNow:HH:mm:ss}, list version {host.App.Allowlist.Version}{(host.App.Allowlist.Version != version ? " (new list applied at a sync)" : "")}");
            }
            else if (int.TryParse(command, out int number) && number >= 1 && number <= menu.Count)
            {
                CampusCard card = menu[number - 1];
                if (onReader.Contains(card))
                {
                    output.WriteLine("  already on the reader (r to remove it)");
                }
                else
                {
                    onReader.Add(card);
                    host.Sim.Field.Add(card.Card);
                    Run(TimeSpan.FromMilliseconds(300));
                    if (host.App.Vend.PulsesEmitted != pulsesShown)
                    {
                        output.WriteLine($"  vend output: {host.App.Vend.PulsesEmitted - pulsesShown} pulse(s) of {host.App.Configuration.VendPulseMilliseconds} ms sent to the machine");
                        pulsesShown = host.App.Vend.PulsesEmitted;
                    }
                }
            }
            else if (command.Length == 0)
            {
                Run(TimeSpan.FromSeconds(1));
            }
            else if (command == "y")
            {
                long version = host.App.Allowlist.Version;
                host.App.Sync?.RequestSyncNow();
                host.PumpSync();
                output.WriteLine(host.App.Allowlist.Version == version ? $"  synced: list version {version} is current" : $"  synced: list version {host.App.Allowlist.Version}");
            }
            else if (CardOfficeAction(command, out string action, out int target))
            {
                if (target < 1 || target > menu.Count || menu[target - 1].Eppn == null)
                {
                    output.WriteLine("  ? a card number from the list (l) that ESUP-SGC knows");
                    continue;
                }

                CampusCard card = menu[target - 1];
                LeoCarte.Gateway.Lists.ImportOutcome outcome;
                switch (action)
                {
                    case "lost":
                        outcome = host.CardOfficeSetsState(card.Csn, "DISABLED", "LOST");
                        break;
                    case "stolen":
                        outcome = host.CardOfficeSetsState(card.Csn, "DISABLED", "THEFT");
                        break;
                    case "enable":
                        outcome = host.CardOfficeSetsState(card.Csn, "ENABLED", null);
                        break;
                    default:
                        CampusCard fresh = host.Population.Renew(card, host.LocalNow);
                        menu.Add(fresh);
                        outcome = host.CardOfficeExports();
                        output.WriteLine($"  card office: new card {menu.Count} ({fresh.Csn}) enabled for {card.Holder}; card {target} disabled (replaced)");
                        break;
                }

                output.WriteLine($"  card office ({action} {target}): gateway {outcome.Message}");
                output.WriteLine($"  the till applies it at its next sync (every {host.App.Configuration.SyncIntervalSeconds} s; y = sync now, +1 = one minute later)");
            }
            else
            {
                output.WriteLine("  ? a card number, r, w, s, l, q; lost N, stolen N, enable N, renew N; y (sync now), +M (M minutes pass)");
            }
        }

        output.WriteLine($"journal: {host.App.Journal.LastSequence} records, {host.App.Journal.Depth} not yet uploaded");
        return 0;
    }
}
