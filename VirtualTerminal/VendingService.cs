using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using LeoCarte.Drivers.Mdb;
using LeoCarte.Simulator.Mdb;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;

namespace LeoCarte.VirtualTerminal;

/// <summary>
/// <c>--vending --mdb</c>: the virtual terminal as MDB cashless device #1 inside a vending machine. A simulated
/// vending machine controller (Simulator/Mdb) drives the real terminal application over the simulated bus,
/// byte-exactly and with bus timing and a little line noise; students tap (MFRC522 simulator), choose on the
/// machine, and the machine reports each vend. One spiral jams (VEND FAILURE: not charged), a student walks away
/// (session timeout), a lost card and a bank card are refused, a student reaches the daily card cap, the machine
/// loses power while dispensing. The journal goes to the gateway over real HTTP; the run ends with its checks.
/// </summary>
public static class VendingService
{
    private static readonly (string Name, int Cents)[] PriceList =
    {
        ("Café", 50), ("Eau 50 cl", 80), ("Compote", 90), ("Chips", 110), ("Barre chocolatée", 120),
        ("Soda 33 cl", 150), ("Sandwich", 320), ("Salade", 450),
    };

    public static int Run(VirtualTerminalOptions options, TextWriter o, int seed)
    {
        options.Mode = "vending";
        using var host = VirtualTerminalHost.Start(options);
        var random = new Random(seed);
        var port = new SimulatedMdbPort();
        var device = new CashlessDevice(host.App.Decisions, new CashlessSettings { SerialNumber = "RU-CAEN-01" });
        var link = new MdbPeripheralLink(port, device, CashlessDevice.Address);
        host.App.Cashless = device;
        var printer = new EventPrinter(host, o);
        device.Observer = printer;
        long originNs = host.Sim.NowNs;

        // The bus and the tap loop share the modeled time: the machine's clock (µs) drives the simulation forward.
        void RunTerminal(long microseconds)
        {
            long target = originNs + microseconds * 1000;
            while (host.Sim.NowNs + host.App.PollIntervalMilliseconds * 1_000_000L <= target)
            {
                host.Step();
            }

            link.Service(microseconds);
            device.Step(host.ClockHardware.MonotonicMilliseconds); // a tap loop that turns at once after bus traffic
        }

        var vmc = new VendingMachineController(port, RunTerminal, seed) { PollIntervalMicroseconds = 100_000 };
        vmc.LocalTime = host.LocalNow;
        var taps = new TapDriver(host, o, seed);

        // Time passing at the machine: it keeps polling (a silent bus would end the terminal's session).
        void Pause(TimeSpan duration)
        {
            Sync();
            long until = vmc.NowMicroseconds + (long)duration.TotalMicroseconds;
            while (vmc.NowMicroseconds < until)
            {
                vmc.Poll();
            }
        }
        void Sync() => vmc.AdvanceTo((host.Sim.NowNs - originNs) / 1000);

        o.WriteLine($"LéoCarte virtual terminal — vending machine on MDB, seed {seed}, terminal {VirtualTerminalHost.TerminalId}, gateway {host.GatewayUrl}");
        o.WriteLine("price list: " + string.Join(", ", PriceList.Select((p, i) => $"{i + 1} {p.Name} {Euros(p.Cents)}")));
        port.Trace = new List<string>(); // the power-up byte by byte (9-bit words: * = mode bit), then only events
        bool setUp = vmc.PowerUp();
        foreach (string word in port.Trace)
        {
            o.WriteLine("             bus " + word.Trim());
        }

        port.Trace = null;
        o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- machine power-up: RESET, JUST RESET, SETUP → reader level {vmc.ReaderLevel}, currency {vmc.ReaderCurrency:X4} (euro), "
            + $"max response {vmc.ReaderMaxResponseSeconds} s, ID {vmc.ReaderManufacturer} {host.App.Cashless.State}; max/min price {Euros(device.MachineMaxPriceCents)}/{Euros(device.MachineMinPriceCents)}");
        for (int i = 0; i < 3; i++)
        {
            vmc.Poll();
        }

        o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- the machine set the terminal's display clock: {device.MachineLocalTime:yyyy-MM-dd HH:mm:ss} (TIME/DATE REQUEST)");
        vmc.Faults = new MdbFaults { CorruptCommand = 0.003, CorruptAnswer = 0.003, LostAnswer = 0.003, LostVmcAck = 0.003, InterByteGap = 0.002 };

