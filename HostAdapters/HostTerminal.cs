using System;
using System.Linq;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using TerminalConfiguration = LeoCarte.Terminal.Config.TerminalConfiguration;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.HostAdapters;

/// <summary>What a host terminal needs to know: who it is, where the gateway is, and the gateway's list public key(s).</summary>
public sealed class HostTerminalOptions
{
    public string TerminalId { get; set; }
    public byte[] TerminalSecret { get; set; }
    public Uri GatewayUri { get; set; }
    public uint SiteId { get; set; }
    /// <summary>The gateway's list signing public keys (65-byte points) by key id.</summary>
    public System.Collections.Generic.Dictionary<uint, byte[]> ListPublicKeys { get; set; } = new();

    /// <summary>Bound on a list's version step (keys.max_list_version_jump).</summary>
    public int MaxListVersionJump { get; set; } = 1000000;

    /// <summary>The list signature verifier; null = the terminal's own (the subset ECDSA P-256 of Terminal/Crypto).</summary>
    public IListSignatureVerifier ListSignatureVerifier { get; set; }
    public TerminalMode Mode { get; set; } = TerminalMode.Vending;
    public SyncOptions Sync { get; set; } = new();
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int JournalCapacity { get; set; } = 1024;
    public uint Seed { get; set; } = 1;

    /// <summary>CA certificate the gateway's TLS certificate must chain to (https gateways); null for plain HTTP.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 PinnedCa { get; set; }

    /// <summary>
    /// HTTP handler shared by many simulated terminals (Tools/GatewayLoad: one connection pool and one latency
    /// recorder for thousands of terminals); null = a client of its own. Not used with <see cref="PinnedCa"/>.
    /// </summary>
    public System.Net.Http.HttpMessageHandler Handler { get; set; }
}

/// <summary>
/// The terminal's portable core on host adapters: the device's own wiring (<see cref="TerminalCore"/>, built from a
/// configuration like the one in flash) over a file store, a synced clock and real HTTP to a gateway. The
/// end-to-end tests and the sync demo drive it; the device and the virtual terminal build the same core through
/// <see cref="TerminalApplication"/>.
/// </summary>
public sealed class HostTerminal : IDisposable
{
    public HostTerminal(HostTerminalOptions options, IFileStore files, IClockHardware clockHardware)
    {
        Options = options;
        Files = files;
        ClockHardware = clockHardware;
        Clock = new SyncedClock(clockHardware);
        Configuration = ToConfiguration(options);
        var applicationOptions = new ApplicationOptions
        {
            JournalCapacity = options.JournalCapacity,
            SyncSeed = options.Seed,
            Sync = options.Sync,
            ListSignatureVerifier = options.ListSignatureVerifier,
        };
        Core = new TerminalCore(Configuration, applicationOptions, files, Clock, null);
        Core.OpenStorage();
        Transport = options.PinnedCa == null
            ? new HttpClientTransport(options.GatewayUri, options.HttpTimeout, options.Handler)
            : new HttpClientTransport(options.GatewayUri, options.HttpTimeout, options.PinnedCa);
        Core.ComposeSync(Transport, null, ReaderHealth);
    }

    /// <summary>The configuration a provisioned terminal with these options would have in flash.</summary>
    public static TerminalConfiguration ToConfiguration(HostTerminalOptions options)
    {
        var configuration = new TerminalConfiguration
        {
            IsProvisioned = true,
            TerminalId = options.TerminalId,
            TerminalSecret = options.TerminalSecret,
            GatewayUrl = options.GatewayUri.ToString(),
            SiteId = options.SiteId,
            ListKeyIds = options.ListPublicKeys.Keys.ToArray(),
            ListPublicKeys = options.ListPublicKeys.Values.ToArray(),
            MaxListVersionJump = options.MaxListVersionJump,
            Mode = options.Mode == TerminalMode.Vending ? LeoCarte.Terminal.Config.TerminalMode.Vending : LeoCarte.Terminal.Config.TerminalMode.Restaurant,
            SyncIntervalSeconds = options.Sync.IntervalSeconds,
        };
        configuration.ServiceWindows = TerminalConfiguration.DefaultWindows(configuration.Mode);
        return configuration;
    }

    public TerminalConfiguration Configuration { get; }
    public TerminalCore Core { get; }
    public HostTerminalOptions Options { get; }
    public IFileStore Files { get; }
    public IClockHardware ClockHardware { get; }
    public SyncedClock Clock { get; }
    public AllowlistStore Allowlist => Core.Allowlist;
    public TransactionJournal Journal => Core.Journal;
    public DecisionEngine Decisions => Core.Decisions;
    public AllowlistListSink ListSink => Core.ListSink;
    public HttpClientTransport Transport { get; }
    public SyncEngine Sync => Core.Sync;

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
