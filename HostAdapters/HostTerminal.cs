using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.HostAdapters;

/// <summary>What a host terminal needs to know: who it is, where the gateway is, and its site's list key.</summary>
public sealed class HostTerminalOptions
{
    public string TerminalId { get; set; }
    public byte[] TerminalSecret { get; set; }
    public Uri GatewayUri { get; set; }
    public uint SiteId { get; set; }
    public byte[] SiteKey { get; set; }
    public TerminalMode Mode { get; set; } = TerminalMode.Vending;
    public SyncOptions Sync { get; set; } = new();
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int JournalCapacity { get; set; } = 1024;
    public uint Seed { get; set; } = 1;

    /// <summary>CA certificate the gateway's TLS certificate must chain to (https gateways); null for plain HTTP.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 PinnedCa { get; set; }
}

/// <summary>
/// The terminal's portable core assembled on host adapters: allowlist in flash files, journal, decision engine,
/// synced clock, and the sync engine talking real HTTP to a gateway. The end-to-end tests drive it; the
/// virtual terminal can reuse it. The device assembles the same parts over nanoFramework adapters
/// (Terminal/Device/Sync).
/// </summary>
public sealed class HostTerminal : IDisposable
{
    public HostTerminal(HostTerminalOptions options, IFileStore files, IClockHardware clockHardware)
    {
        Options = options;
        Files = files;
        ClockHardware = clockHardware;
        Clock = new SyncedClock(clockHardware);
        Allowlist = new AllowlistStore(files);
        Allowlist.Open();
        Journal = new TransactionJournal(files, new JournalSettings { Capacity = options.JournalCapacity });
        Journal.Open();
        Decisions = new DecisionEngine(Allowlist, Clock, Journal, files, new DecisionSettings { Mode = options.Mode });
        Decisions.Start();
        ListSink = new AllowlistListSink(Allowlist, options.SiteId, options.SiteKey);
        Transport = options.PinnedCa == null
            ? new HttpClientTransport(options.GatewayUri, options.HttpTimeout)
            : new HttpClientTransport(options.GatewayUri, options.HttpTimeout, options.PinnedCa);
        Sync = new SyncEngine(Transport, new RequestSigner(options.TerminalId, options.TerminalSecret, new PortableMessageHasher()), Clock, ListSink,
            Allowlist, new TransactionJournalSource(Journal), null, options.Sync, ReaderHealth, options.Seed);
        Sync.ListConfirmed = Decisions.NoteListConfirmed;
    }

    public HostTerminalOptions Options { get; }
    public IFileStore Files { get; }
    public IClockHardware ClockHardware { get; }
    public SyncedClock Clock { get; }
    public AllowlistStore Allowlist { get; }
    public TransactionJournal Journal { get; }
    public DecisionEngine Decisions { get; }
    public AllowlistListSink ListSink { get; }
    public HttpClientTransport Transport { get; }
    public SyncEngine Sync { get; }

    /// <summary>Text the heartbeat reports for the reader (a host terminal has a simulated one).</summary>
    public string ReaderHealthText { get; set; } = "ok";

    private string ReaderHealth() => ReaderHealthText;

    /// <summary>A tap: a sale in vending mode, a meal in restaurant mode.</summary>
    public Decision Tap(byte[] uid, int priceCents = 100, int itemCode = 1)
    {
        return Options.Mode == TerminalMode.Vending
            ? Decisions.DecideSale(uid, 0, uid.Length, priceCents, itemCode)
            : Decisions.DecideMeal(uid, 0, uid.Length);
    }

    /// <summary>Steps the sync engine until the current cycle ends (bounded); Idle when nothing was due.</summary>
    public SyncStepResult StepUntilCycleEnds(int maxSteps = 100_000)
    {
        SyncStepResult result = SyncStepResult.Idle;
        for (int i = 0; i < maxSteps; i++)
        {
            result = Sync.Step();
            if (result != SyncStepResult.Working)
            {
                return result;
            }
        }

        return result;
    }

    public void Dispose() => Transport.Dispose();
}
