// Device-only: assembles the sync stack from the nanoFramework adapters in this folder. Not part of the host or
// conformance builds.
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>What the device needs to sync, from its provisioning (configuration issue).</summary>
    public sealed class DeviceSyncSettings
    {
        public string WifiSsid;
        public string WifiPassword;
        public int WifiConnectTimeoutMilliseconds = 20000;

        /// <summary>Gateway root, e.g. "https://gateway.leocarte.example:8443".</summary>
        public string GatewayBaseAddress;

        /// <summary>PEM of the CA that issued the gateway's certificate (pinned).</summary>
        public string GatewayCaPem;
        public int HttpTimeoutMilliseconds = 15000;

        public string TerminalId;
        public byte[] TerminalSecret;
        public uint SiteId;
        public byte[] SiteKey;

        /// <summary>NTP servers (null = nanoFramework's pool defaults); campus networks often need their own.</summary>
        public string NtpServer1;
        public string NtpServer2;

        public SyncOptions Sync = new SyncOptions();

        /// <summary>Seed for the backoff jitter: something that differs per terminal (e.g. a hash of the MAC address).</summary>
        public uint JitterSeed = 1;

        /// <summary>
        /// Settings from the terminal configuration (terminal.conf, issue 6). The configuration names the site in
        /// words (terminal.site) but lists carry a numeric site id, so the caller passes it until the
        /// configuration has a field for it. The CA comes from gateway.ca_certificate (a file-based CA must be
        /// read by the caller into CaCertificatePem first).
        /// </summary>
        public static DeviceSyncSettings FromConfiguration(LeoCarte.Terminal.Config.TerminalConfiguration configuration, uint siteId, uint jitterSeed)
        {
            DeviceSyncSettings settings = new DeviceSyncSettings();
            settings.WifiSsid = configuration.WifiSsid;
            settings.WifiPassword = configuration.WifiPassword;
            settings.GatewayBaseAddress = TrimSlash(configuration.GatewayUrl);
            settings.GatewayCaPem = configuration.CaCertificatePem;
            settings.TerminalId = configuration.TerminalId;
            settings.TerminalSecret = configuration.TerminalSecret;
            settings.SiteId = siteId;
            settings.SiteKey = configuration.ListKey;
            settings.NtpServer1 = configuration.NtpServer;
            if (configuration.SyncIntervalSeconds > 0)
            {
                settings.Sync.IntervalSeconds = configuration.SyncIntervalSeconds;
            }

            settings.JitterSeed = jitterSeed;
            return settings;
        }

        private static string TrimSlash(string url)
        {
            return url != null && url.Length > 0 && url[url.Length - 1] == '/' ? url.Substring(0, url.Length - 1) : url;
        }
    }

    /// <summary>
    /// The sync client of a real terminal: Wi-Fi supervisor, SNTP + gateway clock, HTTPS transport with the pinned
    /// CA, the allowlist sink and journal source, the engine, and the thread that runs it. The app creates the
    /// allowlist store, journal and decision engine (shared with the tap loop) and passes them here.
    /// </summary>
    public sealed class DeviceSync
    {
        public DeviceSync(DeviceSyncSettings settings, SyncedClock clock, AllowlistStore allowlist, TransactionJournal journal,
            ReaderHealthProvider readerHealth, System.Action listConfirmed)
        {
            Clock = clock;
            Wifi = new WifiSupervisor(new WifiLink(settings.WifiSsid, settings.WifiPassword, settings.WifiConnectTimeoutMilliseconds), settings.JitterSeed);
            Transport = new NanoHttpTransport(settings.GatewayBaseAddress, settings.GatewayCaPem, settings.HttpTimeoutMilliseconds);
            Engine = new SyncEngine(
                Transport,
                new RequestSigner(settings.TerminalId, settings.TerminalSecret, new PortableMessageHasher()),
                clock,
                new AllowlistListSink(allowlist, settings.SiteId, settings.SiteKey),
                allowlist,
                new TransactionJournalSource(journal),
                Wifi,
                settings.Sync,
                readerHealth,
                settings.JitterSeed);
            Engine.ListConfirmed = listConfirmed;
            Sntp = new SntpTimeSource(clock, settings.NtpServer1, settings.NtpServer2);
            Thread = new SyncThread(Engine, Sntp, Wifi, clock);
        }

        public SyncedClock Clock { get; private set; }
        public WifiSupervisor Wifi { get; private set; }
        public NanoHttpTransport Transport { get; private set; }
        public SyncEngine Engine { get; private set; }
        public SntpTimeSource Sntp { get; private set; }
        public SyncThread Thread { get; private set; }

        /// <summary>Starts the sync thread: it connects Wi-Fi, starts SNTP and runs a sync at once (boot sync).</summary>
        public void Start()
        {
            Thread.Start();
        }
    }
}
