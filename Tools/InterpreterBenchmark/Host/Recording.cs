using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.NanoApp;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;

namespace LeoCarte.Tools.InterpreterBenchmark;

/// <summary>Passes the driver's traffic to the simulator and keeps every transfer, IRQ read and clock read (the replay's tables).</summary>
public sealed class RecordingBus : IRegisterBus, IReaderPins
{
    private readonly Mfrc522Simulator sim;
    public readonly List<byte> Transfers = new();
    public readonly List<byte> IrqReads = new();
    public readonly List<int> ClockReads = new();
    public int TransferCount;

    /// <summary>Every bus event in order: 'T' transfer, '0'/'1' IRQ read, 'C' clock read.</summary>
    public readonly List<char> Events = new();

    // The "instant IRQ" variant (see BuildInstantIrq): the same transfers, each wait's IRQ-line spin collapsed to
    // the read that saw the line asserted.
    public readonly List<byte> InstantIrqReads = new();
    public readonly List<int> InstantClockReads = new();
    private int[] instantIrqBefore;
    private int[] instantClockBefore;

    public RecordingBus(Mfrc522Simulator sim) => this.sim = sim;

    public void Transfer(byte[] tx, byte[] rx, int length)
    {
        if (length > 255)
        {
            throw new InvalidOperationException("transfer longer than the table format holds");
        }
        sim.Transfer(tx, rx, length);
        Transfers.Add((byte)length);
        Transfers.Add(tx[0]);
        Transfers.Add((byte)ReaderRecording.Checksum(tx, length));
        if ((tx[0] & 0x80) != 0)
        {
            for (int i = 0; i < length; i++)
            {
                Transfers.Add(rx[i]);
            }
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                if (rx[i] != 0)
                {
                    throw new InvalidOperationException("a write transfer clocked back a non-zero byte: the replay table format assumes zeros");
                }
            }
        }