        int failedVendItem = -1;
        int walkAways = 0, capRefusals = 0, interrupted = 0;
        bool Buy(CampusCard who, int item, bool dispenses = true, string title = null)
        {
            if (title != null)
            {
                o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- {title}");
            }

            printer.Student = who.Holder;
            taps.Tap(who);
            Sync();
            if (!vmc.WaitForSession(10))
            {
                Pause(TimeSpan.FromSeconds(5 + random.Next(20)));
                return false;
            }

            var (name, cents) = PriceList[item - 1];
            printer.Choice = $"{name} {Euros(cents)}";
            VendOutcome outcome = vmc.Buy(item, cents, dispenses);
            if (outcome == VendOutcome.NotEnoughFunds)
            {
                capRefusals++;
                o.WriteLine($"{host.LocalNow:HH:mm:ss.fff}  machine: {name} {Euros(cents)} is more than the session's funds {Euros(vmc.SessionFunds)}: not requested");
            }

            vmc.EndSession();
            Pause(TimeSpan.FromSeconds(5 + random.Next(40)));
            return outcome == VendOutcome.Dispensed;
        }

        Population people = host.Population;
        List<CampusCard> students = people.Crowd.Take(30).ToList();
        CampusCard big = students[0];
        foreach (CampusCard s in students.Skip(1).Take(12))
        {
            Buy(s, 1 + random.Next(PriceList.Length));
        }

        failedVendItem = 6;
        Buy(students[13], failedVendItem, dispenses: false, title: "the soda spiral jams: the machine reports VEND FAILURE");
        Buy(students[13], 2, title: "the same student takes water instead");

        o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- a student taps, then walks away without choosing (session timeout 30 s)");
        printer.Student = students[14].Holder;
        taps.Tap(students[14]);
        Sync();
        vmc.WaitForSession(10);
        for (int i = 0; i < 400 && vmc.InSession; i++)
        {
            vmc.Poll();
        }

        walkAways = device.SessionTimeouts;
        Sync();

        CampusCard lost = people.WithState("DISABLED").FirstOrDefault();
        if (lost != null)
        {
            Buy(lost, 3, title: "a deactivated card is tapped");
        }

        Buy(people.Unknown.First(), 3, title: "a bank card is tapped");

        o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- {big.Holder} buys salads until the daily card cap (15.00 €)");
        for (int i = 0; i < 4; i++)
        {
            Buy(big, 8);
        }

        Buy(big, 2, title: $"{big.Holder} takes water with what is left");

        o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- the machine loses power while dispensing (approved, no VEND SUCCESS)");
        printer.Student = students[15].Holder;
        taps.Tap(students[15]);
        Sync();
        if (vmc.WaitForSession(10))
        {
            printer.Choice = $"{PriceList[4].Name} {Euros(PriceList[4].Cents)}";
            vmc.Faults.ResetMidVend = 1;
            VendOutcome o2 = vmc.Buy(5, PriceList[4].Cents, true);
            vmc.Faults.ResetMidVend = 0;
            if (o2 == VendOutcome.Interrupted)
            {
                interrupted++;
            }

            vmc.PowerUp();
            Pause(TimeSpan.FromSeconds(20));
        }

        foreach (CampusCard s in students.Skip(16))
        {
            Buy(s, 1 + random.Next(PriceList.Length));
        }

        o.WriteLine($"{host.LocalNow:HH:mm:ss}     --- end of the run: syncing until the journal is empty");
        Sync();
        bool drained = host.DrainJournal(TimeSpan.FromMinutes(10));

        // What the platform debits: the approved records. Read back from the journal ring (acknowledged, still there).
        var charges = new List<(int Item, int Cents)>();
        var reasons = new Dictionary<ReasonCode, int>();
        var record = new JournalRecord();
        for (long s = 1; s <= host.App.Journal.LastSequence; s++)
        {
            if (host.App.Journal.TryRead(s, record))
            {
                reasons[(ReasonCode)record.Reason] = reasons.GetValueOrDefault((ReasonCode)record.Reason) + 1;
                if (record.Approved)
                {
                    charges.Add((record.ItemCode, record.AmountCents));
                }
            }
        }

        var machine = vmc.VendLog;
        long gatewayRecords = host.GatewayStore.JournalCount(VirtualTerminalHost.TerminalId);
        bool chargesMatch = charges.SequenceEqual(machine);
        bool failedNotCharged = reasons.GetValueOrDefault(ReasonCode.VendFailed) >= 1 && vmc.FailedVends >= 1;
        bool noChargeWithoutSuccess = charges.Count <= vmc.AcknowledgedSuccessLog.Count && charges.All(c => vmc.AcknowledgedSuccessLog.Contains(c));
        bool exactlyOnce = drained && gatewayRecords == host.App.Journal.LastSequence;
        long pulses = host.Platform.Outputs.Rises[Terminal.OutputSignal.VendPulse];

