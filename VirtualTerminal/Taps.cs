using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using LeoCarte.Simulator;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.VirtualTerminal;

/// <summary>One decision as the virtual terminal saw it, with what the deciding poll cost in modeled ESP32 terms.</summary>
public sealed class TapRecord
{
    public DateTime LocalTime;
    public string Csn;
    public int UidLength;
    public bool Approved;
    public bool Offline;
    public ReasonCode Reason;
    public TapKind Kind;
    public string French;
    public string English;
    public bool Journaled;
    public long Sequence;
    public CampusCard Card;

    // Cost of the loop iteration that produced the decision (poll + read + decide + journal).
    public long ChipNs;
    public long Transfers;
    public long SpiBytes;
    public long RfAirNs;
    public int StorageReads;
    public int StorageWrites;
}

/// <summary>
/// Presents virtual cards to the virtual terminal the way people do (put the card on the reader, leave it a
/// moment, take it away), records every decision and prints it as it happens.
/// </summary>
public sealed class TapDriver
{
    private readonly VirtualTerminalHost host;
    private readonly TextWriter output;
    private readonly Random random;
    private CampusCard presenting;
    private TapRecord pending;
    private CostSnapshot stepStart;
    private int stepStartReads;
    private int stepStartWrites;

    public TapDriver(VirtualTerminalHost host, TextWriter output, int seed)
    {
        this.host = host;
        this.output = output;
        random = new Random(seed);
        host.App.DecisionMade = OnDecision;
    }

    public List<TapRecord> Records { get; } = new();

    /// <summary>Polls that saw the presented card resting on the reader (never decided twice).</summary>
    public long RestingPolls { get; private set; }

    /// <summary>Prints each decision line when true.</summary>
    public bool Echo { get; set; } = true;

    public Random Random => random;

    private void OnDecision(Decision d, TapKind kind)
    {
        var record = new TapRecord
        {
            LocalTime = host.LocalNow,
            Kind = kind,
            Card = presenting,
        };
        if (d != null)
        {
            record.Csn = Convert.ToHexStringLower(d.Uid, 0, d.UidLength);
            record.UidLength = d.UidLength;
            record.Approved = d.Approved;
            record.Reason = d.Reason;
            record.French = d.MessageFrench;
            record.English = d.MessageEnglish;
            record.Journaled = d.Journaled;
            record.Sequence = d.JournalSequence;
            record.Offline = d.Approved && !host.App.IsOnline(host.ClockHardware.MonotonicMilliseconds);
        }
        else
        {
            record.Csn = presenting?.Csn ?? "?";
            record.UidLength = record.Csn.Length / 2;
            record.French = host.Platform.Display.French;
            record.English = host.Platform.Display.English;
        }

        // Tap-to-decision ends here: the loop parks the card (HLTA or S(DESELECT)) after this notification, and that is
        // not part of what the student waits for, so the cost is taken now rather than at the end of the iteration.
        CostSnapshot cost = host.Sim.Costs.Snapshot().Minus(stepStart ?? host.Sim.Costs.Snapshot());
        record.ChipNs = cost.ElapsedNs;
        record.Transfers = cost.Transfers;
        record.SpiBytes = cost.Bytes;
        record.RfAirNs = cost.RfAirNs;
        record.StorageReads = host.Files.ReadCount - stepStartReads;
        record.StorageWrites = host.Files.WriteCount - stepStartWrites;
        pending = record;
        Records.Add(record);
    }

    /// <summary>One loop iteration with its cost measured; returns the loop's verdict.</summary>
    private TapKind MeasuredStep()
    {
        stepStart = host.Sim.Costs.Snapshot();
        stepStartReads = host.Files.ReadCount;
        stepStartWrites = host.Files.WriteCount;
        pending = null;
        TapKind kind = host.App.Step();
        host.App.CheckWatchdog();
        if (pending != null)
        {
            Print(pending);
        }

        if (kind == TapKind.Resting)
        {
            RestingPolls++;
        }

        host.Sim.AdvanceTime(host.App.PollIntervalMilliseconds * 1_000_000L);
        host.PumpSync();
        return kind;
    }

    /// <summary>Cards enter the field together, stay <paramref name="dwell"/>, leave; the loop runs all along.</summary>
    public void Present(TimeSpan dwell, params CampusCard[] cards)
    {
        presenting = cards[0];
        foreach (CampusCard card in cards)
        {
            host.Sim.Field.Add(card.Card);
        }

        long until = host.Sim.NowNs + (long)(dwell.TotalMilliseconds * 1_000_000);
        do
        {
            MeasuredStep();
        }
        while (host.Sim.NowNs < until);

        foreach (CampusCard card in cards)
        {
            host.Sim.Field.Remove(card.Card);
        }

        for (int i = 0; i < 10 && host.App.Reader.CardPresent; i++)
        {
            MeasuredStep();
        }

        presenting = null;
    }

    /// <summary>A usual tap: the card stays 0.4 to 1.2 s on the reader.</summary>
    public void Tap(CampusCard card) => Present(TimeSpan.FromMilliseconds(400 + random.Next(800)), card);

    private void Print(TapRecord r)
    {
        if (!Echo || output == null)
        {
            return;
        }

        string verdict = r.Kind switch
        {
            TapKind.RefusedNotConfigured => "REFUSED (not configured)",
            TapKind.RefusedVendBusy => "REFUSED (vend busy)",
            TapKind.RefusedSeveralCards => "REFUSED (several cards)",
            TapKind.ReaderError => "READ ERROR",
            _ => r.Approved ? (r.Offline ? "APPROVED offline" : "APPROVED") : "DENIED " + r.Reason,
        };
        string who = r.Card == null ? "" : $"  [{r.Card.Holder}: {r.Card.Label}]";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.LocalTime:HH:mm:ss.fff}  {r.Csn,-14}  {verdict,-26} {r.French} | {r.English}{who}"));
    }
}