        TransferCount++;
        Events.Add('T');
    }

    public void SetResetHigh(bool high) => sim.SetResetHigh(high);

    public bool IrqAsserted
    {
        get
        {
            bool value = sim.IrqAsserted;
            IrqReads.Add(value ? (byte)1 : (byte)0);
            Events.Add(value ? '1' : '0');
            return value;
        }
    }

    public long MonotonicMilliseconds
    {
        get
        {
            long value = sim.MonotonicMilliseconds;
            ClockReads.Add(checked((int)value));
            Events.Add('C');
            return value;
        }
    }

    public void Delay(int milliseconds) => sim.Delay(milliseconds);

    /// <summary>Position in the tables now (to cost one loop iteration's share).</summary>
    public (int Transfers, int Irq, int Clock) Mark => (TransferCount, IrqReads.Count, ClockReads.Count);

    public int EventCount => Events.Count;

    /// <summary>
    /// The driver spins on the IRQ line while the chip and the card work (Mfrc522Chip.WaitFor); on the ESP32 that
    /// spinning overlaps the wait the cost model already charges (RF, frame delays, 25 µs per GPIO read), so its IL
    /// must not be added to the tap time a second time. This variant answers every wait's first IRQ read with the
    /// asserted line: between two transfers, a spin that ended with the line asserted loses its unasserted reads
    /// and the clock reads taken inside it (a clock read right after an unasserted read); a spin that ended on the
    /// time limit is kept as it was. The driver then issues exactly the same transfers, and the IL difference
    /// between the two replays is the spinning.
    /// </summary>
    public void BuildInstantIrq()
    {
        instantIrqBefore = new int[Events.Count + 1];
        instantClockBefore = new int[Events.Count + 1];
        int irq = 0, clock = 0, e = 0, originalClock = 0;
        while (e < Events.Count)
        {
            if (Events[e] == 'T')
            {
                instantIrqBefore[e] = irq;
                instantClockBefore[e] = clock;
                e++;
                continue;
            }

            int end = e;
            while (end < Events.Count && Events[end] != 'T')
            {
                end++;
            }
            int lastIrq = -1;
            for (int i = e; i < end; i++)
            {
                if (Events[i] == '0' || Events[i] == '1')
                {
                    lastIrq = i;
                }
            }
            bool collapse = lastIrq >= 0 && Events[lastIrq] == '1';
            for (int i = e; i < end; i++)
            {
                instantIrqBefore[i] = irq;
                instantClockBefore[i] = clock;
                char ev = Events[i];
                int clockValue = ev == 'C' ? ClockReads[originalClock++] : 0;
                bool drop = collapse && (ev == '0' || (ev == 'C' && i > e && Events[i - 1] == '0'));
                if (drop)
                {
                    continue;
                }
                if (ev == '0' || ev == '1') { InstantIrqReads.Add(ev == '1' ? (byte)1 : (byte)0); irq++; }
                else if (ev == 'C') { InstantClockReads.Add(clockValue); clock++; }
            }

            e = end;
        }

        instantIrqBefore[Events.Count] = irq;
        instantClockBefore[Events.Count] = clock;
    }

    /// <summary>IRQ and clock reads of the instant variant before event <paramref name="eventIndex"/>.</summary>
    public (int Irq, int Clock) InstantMark(int eventIndex) => (instantIrqBefore[eventIndex], instantClockBefore[eventIndex]);

    /// <summary>The recording as a C# method returning a <see cref="ReaderRecording"/>.</summary>
    public void WriteMethod(StringBuilder sb, string name)
    {
        sb.Append("        public static ReaderRecording ").Append(name).AppendLine("()");
        sb.AppendLine("        {");
        sb.Append("            return new ReaderRecording(").Append(name).Append("Transfers, ").Append(name).Append("Irq, ")
          .Append(IrqReads.Count.ToString(CultureInfo.InvariantCulture)).Append(", ").Append(name).Append("Clock, ").Append(TransferCount.ToString(CultureInfo.InvariantCulture)).AppendLine(");");
        sb.AppendLine("        }");
        sb.AppendLine();
        Array(sb, "byte", name + "Transfers", Transfers.ConvertAll(b => (int)b));
        Array(sb, "byte", name + "Irq", Bits(IrqReads));
        Array(sb, "int", name + "Clock", ClockReads);
        if (InstantIrqReads.Count > 0)
        {
            sb.Append("        public static ReaderRecording ").Append(name).AppendLine("InstantIrq()");
            sb.AppendLine("        {");
            sb.Append("            return new ReaderRecording(").Append(name).Append("Transfers, ").Append(name).Append("IrqInstant, ")
              .Append(InstantIrqReads.Count.ToString(CultureInfo.InvariantCulture)).Append(", ").Append(name).Append("ClockInstant, ")
              .Append(TransferCount.ToString(CultureInfo.InvariantCulture)).AppendLine(");");
            sb.AppendLine("        }");
            sb.AppendLine();
            Array(sb, "byte", name + "IrqInstant", Bits(InstantIrqReads));
            Array(sb, "int", name + "ClockInstant", InstantClockReads);
        }
    }

    private static List<int> Bits(List<byte> reads)
    {
        var bits = new List<int>();
        for (int i = 0; i < reads.Count; i += 8)
        {
            int b = 0;
            for (int j = 0; j < 8 && i + j < reads.Count; j++)
            {
                b |= reads[i + j] << j;
            }
            bits.Add(b);
        }

        return bits;
    }

    private static void Array(StringBuilder sb, string type, string name, List<int> values)
    {
        sb.Append("        private static readonly ").Append(type).Append("[] ").Append(name).Append(" = new ").Append(type).Append("[] {");
        for (int i = 0; i < values.Count; i++)
        {
            if (i % 32 == 0)
            {
                sb.AppendLine().Append("            ");
            }
            sb.Append(values[i].ToString(CultureInfo.InvariantCulture)).Append(',');
        }

        sb.AppendLine().AppendLine("        };");
    }
}

/// <summary>The script's world on .NET: the register-level simulator's RF field with the script's virtual cards.</summary>
public sealed class SimulatorField : IScriptField
{
    private readonly Mfrc522Simulator sim;
    private readonly VirtualCard[] cards = new VirtualCard[LunchScript.CardCount];

    public SimulatorField(Mfrc522Simulator sim)
    {
        this.sim = sim;
        for (int i = 0; i < cards.Length; i++)
        {
            byte[] uid = LunchScript.CardUids[i];
            cards[i] = uid.Length == 4 ? VirtualCard.Classic1K(uid) : VirtualCard.Desfire(uid);
        }
    }

    public void Enter(int card) => sim.Field.Add(cards[card]);

    public void Leave() => sim.Field.Clear();

    public void CorruptNextAnswers(int answers) => sim.Faults.CorruptCrcOfNextAnswers(answers);