        o.WriteLine();
        o.WriteLine("==== vending (MDB) summary ====");
        o.WriteLine($"sessions            {device.Sessions} opened, {device.SessionsRefused} refused at the tap, {walkAways} ended by the session timeout");
        o.WriteLine($"machine's record    {vmc.SuccessfulVends} successful vends ({Euros((int)vmc.SuccessfulVendCents)}), {vmc.FailedVends} VEND FAILURE, {vmc.DeniedVends} denied, {capRefusals} not requested (funds), {interrupted} interrupted by a power cut");
        o.WriteLine($"journal             {charges.Count} charges ({Euros(charges.Sum(c => c.Cents))}); pending {reasons.GetValueOrDefault(ReasonCode.VendPending)}, failed {reasons.GetValueOrDefault(ReasonCode.VendFailed)}, cancelled {reasons.GetValueOrDefault(ReasonCode.VendCancelled)}; "
            + string.Join(", ", reasons.Where(r => r.Key is not (ReasonCode.Approved or ReasonCode.VendPending or ReasonCode.VendFailed or ReasonCode.VendCancelled)).Select(r => $"{r.Key} {r.Value}")));
        o.WriteLine($"gateway             {gatewayRecords} records stored of {host.App.Journal.LastSequence} written, pending {host.App.Journal.Depth}");
        o.WriteLine($"bus                 {vmc.Transactions} transactions, {port.WordsToTerminal} words to the terminal, {port.WordsFromTerminal} from it; noise: {string.Join(", ", vmc.Injected.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"))}; "
            + $"recovered by {vmc.NaksReceived} NAK, {vmc.RetsSent} RET, {link.RepeatedCommands} repeated commands, {link.DataResent} data re-sent; protocol errors {vmc.ProtocolErrors}");
        o.WriteLine($"vend pulses         {pulses} (MDB replaces the pulse output)");
        o.WriteLine($"checks              setup: {Yes(setUp)}; journal charges = machine's successful vends (items and prices, in order): {Yes(chargesMatch)}; "
            + $"jammed vend not charged: {Yes(failedNotCharged)}; no charge without VEND SUCCESS: {Yes(noChargeWithoutSuccess)}; every record at the gateway exactly once: {Yes(exactlyOnce)}");
        return setUp && chargesMatch && failedNotCharged && noChargeWithoutSuccess && exactlyOnce && pulses == 0 ? 0 : 1;
    }

    private static string Yes(bool value) => value ? "yes" : "NO";

    private static string Euros(int cents) => cents < 0 ? "?" : (cents / 100.0).ToString("0.00", CultureInfo.InvariantCulture) + " €";

    private sealed class EventPrinter : ICashlessObserver
    {
        private readonly VirtualTerminalHost host;
        private readonly TextWriter o;
        public string Student = "";
        public string Choice = "";

        public EventPrinter(VirtualTerminalHost host, TextWriter o)
        {
            this.host = host;
            this.o = o;
        }

        public void OnCashless(CashlessEvent e, Decision d)
        {
            string line = e switch
            {
                CashlessEvent.SessionOpened => $"BEGIN SESSION, funds {Euros(d.AmountCents)}",
                CashlessEvent.VendAuthorized => $"VEND REQUEST {Choice} → VEND APPROVED (journal #{d.JournalSequence}: pending, not charged)",
                CashlessEvent.VendRefused => d == null ? $"VEND REQUEST {Choice} → VEND DENIED (cancelled or no card)" : $"VEND REQUEST {Choice} → VEND DENIED {d.Reason}: {d.MessageFrench}",
                CashlessEvent.VendCharged => $"VEND SUCCESS → charged {Euros(d.AmountCents)} (journal #{d.JournalSequence})",
                CashlessEvent.VendNotCharged => $"VEND SUCCESS → NOT charged ({d.Reason})",
                CashlessEvent.VendVoided => $"vend voided: {d.Reason} → not charged" + (d.Journaled ? $" (journal #{d.JournalSequence})" : ""),
                CashlessEvent.SessionEnded => "END SESSION",
                CashlessEvent.BusLost => "bus silent: the machine stopped",
                CashlessEvent.Reset => "RESET from the machine",
                _ => null,
            };
            if (line != null)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{host.LocalNow:HH:mm:ss.fff}  MDB  {line}  [{Student}]"));
            }
        }
    }
}
