using System;
using System.Collections.Generic;
using LeoCarte.Drivers.Mdb;

namespace LeoCarte.Simulator.Mdb;

/// <summary>Fault probabilities the simulated VMC injects (each per transaction unless said otherwise).</summary>
public sealed class MdbFaults
{
    /// <summary>One bit of a VMC byte flipped: the terminal must answer NAK and the VMC repeats the command.</summary>
    public double CorruptCommand;

    /// <summary>One bit of the terminal's data block flipped on the way: the VMC sends RET.</summary>
    public double CorruptAnswer;

    /// <summary>The terminal's answer (ACK or data) is lost: the VMC times out after 5 ms and repeats the command.</summary>
    public double LostAnswer;

    /// <summary>The VMC's ACK of the terminal's data is lost: the terminal sends the data again at the next POLL.</summary>
    public double LostVmcAck;

    /// <summary>The terminal is serviced 6 ms after the VMC's last byte: too late, it must stay silent.</summary>
    public double SlowTerminal;

    /// <summary>A 1.5 ms gap inside a command (t-inter-byte max is 1 ms): the terminal must drop the block.</summary>
    public double InterByteGap;

    /// <summary>Per vend: the VMC RESETs (command or bus break) at a random point of the session.</summary>
    public double ResetMidVend;

    /// <summary>Per vend: the VMC sends a command the state does not allow (VEND SUCCESS before any approval, …).</summary>
    public double OutOfSequence;

    /// <summary>Per vend: the VMC stops polling for 12 s after the approval (its power cut), then resets.</summary>
    public double MachineStall;

    public static MdbFaults None => new();

    public static MdbFaults Everything(double p) => new()
    {
        CorruptCommand = p, CorruptAnswer = p, LostAnswer = p, LostVmcAck = p, SlowTerminal = p, InterByteGap = p,
        ResetMidVend = p, OutOfSequence = p, MachineStall = p / 4,
    };
}

/// <summary>How a purchase ended, from the machine's side.</summary>
public enum VendOutcome
{
    NoSession,
    NotEnoughFunds,
    Denied,
    NoAnswer,
    Dispensed,
    DispenseFailed,
    Interrupted,
}

/// <summary>
/// A vending machine controller (VMC, the bus master) as ICP/MDB 4.2 §2 and §7 describe it, host-only: it drives the
/// terminal through <see cref="SimulatedMdbPort"/> byte-exactly and with bus timing (9600 baud words, 5 ms response
/// limit, repeated commands, RET/NAK), injects <see cref="MdbFaults"/>, and keeps the machine's own record of
/// successful vends — the figure the terminal's journal must match.
/// </summary>
public sealed class VendingMachineController
{
    public const int CashlessAddress = 0x10;

    private readonly SimulatedMdbPort port;
    private readonly Action<long> runTerminal;
    private readonly Random random;
    private long now;

    private enum Vmc
    {
        Off,
        Enabled,
        SessionIdle,
        VendRequested,
        Vending,
        SessionEnding,
    }

    private Vmc state = Vmc.Off;

    /// <param name="runTerminal">Runs the terminal at the given time (µs): its link layer drains the port and answers; its tap loop may step.</param>
    public VendingMachineController(SimulatedMdbPort port, Action<long> runTerminal, int seed)
    {
        this.port = port;
        this.runTerminal = runTerminal;
        random = new Random(seed);
    }

    public MdbFaults Faults = MdbFaults.None;

    /// <summary>Ask for the level-3 always-idle option when the reader offers it.</summary>
    public bool UseAlwaysIdle;

    /// <summary>Time between two POLLs of an idle machine (real VMCs: 25–200 ms).</summary>
    public long PollIntervalMicroseconds = 50_000;

    /// <summary>The machine's local time sent on TIME/DATE REQUEST.</summary>
    public DateTime LocalTime = new(2026, 12, 1, 12, 30, 0);

    public long NowMicroseconds => now;