    public void Advance(int milliseconds) => sim.AdvanceTime(milliseconds * 1_000_000L);
}

/// <summary>The host runs of the script and of the Classic read, recorded; writes the nano app's tables.</summary>
public sealed class HostRuns
{
    public List<string> LunchLines { get; } = new();
    public LunchScript Script { get; private set; }
    public RecordingBus Lunch { get; private set; }
    public RecordingBus Classic { get; private set; }
    public Mfrc522Simulator LunchSim { get; private set; }
    public CostModel CostModel => LunchSim.CostModel;

    /// <summary>
    /// Per script entry: the bus position before it (index = entry), what the chip cost during it (the poll pause
    /// after the iteration excluded: <see cref="ChipNs"/>), and the flash reads and writes.
    /// </summary>
    public List<(int Transfers, int Irq, int Clock)> StepMarks { get; } = new();
    public List<int> StepEvents { get; } = new();
    public List<CostSnapshot> StepCosts { get; } = new();
    public List<(int Reads, int Writes)> StepStorage { get; } = new();

    /// <summary>
    /// Per script entry that decided (or refused) a tap: the bus position, event index and chip cost since the entry began
    /// when the application announced the decision (<c>DecisionMade</c>, after journal, display and feedback): what the
    /// student waits for. What the iteration does after it (the card parked: <c>CardReader.ParkCard</c>) is not part of it.
    /// </summary>
    public Dictionary<int, ((int Transfers, int Irq, int Clock) Mark, int Event, CostSnapshot Cost)> DecisionMarks { get; } = new();

    /// <summary>Modeled chip time of entry <paramref name="i"/> (SPI, RF, frame delays, IRQ reads), the pause after it excluded.</summary>
    public long ChipNs(int i) => StepCosts[i].ElapsedNs - Script.PauseAfter(i) * 1_000_000L;

    public static HostRuns Record()
    {
        var runs = new HostRuns();
        runs.RecordLunch();
        runs.RecordClassic();
        runs.RecordDesfire();
        runs.RecordOriginality();
        return runs;
    }

    public RecordingBus Desfire { get; private set; }
    public (int Transfers, int Irq, int Clock) DesfireStartMark { get; private set; }
    public (int Transfers, int Irq, int Clock) DesfireEndMark { get; private set; }
    public int DesfireStartEvent { get; private set; }
    public int DesfireEndEvent { get; private set; }
    public int DesfireTransfers { get; private set; }
    public CostSnapshot DesfireCost { get; private set; }

    /// <summary>AES-128 calls the desfire-aes tap makes (encryptions, decryptions, key schedules), counted on .NET.</summary>
    public (int Encrypts, int Decrypts, int Keys) DesfireAesCalls { get; private set; }

    private void RecordDesfire()
    {
        var sim = new Mfrc522Simulator(0x92, 2026);
        Desfire = new RecordingBus(sim);
        var reader = new LeoCarte.Drivers.Reader.CardReader(Desfire, Desfire, new Mfrc522Options(), DesfireScenario.ReaderOptions());
        reader.Start();
        var counters = new DesfireCountingCipher[4];
        for (int i = 0; i < counters.Length; i++)
        {
            counters[i] = new DesfireCountingCipher();
        }
        reader.UseBlockCiphers(counters[0], counters[1], counters[2]);
        var diversification = new LeoCarte.Drivers.Desfire.KeyDiversification(counters[3]);
        var card = VirtualCard.Desfire(DesfireScenario.Uid);
        var app = card.AddApplication(DesfireScenario.SiteAid);
        app.Keys[0] = new byte[16];
        app.Keys[DesfireScenario.KeyNumber] = new byte[16];
        if (!new LeoCarte.Drivers.Desfire.KeyDiversification(new LeoCarte.Drivers.Desfire.Aes128()).Diversify(DesfireScenario.MasterKey, 0, DesfireScenario.Uid, 7,
                DesfireScenario.SiteAid, 0, DesfireScenario.SystemId, DesfireScenario.SystemId.Length, app.Keys[DesfireScenario.KeyNumber], 0))
        {
            throw new InvalidOperationException("diversification failed");
        }

        app.Files[DesfireScenario.FileNumber] = new DesfireCard.DataFile { Data = new byte[DesfireScenario.FileLength], CommMode = 1, ReadKey = DesfireScenario.KeyNumber };
        sim.Field.Add(card);
        DesfireScenario.PreviousTap(diversification, new byte[16]);
        DesfireStartMark = Desfire.Mark;
        DesfireStartEvent = Desfire.EventCount;
        int start = Desfire.TransferCount;
        var before = sim.Costs.Snapshot();
        var marks = new PhaseRecorder(this, sim, counters);
        marks.PhaseEnded(0);
        var r = DesfireScenario.Tap(reader, diversification, new LeoCarte.Drivers.Reader.CardReadResult(), new LeoCarte.Drivers.Iso14443.AtsInfo(), new byte[16], new byte[DesfireScenario.FileLength],
            DesfireScenario.PhaseCount, marks);
        if (r != ReaderResult.Ok)
        {
            throw new InvalidOperationException($"desfire-aes tap on the simulator failed: {r}");
        }

        DesfireCost = sim.Costs.Snapshot().Minus(before);
        DesfireEndMark = Desfire.Mark;
        DesfireEndEvent = Desfire.EventCount;
        DesfireTransfers = Desfire.TransferCount - start;
        int enc = 0, dec = 0, keys = 0;
        foreach (var c in counters) { enc += c.Encrypts; dec += c.Decrypts; keys += c.Keys; }
        DesfireAesCalls = (enc, dec, keys);
        Desfire.BuildInstantIrq();
    }

