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
public sealed partial class VendingMachineController
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

    /// <param name="port">The simulated MDB bus the machine and the terminal share.</param>
    /// <param name="runTerminal">Runs the terminal at the given time (µs): its link layer drains the port and answers; its tap loop may step.</param>
    /// <param name="seed">Seed of the machine's random choices (selections, walk-aways, jams).</param>
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

}