    // The reader as configured.
    public int ReaderLevel { get; private set; }
    public int ReaderCurrency { get; private set; }
    public int ReaderScale { get; private set; } = 1;
    public int ReaderMaxResponseSeconds { get; private set; } = 5;
    public int ReaderFeatures { get; private set; }
    public string ReaderManufacturer { get; private set; } = "";
    public bool AlwaysIdleEnabled { get; private set; }

    /// <summary>Funds of the open session (cents), -1 when none.</summary>
    public int SessionFunds { get; private set; } = -1;
    public bool InSession => state is Vmc.SessionIdle or Vmc.VendRequested or Vmc.Vending;
    public bool Enabled => state == Vmc.Enabled;

    // The machine's record.
    public int SuccessfulVends { get; private set; }
    public long SuccessfulVendCents { get; private set; }
    public readonly List<(int Item, int PriceCents)> VendLog = new();
    /// <summary>VEND SUCCESS the reader acknowledged (it has heard of the sale), in order.</summary>
    public readonly List<(int Item, int PriceCents)> AcknowledgedSuccessLog = new();
    public int UnacknowledgedSuccesses { get; private set; }
    public int FailedVends { get; private set; }
    public int DeniedVends { get; private set; }
    public int CancelledVends { get; private set; }
    public int SessionsBegun { get; private set; }
    public int SessionCancelRequests { get; private set; }
    public int OutOfSequenceAnswers { get; private set; }
    public int JustResets { get; private set; }
    public int TimeDateRequests { get; private set; }
    public int DuplicateAnswersIgnored { get; private set; }

    // Link statistics and faults injected.
    public long Transactions { get; private set; }
    public int Timeouts { get; private set; }
    public int NaksReceived { get; private set; }
    public int RetsSent { get; private set; }
    public int ProtocolErrors { get; private set; }
    public int LateOrSilentAnswers { get; private set; }
    public readonly Dictionary<string, int> Injected = new();

    /// <summary>The last data block the terminal sent (without CHK), for tests.</summary>
    public byte[] LastData { get; private set; } = Array.Empty<byte>();

    private bool Chance(double p) => p > 0 && random.NextDouble() < p;

    private void Count(string fault) => Injected[fault] = Injected.GetValueOrDefault(fault) + 1;

    /// <summary>Moves the machine's clock forward to <paramref name="microseconds"/> (after the terminal ran on its own, e.g. during a tap).</summary>
    public void AdvanceTo(long microseconds)
    {
        if (microseconds > now)
        {
            now = microseconds;
        }
    }

    /// <summary>Advances time without bus traffic (the terminal's tap loop still runs).</summary>
    public void Wait(long microseconds)
    {
        now += microseconds;
        runTerminal(now);
    }

