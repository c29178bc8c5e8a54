using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The terminal: boot sequence, tap loop and the parts the sync thread shares, composed over small seams so the
    /// same code runs on the ESP32 (Terminal/Device/Program) and in the virtual terminal (simulated MFRC522, real
    /// HTTP on loopback).
    ///
    /// Boot (<see cref="Boot"/>): configuration over safe defaults (a missing or invalid file → deny-all, reason on
    /// the debug output and an LED code); outputs and reader from the configured pins; reader start + datasheet
    /// self-test + antenna check; storage recovery (allowlist open, journal recovery, counters); the sync engine
    /// composed but not run — Wi-Fi, SNTP and the first sync belong to the shell's sync thread, never to the tap
    /// loop; the self-test report filled from the components and printed.
    ///
    /// Tap loop (<see cref="Step"/>, one iteration per poll interval): feed the watchdog, advance feedback and vend
    /// pulses, poll the reader; on a new card decide (meal or sale request; the decision engine journals), play the
    /// approved / approved-offline / denied / error pattern, queue vend pulses for an approved sale, show the FR/EN
    /// message. Never touches the network; allocates nothing per poll or per tap after boot.
    ///
    /// Threads: the tap loop calls Step; the sync thread calls <see cref="Sync"/>.Step. They share the allowlist
    /// store (lookups vs. the atomic slot switch: AllowlistStore locks), the journal (append vs. batch read and
    /// acknowledge: TransactionJournal locks every member), the decision engine (Decide vs. NoteListConfirmed: it
    /// locks) and the file store (FlashFileStore locks; wrap others in <see cref="LockedFileStore"/>). The
    /// statistics are written by the tap thread only and read racily by the heartbeat (ints: no torn values).
    ///
    /// Files: this one composes (boot: <see cref="ConfigurationBoot"/>, outputs, reader diagnostics, the core of
    /// <see cref="TerminalCore"/>); TerminalApplication.TapLoop.cs runs the loop; TerminalApplication.Health.cs
    /// keeps the report, the heartbeat's reader health and the watchdog.
    /// </summary>
    public sealed partial class TerminalApplication
    {
        private readonly ITerminalPlatform platform;
        private readonly IFileStore files;
        private readonly SyncedClock clock;
        private readonly LineWriter debug;
        private readonly ApplicationOptions options;
        private readonly TerminalConfiguration configuration = new TerminalConfiguration();
        private readonly ConfigErrors configErrors = new ConfigErrors();
        private readonly CardReadResult read = new CardReadResult();
        private readonly SaleRequest sale = new SaleRequest();
        private readonly SelfTestReport report = new SelfTestReport();
        private readonly TapStatistics statistics = new TapStatistics();
        private readonly ReaderDiagnostics readerDiagnostics = new ReaderDiagnostics();
        private readonly ReaderDiagnostics reportHealth = new ReaderDiagnostics();
        private readonly ReaderDiagnostics heartbeatHealth = new ReaderDiagnostics();

        private ConfigurationStatus configStatus = ConfigurationStatus.Missing;
        private CardReader reader;
        private IDigitalOutputs outputs;
        private IDisplay display;
        private FeedbackPlayer feedback;
        private VendPulser vend;
        private AllowlistStore allowlist;
        private TransactionJournal journal;
        private DecisionEngine decisions;
        private TerminalCore core;
        private SyncEngine sync;
        private WifiSupervisor wifi;
        private INetworkLink link;
        private SoftwareWatchdog watchdog;
        private ISaleRequestSource sales;
        private LedCode shownCode;
        private bool booted;
        private bool storageOk;
        private int consecutiveReaderErrors;
        private bool readerDownShown;
        private bool readerErrorJournaled;
        private long lastReaderErrorJournaled;
        private long nextStatusRefresh;
        private int storageRecoveries;
        private bool configStoreFailed;
        private bool messageHeld;
        private long messageHeldUntil;

        public TerminalApplication(ITerminalPlatform platform, IFileStore files, IClockHardware clockHardware, LineWriter debug, ApplicationOptions options)
        {
            this.platform = platform;
            this.files = files;
            this.debug = debug;
            this.options = options == null ? new ApplicationOptions() : options;
            clock = new SyncedClock(clockHardware);
        }

        /// <summary>Called after every tap decision (virtual terminal output, tests); null = nobody listens.</summary>
        public DecisionObserver DecisionMade;

        /// <summary>Where vending sale requests come from; default: one fixed credit per tap (pulse-credit machine).</summary>
        public ISaleRequestSource Sales
        {
            get { return sales; }
            set { sales = value; }
        }

        public TerminalConfiguration Configuration => configuration;
        public ConfigurationStatus ConfigurationStatus => configStatus;
        public ConfigErrors ConfigurationErrors => configErrors;

        /// <summary>True when the configuration is valid: otherwise every tap is refused (deny-all).</summary>
        public bool IsProvisioned => configStatus == ConfigurationStatus.Valid && configuration.IsProvisioned;

        public SyncedClock Clock => clock;
        public CardReader Reader => reader;
        public AllowlistStore Allowlist => allowlist;
        public TransactionJournal Journal => journal;
        public DecisionEngine Decisions => decisions;
        public FeedbackPlayer Feedback => feedback;
        public VendPulser Vend => vend;

        /// <summary>
        /// MDB cashless device #1 (Terminal/Cashless, hardware/mdb.md), attached after <see cref="Boot"/> on a vending
        /// machine with an MDB controller: a tap then opens an MDB session and the machine's VEND commands decide and
        /// charge, instead of a pulse train per tap. Null (the default): the pulse output.
        /// </summary>
        public CashlessDevice Cashless { get; set; }
        public IDisplay Display => display;

        /// <summary>The sync client, or null when the terminal cannot sync (not provisioned, no transport). Stepped by the sync thread.</summary>
        public SyncEngine Sync => sync;

        /// <summary>The Wi-Fi supervisor the sync engine steps (null without a network link).</summary>
        public WifiSupervisor Wifi => wifi;

        public SoftwareWatchdog Watchdog => watchdog;
        public TapStatistics Statistics => statistics;
        public ApplicationOptions Options => options;

        /// <summary>The last self-test report (filled at boot, refreshed by <see cref="RefreshReport"/>).</summary>
        public SelfTestReport Report => report;

        public int PollIntervalMilliseconds => options.PollIntervalMilliseconds;

        /// <summary>
        /// The boot sequence. Never throws: every failing step is recorded in the report, the terminal keeps a
        /// safe state (deny-all when the configuration or storage is unusable) and the LEDs say why.
        /// </summary>
        public SelfTestReport Boot()
        {
            long now = clock.MonotonicMilliseconds;
            watchdog = new SoftwareWatchdog(options.WatchdogStallMilliseconds, options.WatchdogRebootMilliseconds, now);
            Say(FirmwareInfo.Product + " " + FirmwareInfo.Version + " booting");

            LoadConfiguration();
            StartOutputs();
            StartReader();
            StartStorage();
            StartCardPolicy();
            ComposeSync();

            booted = true;
            RefreshReport();
            SelfTestFormatter.Write(report, WriteDebug);
            ShowIdle();
            PlayStatusCode(clock.MonotonicMilliseconds);
            nextStatusRefresh = clock.MonotonicMilliseconds + options.StatusRefreshMilliseconds;
            return report;
        }

        private void LoadConfiguration()
        {
            report.Storage = CheckResult.NotRun;
            configStatus = ConfigurationBoot.Run(files, configuration, configErrors, report, Say);
            configStoreFailed = report.Storage == CheckResult.Fail;
        }

        private void StartOutputs()
        {
            outputs = platform.CreateOutputs(configuration);
            if (outputs == null)
            {
                outputs = new NoOutputs();
            }

            display = platform.CreateDisplay(configuration);
            if (display == null)
            {
                display = new NoDisplay();
            }

            feedback = new FeedbackPlayer(outputs);
            vend = new VendPulser(outputs, configuration.VendPulseMilliseconds, configuration.VendPulseGapMilliseconds, configuration.VendPulseCount);
            if (sales == null)
            {
                sales = new FixedSaleSource(options.VendPriceCents, options.VendItemCode);
            }
        }

        private void StartReader()
        {
            report.Reader = CheckResult.Fail;
            report.ReaderSelfTest = CheckResult.NotRun;
            report.Antenna = CheckResult.NotRun;
            report.ReaderOverheated = false;
            try
            {
                reader = platform.CreateReader(configuration);
            }
            catch (Exception)
            {
                reader = null;
            }

            if (reader == null)
            {
                Say("reader: could not be created (SPI/GPIO pins?)");
                return;
            }

            // The reader's own boot diagnostics (datasheet §16.1.1 self-test, antenna drivers, overheating): the
            // application reads the reader through CardReader and ReaderDiagnostics only.
            reader.Diagnose(readerDiagnostics);
            report.ReaderVersion = readerDiagnostics.Answered ? readerDiagnostics.Version : SelfTestReport.Unknown;
            report.ReaderName = readerDiagnostics.VersionName;
            if (readerDiagnostics.Initialization != ReaderResult.Ok)
            {
                Say("reader: no usable MFRC522 answer (" + ReaderResults.Name(readerDiagnostics.Initialization) + ")");
                return;
            }

            report.Reader = CheckResult.Pass;
            if (readerDiagnostics.SelfTest == ReaderResult.Ok)
            {
                report.ReaderSelfTest = CheckResult.Pass;
            }
            else if (readerDiagnostics.SelfTest == ReaderResult.Protocol && !readerDiagnostics.SelfTestHadReference)
            {
                // A clone with no published reference: nothing to compare with, not a failure.
                report.ReaderSelfTest = CheckResult.NotRun;
            }
            else
            {
                report.ReaderSelfTest = CheckResult.Fail;
            }

            // TxControlReg Tx1RFEn/Tx2RFEn (datasheet §9.3.2.5) both on, and no ErrorReg.TempErr (§9.3.1.7).
            report.ReaderOverheated = readerDiagnostics.Overheated;
            report.Antenna = readerDiagnostics.AntennaOn && !readerDiagnostics.Overheated ? CheckResult.Pass : CheckResult.Fail;
            if (readerDiagnostics.Overheated)
            {
                Say("reader: the chip reports overheating (antenna overloaded?): drivers switched off");
            }
        }

        private void StartStorage()
        {
            core = new TerminalCore(configuration, options, files, clock, Say);
            allowlist = core.Allowlist;
            journal = core.Journal;
            decisions = core.Decisions;
            storageOk = core.OpenStorage() && !configStoreFailed;
            storageRecoveries = core.StorageRecoveries;
        }

        private void ComposeSync()
        {
            if (!IsProvisioned)
            {
                return;
            }

            IHttpTransport transport = platform.CreateTransport(configuration);
            link = transport == null ? null : platform.CreateNetworkLink(configuration);
            if (core.ComposeSync(transport, link, ReaderHealth))
            {
                sync = core.Sync;
                wifi = core.Wifi;
            }
            else
            {
                // No sync (e.g. no list signature verifier): no link supervised either; the self-test reports it.
                link = null;
            }
        }

        private void Say(string line)
        {
            if (debug != null)
            {
                debug(line);
            }
        }

        private void WriteDebug(string line)
        {
            Say(line);
        }

        private sealed class NoOutputs : IDigitalOutputs
        {
            public void Set(int signal, bool on)
            {
            }
        }

        private sealed class NoDisplay : IDisplay
        {
            public void Show(string french, string english)
            {
            }
        }
    }
}
