using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mdb;
using LeoCarte.Simulator.Mdb;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Tests.Decisions;

namespace LeoCarte.Terminal.Tests.Host.Cashless;

/// <summary>
/// A vending machine (simulated VMC) wired to a terminal's cashless device over the simulated MDB port: the
/// terminal's decision stack (journal, engine over a MemoryFileStore), its MDB link layer and cashless device, with a
/// reboot that keeps the flash (power cut) and a log of cashless events.
/// </summary>
public sealed class MdbRig : ICashlessObserver
{
    public readonly TestTerminal Terminal;
    public readonly SimulatedMdbPort Port = new();
    public readonly VendingMachineController Vmc;
    public readonly CashlessSettings Settings = new();
    public CashlessDevice Device;
    public MdbPeripheralLink Link;
    public readonly List<string> Events = new();

    /// <summary>False holds the terminal's tap loop (decisions wait), to test what the bus does meanwhile.</summary>
    public bool StepTerminal = true;

    public static readonly byte[] Alice = TestTerminal.Uid7(101);
    public static readonly byte[] Bob = TestTerminal.Uid7(102);
    public static readonly byte[] Lost = TestTerminal.Uid7(103);
    public static readonly byte[] Stranger = TestTerminal.Uid7(999);

    public MdbRig(int seed = 1, int journalCapacity = 256)
    {
        Terminal = new TestTerminal(TerminalMode.Vending, journalCapacity);
        Terminal.List.Add(Alice, CardState.Active, 5001);
        Terminal.List.Add(Bob, CardState.Active, 5002);
        Terminal.List.Add(Lost, CardState.Lost, 5003);
        Terminal.Engine.NoteListConfirmed();
        Vmc = new VendingMachineController(Port, RunTerminal, seed);
        BuildDevice();
    }

    private void BuildDevice()
    {
        Device = new CashlessDevice(Terminal.Engine, Settings) { Observer = this };
        Link = new MdbPeripheralLink(Port, Device, CashlessDevice.Address);
    }

    /// <summary>The terminal's side at time <paramref name="microseconds"/>: the link answers, the tap loop steps.</summary>
    public void RunTerminal(long microseconds)
    {
        if (Terminal.Store.IsPoweredOff)
        {
            return; // the terminal is off: silence on the bus
        }

        Link.Service(microseconds);
        if (StepTerminal)
        {
            Terminal.Clock.Monotonic = 1000 + microseconds / 1000;
            Device.Step(Terminal.Clock.Monotonic);
        }
    }

    /// <summary>Power cut of the terminal: flash kept, RAM lost; journal, engine, link and device rebuilt.</summary>
    public bool Reboot()
    {
        Terminal.Store.Reboot();
        bool ok = Terminal.Boot();
        Terminal.Engine.NoteListConfirmed();
        BuildDevice();
        return ok;
    }

    public void Tap(byte[] uid)
    {
        Device.PresentCard(uid, 0, uid.Length);
        RunTerminal(Vmc.NowMicroseconds);
    }

    public void OnCashless(CashlessEvent e, Decision decision)
    {
        Events.Add(decision == null ? e.ToString() : $"{e} {decision.Reason} {decision.AmountCents}");
    }

    /// <summary>Charges uploaded so far (what the platform debits), in journal order; see <see cref="Upload"/>.</summary>
    public readonly List<(int Item, int PriceCents, int Holder)> Uploaded = new();

    /// <summary>Records uploaded, by reason code.</summary>
    public readonly int[] UploadedByReason = new int[32];

    /// <summary>What the sync client does: read every unacknowledged record, tally it, acknowledge.</summary>
    public void Upload()
    {
        foreach (JournalRecord r in Records())
        {
            UploadedByReason[r.Reason]++;
            if (r.Approved)
            {
                Uploaded.Add((r.ItemCode, r.AmountCents, r.HolderKey));
            }
        }

        Terminal.Journal.Acknowledge(Terminal.Journal.LastSequence);
    }

    /// <summary>Journal records (sequence order) currently readable.</summary>
    public List<JournalRecord> Records()
    {
        var list = new List<JournalRecord>();
        for (long s = Terminal.Journal.AcknowledgedSequence + 1; s <= Terminal.Journal.LastSequence; s++)
        {
            var r = new JournalRecord();
            if (Terminal.Journal.TryRead(s, r))
            {
                list.Add(r);
            }
        }

        return list;
    }

    /// <summary>(count, cents) of approved records: the charges the platform will debit.</summary>
    public (int Count, long Cents) Charges()
    {
        int count = 0;
        long cents = 0;
        foreach (JournalRecord r in Records())
        {
            if (r.Approved)
            {
                count++;
                cents += r.AmountCents;
            }
        }

        return (count, cents);
    }

    /// <summary>Tap, wait for the session, buy, end the session: the machine's view of one purchase.</summary>
    public VendOutcome Purchase(byte[] uid, int item, int price, bool dispenses)
    {
        Tap(uid);
        if (!Vmc.WaitForSession(5))
        {
            return VendOutcome.NoSession;
        }

        VendOutcome outcome = Vmc.Buy(item, price, dispenses);
        Vmc.EndSession();
        return outcome;
    }
}