    /// <summary>
    /// One command (address byte first, without CHK) until the terminal answers correctly or the tries run out:
    /// null = no answer, empty = ACK, else the data block without CHK (already acknowledged).
    /// </summary>
    public byte[] Transact(params byte[] command)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            Transactions++;
            byte[] answer = TryOnce(command, out bool retry);
            if (!retry)
            {
                return answer;
            }
        }

        return null;
    }

    private byte[] TryOnce(byte[] command, out bool retry)
    {
        retry = true;
        now += 200;
        var block = new byte[command.Length + 1];
        Array.Copy(command, block, command.Length);
        block[^1] = MdbWord.Checksum(command, 0, command.Length);
        if (Chance(Faults.CorruptCommand))
        {
            Count("corrupt command");
            int i = 1 + random.Next(block.Length - 1); // a data or CHK byte: the address byte stays ours
            block[i] ^= (byte)(1 << random.Next(8));
        }

        int gapAt = Chance(Faults.InterByteGap) && block.Length > 2 ? 1 + random.Next(block.Length - 1) : -1;
        if (gapAt > 0)
        {
            Count("inter-byte gap");
        }

        for (int i = 0; i < block.Length; i++)
        {
            now += i == gapAt ? SimulatedMdbPort.WordMicroseconds + 1500 : SimulatedMdbPort.WordMicroseconds;
            port.SendWord(block[i] | (i == 0 ? MdbWord.ModeBit : 0), now);
        }

        long lastByte = now;
        bool slow = Chance(Faults.SlowTerminal);
        if (slow)
        {
            Count("slow terminal");
        }

        port.AnswerStartMicroseconds = lastByte + (slow ? 6000 : 300);
        runTerminal(port.AnswerStartMicroseconds);
        byte[] bytes = port.TakeAnswer(out bool modeBit);
        if (bytes.Length == 0 || slow)
        {
            // Silence, or an answer after the 5 ms limit that the VMC no longer listens to (§2.5: t-response as NAK).
            LateOrSilentAnswers++;
            Timeouts++;
            now = lastByte + 5000;
            return null;
        }

        now = port.AnswerStartMicroseconds + bytes.Length * SimulatedMdbPort.WordMicroseconds;
        if (!modeBit)
        {
            ProtocolErrors++;
        }

        if (Chance(Faults.LostAnswer))
        {
            Count("lost answer");
            Timeouts++;
            now += 5000;
            return null;
        }

        if (bytes.Length == 1)
        {
            if (bytes[0] == MdbWord.Ack)
            {
                retry = false;
                return Array.Empty<byte>();
            }

            if (bytes[0] == MdbWord.Nak)
            {
                NaksReceived++;
            }
            else
            {
                ProtocolErrors++;
            }

            return null;
        }

        for (int ret = 0; ret <= 3; ret++)
        {
            if (Chance(Faults.CorruptAnswer))
            {
                Count("corrupt answer");
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            if (MdbWord.Checksum(bytes, 0, bytes.Length - 1) == bytes[^1])
            {
                now += 200;
                if (Chance(Faults.LostVmcAck))
                {
                    Count("lost VMC ACK");
                }
                else
                {
                    port.SendWord(MdbWord.Ack, now);
                    runTerminal(now + 100);
                }

                retry = false;
                LastData = bytes[..^1];
                return LastData;
            }

            // §2.2: the VMC asks for the same data again.
            RetsSent++;
            now += 200;
            port.SendWord(MdbWord.Ret, now);
            port.AnswerStartMicroseconds = now + 300;
            runTerminal(port.AnswerStartMicroseconds);
            bytes = port.TakeAnswer(out _);
            if (bytes.Length < 2)
            {
                ProtocolErrors++;
                return null;
            }

            now = port.AnswerStartMicroseconds + bytes.Length * SimulatedMdbPort.WordMicroseconds;
        }

        now += 200;
        port.SendWord(MdbWord.Nak, now);
        return null;
    }

    /// <summary>RESET (or a bus break) and the whole setup sequence of §7: JUST RESET, config, prices, ID, options, enable.</summary>
    public bool PowerUp(bool busBreak = false, int vmcLevel = 3)
    {
        state = Vmc.Off;
        SessionFunds = -1;
        if (busBreak)
        {
            now += 100_000; // the break holds the line ≥ 100 ms
            port.SendWord(MdbWord.BusReset, now);
            runTerminal(now);
        }
        else if (Transact(0x10) == null)
        {
            return false;
        }

        bool justReset = false;
        for (int i = 0; i < 30 && !justReset; i++)
        {
            Wait(PollIntervalMicroseconds);
            byte[] a = Transact(0x12);
            if (a is { Length: > 0 } && a[0] == 0x00)
            {
                justReset = true;
                JustResets++;
            }
        }

        if (!justReset)
        {
            return false;
        }

        byte[] config = Transact(0x11, 0x00, (byte)vmcLevel, 16, 2, 0x01);
        if (config is not { Length: 8 } || config[0] != 0x01)
        {
            return false;
        }

        ReaderLevel = Math.Min(config[1], vmcLevel);
        ReaderCurrency = (config[2] << 8) | config[3];
        ReaderScale = config[4];
        ReaderMaxResponseSeconds = config[6];
        if (Transact(0x11, 0x01, 0x03, 0xE8, 0x00, 0x32) == null) // max 10.00, min 0.50
        {
            return false;
        }

        var request = new List<byte> { 0x17, 0x00 };
        request.AddRange("VMC"u8.ToArray());
        request.AddRange("SIM000000001"u8.ToArray());
        request.AddRange("VMC-SIM     "u8.ToArray());
        request.AddRange(new byte[] { 0x01, 0x00 });
        byte[] id = Transact(request.ToArray());
        if (id is not { Length: >= 30 } || id[0] != 0x09)
        {
            return false;
        }

        ReaderManufacturer = System.Text.Encoding.ASCII.GetString(id, 1, 3);
        ReaderFeatures = id.Length >= 34 ? (id[30] << 24) | (id[31] << 16) | (id[32] << 8) | id[33] : 0;
        AlwaysIdleEnabled = false;
        if (ReaderLevel >= 3 && UseAlwaysIdle && (ReaderFeatures & 0x20) != 0)
        {
            if (Transact(0x17, 0x04, 0, 0, 0, 0x20) == null)
            {
                return false;
            }

            AlwaysIdleEnabled = true;
        }

        if (Transact(0x14, 0x01) == null)
        {
            return false;
        }

        state = Vmc.Enabled;
        return true;
    }

    /// <summary>One POLL and what the machine does with the answer.</summary>
    public byte[] Poll()
    {
        Wait(PollIntervalMicroseconds);
        byte[] a = Transact(0x12);
        if (a is { Length: > 0 })
        {
            Handle(a);
        }

        return a;
    }

    private void Handle(byte[] a)
    {
        switch (a[0])
        {
            case 0x00:
                JustResets++;
                if (state != Vmc.Off)
                {
                    // The reader reset on its own: the machine sets it up again before using it.
                    state = Vmc.Off;
                    SessionFunds = -1;
                }

                break;
            case 0x03:
                if (state == Vmc.Enabled)
                {
                    SessionFunds = ((a[1] << 8) | a[2]) * ReaderScale;
                    SessionsBegun++;
                    state = Vmc.SessionIdle;
                }
                else
                {
                    DuplicateAnswersIgnored++;
                }

                break;
            case 0x04:
                SessionCancelRequests++;
                if (state == Vmc.SessionIdle)
                {
                    EndSession();
                }

                break;
            case 0x05:
                if (state == Vmc.VendRequested)
                {
                    state = Vmc.Vending;
                }
                else
                {
                    DuplicateAnswersIgnored++;
                }

                break;
            case 0x06:
                if (state == Vmc.VendRequested)
                {
                    state = Vmc.SessionIdle;
                    DeniedVends++;
                }
                else
                {
                    DuplicateAnswersIgnored++;
                }

                break;
            case 0x07:
                if (state is Vmc.SessionEnding or Vmc.SessionIdle)
                {
                    state = Vmc.Enabled;
                    SessionFunds = -1;
                }
                else
                {
                    DuplicateAnswersIgnored++;
                }

                break;
            case 0x0B:
                OutOfSequenceAnswers++;
                break;
            case 0x11:
                TimeDateRequests++;
                Transact(0x17, 0x03, Bcd(LocalTime.Year % 100), Bcd(LocalTime.Month), Bcd(LocalTime.Day), Bcd(LocalTime.Hour),
                    Bcd(LocalTime.Minute), Bcd(LocalTime.Second), (byte)((int)LocalTime.DayOfWeek == 0 ? 7 : (int)LocalTime.DayOfWeek), 0x48, 0x00, 0x00);
                break;
        }
    }

    private static byte Bcd(int v) => (byte)(((v / 10) << 4) | (v % 10));

    /// <summary>Polls until a session is open (the student tapped), at most <paramref name="polls"/> times.</summary>
    public bool WaitForSession(int polls = 20)
    {
        for (int i = 0; i < polls && state == Vmc.Enabled; i++)
        {
            Poll();
        }

        return InSession;
    }

    /// <summary>
    /// The student chooses <paramref name="item"/> at <paramref name="priceCents"/>; the machine asks for it, and on
    /// approval dispenses (or fails to) and reports VEND SUCCESS or VEND FAILURE. In always-idle mode no session is
    /// needed first: the terminal waits for the tap (<paramref name="duringApprovalWait"/> runs once, e.g. the tap).
    /// </summary>
    public VendOutcome Buy(int item, int priceCents, bool dispenses, Action duringApprovalWait = null)
    {
        if (!AlwaysIdleEnabled && state != Vmc.SessionIdle)
        {
            return VendOutcome.NoSession;
        }

        if (AlwaysIdleEnabled && state == Vmc.Enabled)
        {
            state = Vmc.SessionIdle;
        }

        if (SessionFunds >= 0 && priceCents > SessionFunds)
        {
            return VendOutcome.NotEnoughFunds;
        }

        int scaled = priceCents / ReaderScale;
        if (Transact(0x13, 0x00, (byte)(scaled >> 8), (byte)scaled, (byte)(item >> 8), (byte)item) == null)
        {
            return VendOutcome.NoAnswer;
        }

        state = Vmc.VendRequested;
        bool resetNow = Chance(Faults.ResetMidVend);
        int resetAt = random.Next(3);
        if (resetNow && resetAt == 0)
        {
            Count("reset after vend request");
            return Interrupt();
        }

        long deadline = now + ReaderMaxResponseSeconds * 1_000_000L;
        duringApprovalWait?.Invoke();
        while (state == Vmc.VendRequested && now < deadline)
        {
            Poll();
        }

        if (state == Vmc.VendRequested)
        {
            // §7: no answer within the reader's maximum response time: VEND CANCEL, then the reader says VEND DENIED.
            Transact(0x13, 0x01);
            CancelledVends++;
            for (int i = 0; i < 10 && state == Vmc.VendRequested; i++)
            {
                Poll();
            }

            state = state == Vmc.Off ? Vmc.Off : Vmc.SessionIdle;
            return VendOutcome.Denied;
        }

        if (state != Vmc.Vending)
        {
            return state == Vmc.Off ? VendOutcome.Interrupted : VendOutcome.Denied;
        }

        if (Chance(Faults.MachineStall))
        {
            Count("machine stall");
            Wait(12_000_000); // no POLL for 12 s: the terminal must give the vend up
            return Interrupt();
        }

        if (resetNow && resetAt == 1)
        {
            Count("reset while dispensing");
            return Interrupt();
        }

        // Dispensing takes a few polls.
        for (int i = 0; i < 3; i++)
        {
            Poll();
        }

        if (Chance(Faults.OutOfSequence))
        {
            Count("out of sequence");
            // A second VEND REQUEST while dispensing: the reader answers OUT OF SEQUENCE and keeps the approved vend.
            int other = scaled + 1;
            Transact(0x13, 0x00, (byte)(other >> 8), (byte)other, (byte)(item >> 8), (byte)item);
            Poll();
        }

        if (dispenses)
        {
            byte[] ack = Transact(0x13, 0x02, (byte)(item >> 8), (byte)item);
            if (ack == null)
            {
                // The product dropped but the reader never acknowledged (it is off): the machine still records the sale.
                UnacknowledgedSuccesses++;
            }
            else
            {
                AcknowledgedSuccessLog.Add((item, priceCents));
            }

            SuccessfulVends++;
            SuccessfulVendCents += priceCents;
            VendLog.Add((item, priceCents));
            state = Vmc.SessionIdle;
            if (resetNow && resetAt == 2)
            {
                Count("reset after vend success");
                Interrupt();
            }

            return VendOutcome.Dispensed;
        }

        Transact(0x13, 0x03);
        FailedVends++;
        state = Vmc.SessionIdle;
        return VendOutcome.DispenseFailed;
    }

    private VendOutcome Interrupt()
    {
        PowerUp(busBreak: random.Next(2) == 0, vmcLevel: 3);
        return VendOutcome.Interrupted;
    }

    /// <summary>SESSION COMPLETE and POLL until END SESSION.</summary>
    public bool EndSession()
    {
        if (!InSession)
        {
            return state == Vmc.Enabled;
        }

        Transact(0x13, 0x04);
        state = Vmc.SessionEnding;
        for (int i = 0; i < 20 && state == Vmc.SessionEnding; i++)
        {
            Poll();
        }

        return state == Vmc.Enabled;
    }

    /// <summary>Sends an out-of-sequence command on purpose (tests): VEND SUCCESS with no approved vend.</summary>
    public byte[] SendRaw(params byte[] command) => Transact(command);
}