    /// <summary>Where each phase of the desfire-aes tap ended (index 0: its start; index p: the end of phase p).</summary>
    public List<DesfirePhaseMark> DesfirePhases { get; } = new();

    public sealed record DesfirePhaseMark((int Transfers, int Irq, int Clock) Bus, int Event, CostSnapshot Cost, int Encrypts, int Decrypts, int Keys, CbcCalls Cbc);


    private sealed class PhaseRecorder : IPhaseMarks
    {
        private readonly HostRuns runs;
        private readonly Mfrc522Simulator sim;
        private readonly DesfireCountingCipher[] counters;

        public PhaseRecorder(HostRuns runs, Mfrc522Simulator sim, DesfireCountingCipher[] counters) { this.runs = runs; this.sim = sim; this.counters = counters; }

        public void PhaseEnded(int phase)
        {
            int enc = 0, dec = 0, keys = 0, cbcEnc = 0, cbcEncBlocks = 0, cbcDec = 0, cbcDecBlocks = 0;
            foreach (var c in counters)
            {
                enc += c.Encrypts; dec += c.Decrypts; keys += c.Keys;
                cbcEnc += c.CbcEncrypts; cbcEncBlocks += c.CbcEncryptBlocks; cbcDec += c.CbcDecrypts; cbcDecBlocks += c.CbcDecryptBlocks;
            }

            runs.DesfirePhases.Add(new DesfirePhaseMark(runs.Desfire.Mark, runs.Desfire.EventCount, sim.Costs.Snapshot(), enc, dec, keys,
                new CbcCalls(cbcEnc, cbcEncBlocks, cbcDec, cbcDecBlocks)));
        }
    }

    public RecordingBus Originality { get; private set; }
    public (int Transfers, int Irq, int Clock) OriginalityStartMark { get; private set; }
    public (int Transfers, int Irq, int Clock) OriginalityPollMark { get; private set; }
    public (int Transfers, int Irq, int Clock) OriginalityEndMark { get; private set; }
    public int OriginalityStartEvent { get; private set; }
    public int OriginalityPollEvent { get; private set; }
    public int OriginalityEndEvent { get; private set; }
    public CostSnapshot OriginalityPollCost { get; private set; }
    public CostSnapshot OriginalityCost { get; private set; }

