using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.HostAdapters;
using LeoCarte.Simulator;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoCarte.VirtualTerminal;

/// <summary>The gateway's port is taken: the command line prints one line instead of a stack trace.</summary>
public sealed class PortInUseException : Exception
{
    public PortInUseException(int port)
        : base($"port {port} on 127.0.0.1 is already in use (another gateway or virtual terminal?): choose another with --port, or leave it out to take a free one")
    {
    }
}

/// <summary>What a virtual terminal run is made of.</summary>
public sealed class VirtualTerminalOptions
{
    public int Seed { get; set; } = 2026;

    /// <summary>Local (Europe/Paris) time of day the terminal boots at, on today's date.</summary>
    public TimeSpan BootLocalTime { get; set; } = new(11, 20, 0);

    /// <summary>Generated students on top of the gateway's sample export.</summary>
    public int Students { get; set; } = 240;

    public int JournalCapacity { get; set; } = 4096;
    public int SyncIntervalSeconds { get; set; } = 60;
    public string Mode { get; set; } = "restaurant";

    /// <summary>A configuration file to use instead of the generated one (the technician's file; "{gateway}" is replaced by the gateway URL).</summary>
    public string ConfigurationText { get; set; }

    /// <summary>
    /// Wrap the flash store in a LockedFileStore, as a terminal whose sync runs on another thread must
    /// (the sync thread steps the engine while the tap loop runs); the device's FlashFileStore locks by itself.
    /// </summary>
    public bool LockedStore { get; set; }

    /// <summary>Loopback port of the in-process gateway (its card-office page); 0 = any free port.</summary>
    public int GatewayPort { get; set; }

    /// <summary>Where sync events worth seeing (a list applied, a journal backlog uploaded, the link lost) are printed; null = nowhere.</summary>
    public TextWriter SyncEcho { get; set; }

    /// <summary>Echo the terminal's debug output (boot lines, self-test) to this writer; null = keep it in <see cref="VirtualTerminalHost.DebugLines"/> only.</summary>
    public TextWriter DebugEcho { get; set; }
}

/// <summary>
/// One virtual terminal and its gateway: the reference gateway in-process (Kestrel on 127.0.0.1, a free port,
/// SQLite in a temp folder, the sample ESUP-SGC export plus a generated population), the simulated MFRC522 with
/// virtual cards, and <see cref="TerminalApplication"/> composed over them exactly as on the ESP32. Everything
/// runs on the caller's thread in modeled time: the tap loop polls, the sync engine is stepped between polls
/// (on the device it has its own thread), so a run is reproducible.
/// </summary>
public sealed class VirtualTerminalHost : IDisposable
{
    public const string TerminalId = "RU-CAEN-01";

    private WebApplication gateway;
    private readonly StringBuilder export = new();
    private long lastSntpReport = long.MinValue;

