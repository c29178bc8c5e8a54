using System;
using System.Collections.Generic;
using System.Linq;

namespace LeoCarte.VirtualTerminal;

/// <summary>
/// A person at the virtual till: numbered virtual cards; type a number (and Enter) to put that card on the
/// reader, r to take the cards away, w to switch the Wi-Fi off/on, s for the self-test, l to list, q to quit.
/// Reads whole lines from standard input, so it works the same from a keyboard, a pipe or a file
/// (`printf '1\nr\n5\nr\nq\n' | dotnet run --project VirtualTerminal -- --interactive`).
/// </summary>
public static class Interactive
{
    public static int Run(VirtualTerminalOptions options)
    {
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
            Console.WriteLine($"  {host.LocalNow:HH:mm:ss.fff}  {line}");
        };

        void List()
        {
            for (int i = 0; i < menu.Count; i++)
            {
                Console.WriteLine($"  {i + 1,2}  {menu[i].Csn,-14}  {menu[i].Holder,-28} {menu[i].Label}");
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

        Console.WriteLine($"LéoCarte virtual terminal {VirtualTerminalHost.TerminalId} ({host.App.Configuration.Mode.ToString().ToLowerInvariant()}), gateway {host.GatewayUrl}, list version {host.App.Allowlist.Version}");
        Console.WriteLine(Console.IsInputRedirected ? "(standard input is not a terminal: reading commands line by line)" : "Type a card number and Enter to tap it; r = remove, w = Wi-Fi off/on, s = self-test, l = list, q = quit.");
        List();
        while (true)
        {
            Console.Write($"[{host.LocalNow:HH:mm:ss} {(host.Wifi.Available ? "online" : "Wi-Fi OFF")}, on reader: {(onReader.Count == 0 ? "nothing" : string.Join(" + ", onReader.Select(c => c.Holder)))}]> ");
            string input = Console.ReadLine();
            if (input == null)
            {
                Console.WriteLine();
                break;
            }

            input = input.Trim().ToLowerInvariant();
            if (input == "q")
            {
                break;
            }

            if (input == "r")
            {
                foreach (var c in onReader)
                {
                    host.Sim.Field.Remove(c.Card);
                }

                onReader.Clear();
                Run(TimeSpan.FromMilliseconds(200));
                Console.WriteLine($"  card(s) removed: {host.Platform.Display.French}");
            }
            else if (input == "w")
            {
                host.Wifi.Available = !host.Wifi.Available;
                Console.WriteLine($"  Wi-Fi {(host.Wifi.Available ? "back" : "off")}");
            }
            else if (input == "s")
            {
                host.App.PrintReport(line => Console.WriteLine("  " + line));
            }
            else if (input == "l")
            {
                List();
            }
            else if (int.TryParse(input, out int number) && number >= 1 && number <= menu.Count)
            {
                CampusCard card = menu[number - 1];
                if (onReader.Contains(card))
                {
                    Console.WriteLine("  already on the reader (r to remove it)");
                }
                else
                {
                    onReader.Add(card);
                    host.Sim.Field.Add(card.Card);
                    Run(TimeSpan.FromMilliseconds(300));
                    if (host.App.Vend.PulsesEmitted != pulsesShown)
                    {
                        Console.WriteLine($"  vend output: {host.App.Vend.PulsesEmitted - pulsesShown} pulse(s) of {host.App.Configuration.VendPulseMilliseconds} ms sent to the machine");
                        pulsesShown = host.App.Vend.PulsesEmitted;
                    }
                }
            }
            else if (input.Length == 0)
            {
                Run(TimeSpan.FromSeconds(1));
            }
            else
            {
                Console.WriteLine("  ? a card number, r, w, s, l or q");
            }
        }

        Console.WriteLine($"journal: {host.App.Journal.LastSequence} records, {host.App.Journal.Depth} not yet uploaded");
        return 0;
    }
}