    /// <summary>The originality Read_Sig of a tap (OriginalityScenario), recorded on a simulated DESFire: the Poll, then the rest.</summary>
    private void RecordOriginality()
    {
        var sim = new Mfrc522Simulator(0x92, 2027);
        Originality = new RecordingBus(sim);
        var reader = new LeoCarte.Drivers.Reader.CardReader(Originality, Originality, new Mfrc522Options(), DesfireScenario.ReaderOptions());
        reader.Start();
        sim.Field.Add(VirtualCard.Desfire(DesfireScenario.Uid));
        OriginalityStartMark = Originality.Mark;
        OriginalityStartEvent = Originality.EventCount;
        var before = sim.Costs.Snapshot();
        var read = new LeoCarte.Drivers.Reader.CardReadResult();
        var signature = new byte[56];
        if (OriginalityScenario.Tap(reader, read, new LeoCarte.Drivers.Iso14443.AtsInfo(), signature, true) != ReaderResult.Ok)
        {
            throw new InvalidOperationException("originality tap: no NewCard on the simulator");
        }

        OriginalityPollCost = sim.Costs.Snapshot().Minus(before);
        OriginalityPollMark = Originality.Mark;
        OriginalityPollEvent = Originality.EventCount;
        var atRest = sim.Costs.Snapshot();
        ReaderResult r = reader.OpenCardSession(new LeoCarte.Drivers.Iso14443.AtsInfo());
        if (r == ReaderResult.Ok)
        {
            r = reader.Desfire.ReadSignature(signature, 0);
        }

        if (r != ReaderResult.Ok)
        {
            throw new InvalidOperationException($"originality Read_Sig on the simulator failed: {r}");
        }

        // To the decision; the session is closed after it (ParkCard), as the tap loop does.
        OriginalityCost = sim.Costs.Snapshot().Minus(atRest);
        OriginalityEndMark = Originality.Mark;
        OriginalityEndEvent = Originality.EventCount;
        reader.ParkCard();
        Originality.BuildInstantIrq();
    }

    private void RecordLunch()
    {
        LunchSim = new Mfrc522Simulator(0x92, 2026);
        Lunch = new RecordingBus(LunchSim);
        Script = new LunchScript(Lunch, Lunch, new SimulatorField(LunchSim), LunchLines.Add);
        Script.Boot();
        int entry = 0;
        CostSnapshot entryStart = null;
        var printing = Script.App.DecisionMade;
        Script.App.DecisionMade = (d, kind) =>
        {
            printing?.Invoke(d, kind);
            DecisionMarks[entry] = (Lunch.Mark, Lunch.EventCount, LunchSim.Costs.Snapshot().Minus(entryStart));
        };

        for (int i = 0; i < Script.StepCount; i++)
        {
            StepMarks.Add(Lunch.Mark);
            StepEvents.Add(Lunch.EventCount);
            var before = LunchSim.Costs.Snapshot();
            entry = i;
            entryStart = before;
            int reads = Script.Files.ReadCount, writes = Script.Files.WriteCount;
            Script.Run(i + 1);
            StepCosts.Add(LunchSim.Costs.Snapshot().Minus(before));
            StepStorage.Add((Script.Files.ReadCount - reads, Script.Files.WriteCount - writes));
        }

        StepMarks.Add(Lunch.Mark);
        StepEvents.Add(Lunch.EventCount);
        Script.PrintSummary();
        Lunch.BuildInstantIrq();
    }

    private void RecordClassic()
    {
        var sim = new Mfrc522Simulator(0x92, 2026);
        Classic = new RecordingBus(sim);
        var reader = new LeoCarte.Drivers.Reader.CardReader(Classic, Classic, new Mfrc522Options(), new LeoCarte.Drivers.Reader.CardReaderOptions());
        reader.Start();
        sim.Field.Add(VirtualCard.Classic1K(LunchScript.CardUids[LunchScript.KarimClassic]));
        var read = new LeoCarte.Drivers.Reader.CardReadResult();
        var block = new byte[16];
        ClassicStart = Classic.TransferCount;
        var e = reader.Poll(read);
        var r = reader.ReadClassicBlock(LeoCarte.Drivers.Iso14443.MifareKeyType.KeyA, ClassicCard.TransportKey, ClassicScenario.Block, block, 0);
        if (e != LeoCarte.Drivers.Reader.CardEvent.NewCard || r != ReaderResult.Ok)
        {
            throw new InvalidOperationException($"Classic read on the simulator failed: {e}, {r}");
        }

        ClassicTransfers = Classic.TransferCount - ClassicStart;
    }

    public int ClassicStart { get; private set; }
    public int ClassicTransfers { get; private set; }

    public string TablesSource()
    {
        var sb = new StringBuilder();
        sb.AppendLine("// Generated by Tools/InterpreterBenchmark from a host run on the MFRC522 simulator. Do not edit.");
        sb.AppendLine("namespace LeoCarte.NanoApp");
        sb.AppendLine("{");
        sb.AppendLine("    public static class ReplayTables");
        sb.AppendLine("    {");
        Lunch.WriteMethod(sb, "Lunch");
        Classic.WriteMethod(sb, "Classic");
        Desfire.WriteMethod(sb, "Desfire");
        Originality.WriteMethod(sb, "Originality");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