    private VirtualTerminalHost(VirtualTerminalOptions options)
    {
        Options = options;
        Folder = Path.Combine(Path.GetTempPath(), "leocarte-vt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        ExportPath = Path.Combine(Folder, "esup-sgc-export.csv");
    }

    public VirtualTerminalOptions Options { get; }
    public string Folder { get; }
    public string ExportPath { get; }
    public int Port { get; private set; }
    public GatewayOptions GatewayOptions { get; private set; }
    public Population Population { get; private set; }
    public Mfrc522Simulator Sim { get; private set; }
    public VirtualClockHardware ClockHardware { get; private set; }
    public MemoryFileStore Files { get; private set; }
    public VirtualWifi Wifi { get; private set; }
    public VirtualPlatform Platform { get; private set; }
    public TerminalApplication App { get; private set; }
    public HttpClientTransport Http { get; private set; }
    public OutageTransport Transport { get; private set; }
    public List<string> DebugLines { get; } = new();
    public IGatewayStore GatewayStore => gateway.Services.GetRequiredService<IGatewayStore>();
    public ImportService Imports => gateway.Services.GetRequiredService<ImportService>();

    /// <summary>Local wall-clock time of the terminal (Europe/Paris).</summary>
    public DateTime LocalNow => App.Configuration.TimeZone.ToLocal(ClockHardware.UtcNow);

    /// <summary>Starts the gateway with the population, then boots the terminal (the boot self-test goes to <see cref="DebugLines"/>).</summary>
    public static VirtualTerminalHost Start(VirtualTerminalOptions options)
    {
        var host = new VirtualTerminalHost(options);
        try
        {
            host.StartGateway();
            host.BootTerminal();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private void StartGateway()
    {
        string sampleFolder = Path.Combine(AppContext.BaseDirectory, "sample");
        GatewayOptions sample = System.Text.Json.JsonSerializer.Deserialize<GatewayOptions>(
            File.ReadAllText(Path.Combine(sampleFolder, "gateway.sample.json")),
            new System.Text.Json.JsonSerializerOptions { PropertyNameCaseInsensitive = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip });
        Population = Population.Build(File.ReadAllText(Path.Combine(sampleFolder, "esup-sgc-export.csv")), Options.Students, Options.Seed);
        File.WriteAllText(ExportPath, Population.ExportText());

        Port = Options.GatewayPort > 0 ? Options.GatewayPort : LeoCarte.Gateway.GatewayApp.FreeLoopbackPort();
        GatewayOptions = new GatewayOptions
        {
            Database = "sqlite",
            SampleMode = true, // the public demo secrets of Gateway/sample
            ConnectionString = "Data Source=" + Path.Combine(Folder, "gateway.db"),
            SiteId = sample.SiteId,
            ListSigningKeyFile = Path.Combine(sampleFolder, sample.ListSigningKeyFile),
            ListSigningKeyId = sample.ListSigningKeyId,
            Demo = true, // the public sample keys: a demonstration
            Terminals = sample.Terminals,
            Operators = sample.Operators,
            ImportSource = ExportPath,
            ImportIntervalSeconds = 0,

            // The terminal runs on modeled time (a lunch service in seconds), the gateway on the machine's clock:
            // accept any request timestamp so the signature check does not compare two different clocks.
            MaxClockSkewSeconds = 400 * 24 * 3600,

            // A lunch service in seconds syncs many times a (real) minute: no request rate limit, and no time
            // checks on the journal (modeled times are not the gateway's clock); the other checks stay.
            RateLimits = new RateLimitOptions { PerTerminalPerMinute = 0, PerAddressPerMinute = 0 },
            JournalChecks = new JournalCheckOptions { MaxFutureSeconds = 400 * 24 * 3600, MaxUploadDelayDays = 0 },
        };
        gateway = GatewayApp.Build(GatewayOptions, $"http://127.0.0.1:{Port}", logging => logging.ClearProviders());
        try
        {
            gateway.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e) when (GatewayApp.IsAddressInUse(e))
        {
            throw new PortInUseException(Port);
        }

        ImportOutcome first = Imports.ImportNowAsync().GetAwaiter().GetResult();
        if (!first.Ok)
        {
            throw new InvalidOperationException("gateway import failed: " + first.Message);
        }
    }

    private void BootTerminal()
    {
        Sim = new Mfrc522Simulator(0x92, Options.Seed);
        DateTime bootLocal = DateTime.UtcNow.Date + Options.BootLocalTime;
        var paris = LocalTimeRule.EuropeParis();
        DateTime bootUtc = bootLocal.AddMinutes(-paris.OffsetMinutesAt(bootLocal.AddHours(-1)));
        ClockHardware = new VirtualClockHardware(Sim, DateTime.SpecifyKind(bootUtc, DateTimeKind.Utc));
        Files = new MemoryFileStore();
        string secret = GatewayOptions.Terminals[TerminalId];
        string publicKeyLine;
        using (var signer = LeoCarte.Gateway.Lists.PemListSigner.FromFile(GatewayOptions.ListSigningKeyId, GatewayOptions.ListSigningKeyFile))
        {
            publicKeyLine = signer.ConfigLine;
        }

        string config = Options.ConfigurationText ?? ConfigurationText(GatewayUrl, GatewayOptions.SiteId, publicKeyLine, secret, Options.Mode, Options.SyncIntervalSeconds);
        byte[] configBytes = Encoding.UTF8.GetBytes(config.Replace("{gateway}", GatewayUrl));
        Files.Append(TerminalConfiguration.FileName, configBytes, 0, configBytes.Length);

        Wifi = new VirtualWifi();
        Platform = new VirtualPlatform(Sim, Wifi, configuration =>
        {
            Http = new HttpClientTransport(new Uri(configuration.GatewayUrl.TrimEnd('/') + "/"), TimeSpan.FromSeconds(10));
            Transport = new OutageTransport(Http, Wifi);
            return Transport;
        });
        var options = new ApplicationOptions
        {
            JournalCapacity = Options.JournalCapacity,
            SyncSeed = (uint)Options.Seed,
            WatchdogStallMilliseconds = 1000,
        };
        App = new TerminalApplication(Platform, Options.LockedStore ? new LockedFileStore(Files) : Files, ClockHardware, line =>
        {
            DebugLines.Add(line);
            Options.DebugEcho?.WriteLine(line);
        }, options);
        App.Boot();
    }

    public string GatewayUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The configuration file a technician would deploy for this terminal (hardware/configuration.md).</summary>
    /// <param name="gatewayUrl">The gateway's base URL ([gateway] url).</param>
    /// <param name="siteId">The site id ([keys] site_id).</param>
    /// <param name="listPublicKey">The gateway's list public key line, id:04… (PemListSigner.ConfigLine).</param>
    /// <param name="terminalSecretHex">The terminal's HMAC secret, hex ([keys] terminal_secret).</param>
    /// <param name="mode">The terminal mode ([terminal] mode).</param>
    /// <param name="syncIntervalSeconds">Seconds between sync cycles ([gateway] sync_interval_seconds).</param>
    /// <param name="demo">True for the gateway's public sample keys: terminal.demo = yes (never deployable).</param>
    public static string ConfigurationText(string gatewayUrl, uint siteId, string listPublicKey, string terminalSecretHex, string mode, int syncIntervalSeconds, bool demo = true)
    {
        return $"""
            # Virtual terminal configuration (generated by LeoCarte.VirtualTerminal)
            [terminal]
            id = {TerminalId}
            site = Restaurant universitaire virtuel
            mode = {mode}
            demo = {(demo ? "yes" : "no")}

            [time]
            timezone = Europe/Paris

            [service]
            window = lunch 11:30-14:00
            window = dinner 18:30-20:30

            [wifi]
            ssid = campus-virtuel
            password = virtual-passphrase

            [gateway]
            url = {gatewayUrl}
            sync_interval_seconds = {syncIntervalSeconds}

            [keys]
            list_public_key = {listPublicKey.ToLowerInvariant()}
            terminal_secret = {terminalSecretHex.ToLowerInvariant()}
            site_id = {siteId}

            [limits]
            card_daily_offline_cap_cents = 1500
            terminal_daily_offline_cap_cents = 100000
            list_max_age_hours = 72
            double_tap_seconds = 10

            [vend]
            pulse_ms = 100
            pulse_count = 1
            pulse_gap_ms = 100

            """;
    }

    // ------------------------------------------------------------------ running in modeled time

    /// <summary>One iteration of the tap loop, then the poll interval's pause (modeled), then whatever sync work is due.</summary>
    public TapKind Step()
    {
        TapKind kind = App.Step();
        App.CheckWatchdog();
        Sim.AdvanceTime(App.PollIntervalMilliseconds * 1_000_000L);
        PumpSync();
        return kind;
    }

    /// <summary>Lets modeled time pass with the field empty: the loop keeps running (one poll every 500 ms: an empty field gives nothing else to see) and sync runs when due.</summary>
    public void Idle(TimeSpan duration)
    {
        long until = Sim.NowNs + (long)(duration.TotalMilliseconds * 1_000_000);
        while (Sim.NowNs < until)
        {
            App.Step();
            App.CheckWatchdog();
            long step = Math.Min(500_000_000L, until - Sim.NowNs);
            Sim.AdvanceTime(Math.Max(step, 1));
            PumpSync();
        }
    }

    /// <summary>Idles until the terminal's local clock reads <paramref name="localTime"/> (no-op when already past).</summary>
    public void IdleUntil(TimeSpan localTime)
    {
        DateTime target = LocalNow.Date + localTime;
        if (target > LocalNow)
        {
            Idle(target - LocalNow);
        }
    }

    /// <summary>
    /// The device's sync thread, run inline: the Wi-Fi supervisor, SNTP (here: the modeled clock is the reference,
    /// reported hourly like Sntp's own re-sync) and the sync engine's steps while it has work.
    /// </summary>
    public void PumpSync()
    {
        var sync = App.Sync;
        if (sync == null || syncThread != null)
        {
            return;
        }

        long now = ClockHardware.MonotonicMilliseconds;
        if (Wifi.Available && (lastSntpReport == long.MinValue || now - lastSntpReport >= 3_600_000))
        {
            App.Clock.ReportSntpTime();
            lastSntpReport = now;
        }

        var stats = sync.Statistics;
        int listsBefore = stats.ListsApplied;
        long ackedBefore = stats.RecordsAcknowledged;
        for (int i = 0; i < 100_000; i++)
        {
            if (sync.MillisecondsUntilDue() > 0)
            {
                break;
            }

            var result = sync.Step();
            if (result == LeoCarte.Terminal.Sync.SyncStepResult.NoNetwork && !reportedNoNetwork)
            {
                reportedNoNetwork = true;
                Options.SyncEcho?.WriteLine($"{LocalNow:HH:mm:ss.fff}     sync: no network, deciding offline from list version {App.Allowlist.Version}; Wi-Fi retried with backoff");
            }

            if (result != LeoCarte.Terminal.Sync.SyncStepResult.Working && sync.MillisecondsUntilDue() > 0)
            {
                break;
            }
        }

        if (stats.ListsApplied != listsBefore)
        {
            Options.SyncEcho?.WriteLine($"{LocalNow:HH:mm:ss.fff}     sync: list version {App.Allowlist.Version} applied ({App.Allowlist.Count} cards)");
        }

        if (stats.RecordsAcknowledged - ackedBefore > 20 || (reportedNoNetwork && Wifi.IsUp && stats.RecordsAcknowledged != ackedBefore))
        {
            reportedNoNetwork = false;
            Options.SyncEcho?.WriteLine($"{LocalNow:HH:mm:ss.fff}     sync: {stats.RecordsAcknowledged - ackedBefore} journal records uploaded and acknowledged, {App.Journal.Depth} pending");
        }
    }

    private bool reportedNoNetwork;

    private Thread syncThread;
    private volatile bool syncThreadStop;

    /// <summary>Sync errors the background thread caught (should stay 0).</summary>
    public int SyncThreadExceptions { get; private set; }

    /// <summary>
    /// Runs the sync engine on its own thread, as the device does (Terminal/Device/Sync/SyncThread), instead of
    /// inline between polls: the tap loop and the sync share the allowlist, journal, decision engine and file
    /// store concurrently. Requires <see cref="VirtualTerminalOptions.LockedStore"/>.
    /// </summary>
    public void StartSyncThread()
    {
        syncThreadStop = false;
        syncThread = new Thread(() =>
        {
            while (!syncThreadStop)
            {
                try
                {
                    var result = App.Sync.Step();
                    if (result != LeoCarte.Terminal.Sync.SyncStepResult.Working)
                    {
                        Thread.Sleep(1);
                    }
                }
                catch (Exception)
                {
                    SyncThreadExceptions++;
                }
            }
        }) { IsBackground = true, Name = "sync" };
        syncThread.Start();
    }

    public void StopSyncThread()
    {
        syncThreadStop = true;
        syncThread?.Join();
        syncThread = null;
    }

    /// <summary>Runs sync cycles (modeled time passing) until the journal is empty or <paramref name="limit"/> passes.</summary>
    public bool DrainJournal(TimeSpan limit)
    {
        long until = Sim.NowNs + (long)(limit.TotalMilliseconds * 1_000_000);
        App.Sync?.RequestSyncNow();
        while (Sim.NowNs < until)
        {
            PumpSync();
            if (App.Journal.Depth == 0)
            {
                return true;
            }

            Idle(TimeSpan.FromSeconds(5));
        }

        return App.Journal.Depth == 0;
    }

    /// <summary>The card office changes a card's state in ESUP-SGC; the gateway imports the new export at once.</summary>
    public ImportOutcome CardOfficeSetsState(string csn, string etat, string motif)
    {
        Population.SetState(csn, etat, motif, LocalNow);
        return CardOfficeExports();
    }

    /// <summary>ESUP-SGC writes the new export; the gateway imports it at once (as "Import now" on the card-office page).</summary>
    public ImportOutcome CardOfficeExports()
    {
        File.WriteAllText(ExportPath, Population.ExportText());
        return Imports.ImportNowAsync().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        Http?.Dispose();
        if (gateway != null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                gateway.StopAsync(stopping.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }

            gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
            gateway = null;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

}
