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
    /// </summary>
    public sealed class TerminalApplication
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
        private readonly byte[] selfTestOutput = new byte[Mfrc522Chip.FifoSize];

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

            try
            {
                ReaderResult started = reader.Start();
                byte version = reader.Chip.Version;
                report.ReaderVersion = version == 0 ? SelfTestReport.Unknown : version;
                if (started != ReaderResult.Ok)
                {
                    Say("reader: no usable MFRC522 answer (" + ResultName(started) + ")");
                    return;
                }

                report.Reader = CheckResult.Pass;
                ReaderResult selfTest = reader.Chip.RunSelfTest(selfTestOutput);
                if (selfTest == ReaderResult.Ok)
                {
                    report.ReaderSelfTest = CheckResult.Pass;
                }
                else if (selfTest == ReaderResult.Protocol && !reader.Chip.SelfTestHadReference)
                {
                    // A clone with no published reference: nothing to compare with, not a failure.
                    report.ReaderSelfTest = CheckResult.NotRun;
                }
                else
                {
                    report.ReaderSelfTest = CheckResult.Fail;
                }

                // TxControlReg bits Tx1RFEn/Tx2RFEn (datasheet §9.3.2.5): both drivers must be on.
                byte txControl = reader.Chip.ReadRegister(Register.TxControl);
                report.Antenna = (txControl & 0x03) == 0x03 ? CheckResult.Pass : CheckResult.Fail;
            }
            catch (Exception)
            {
                report.Reader = CheckResult.Fail;
                Say("reader: SPI failure during start");
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
        }

        /// <summary>
        /// One iteration of the tap loop; the caller sleeps <see cref="PollIntervalMilliseconds"/> between calls.
        /// Never throws, never waits on the network.
        /// </summary>
        public TapKind Step()
        {
            if (!booted)
            {
                return TapKind.None;
            }

            long now = clock.MonotonicMilliseconds;
            watchdog.Feed(now);
            TapKind kind = TapKind.None;
            try
            {
                feedback.Step(now);
                vend.Step(now);
                Cashless?.Step(now);
                kind = PollOnce(now);
                if (!feedback.IsPlaying)
                {
                    PlayStatusCode(now);
                }

                if (messageHeld && now >= messageHeldUntil && (reader == null || !reader.CardPresent))
                {
                    messageHeld = false;
                    ShowIdle();
                }

                if (now >= nextStatusRefresh)
                {
                    nextStatusRefresh = now + options.StatusRefreshMilliseconds;
                    RefreshReport();
                    if (reader == null || !reader.CardPresent)
                    {
                        // Idle housekeeping: a new service window or day starts its counters now, not on the first tap.
                        decisions.PreparePeriod();
                    }
                }
            }
            catch (Exception)
            {
                // Every component returns result codes; this is the last line so one bad iteration never ends the loop.
                statistics.LoopExceptions++;
            }

            return kind;
        }

        private TapKind PollOnce(long now)
        {
            statistics.Polls++;
            if (reader == null)
            {
                return TapKind.None;
            }

            CardEvent e = reader.Poll(read);
            switch (e)
            {
                case CardEvent.NewCard:
                    consecutiveReaderErrors = 0;
                    ClearReaderDown();
                    if (read.SeveralCards)
                    {
                        // A wallet: the reader confirmed another card in the field (a noise collision on one card is
                        // not "several cards"). Nothing is decided while both are there.
                        return RefuseSeveralCards(now);
                    }

                    if (!CardFamilyCheck.Plausible(read.UidLength, read.Type))
                    {
                        return RefuseNotGenuine(now);
                    }

                    return Tap(now);
                case CardEvent.SameCardStillPresent:
                    consecutiveReaderErrors = 0;
                    statistics.RestingPolls++;
                    return TapKind.Resting;
                case CardEvent.CardRemoved:
                    // The message stays until its hold time ends (Step puts the idle text back), so a student who
                    // lifts the card at once can still read why.
                    consecutiveReaderErrors = 0;
                    statistics.Removals++;
                    return TapKind.Removed;
                case CardEvent.Error:
                    return ReaderError(now);
                default:
                    consecutiveReaderErrors = 0;
                    ClearReaderDown();
                    return TapKind.None;
            }
        }

        private TapKind Tap(long now)
        {
            statistics.Taps++;
            if (!IsProvisioned)
            {
                statistics.RefusedNotConfigured++;
                feedback.Play(FeedbackPlayer.Error, now);
                display.Show(AppText.NotConfiguredFrench, AppText.NotConfiguredEnglish);
                HoldMessage(now);
                Notify(null, TapKind.RefusedNotConfigured);
                return TapKind.RefusedNotConfigured;
            }

            Decision d;
            CashlessDevice cashless = Cashless;
            if (cashless != null && decisions.Mode == LeoCarte.Terminal.Decisions.TerminalMode.Vending)
            {
                // MDB: the tap opens a session (or, in always-idle mode, answers the machine's pending VEND REQUEST).
                cashless.PresentCard(read.Uid, 0, read.UidLength);
                cashless.Step(now);
                d = cashless.LastCardDecision;
                if (d == null)
                {
                    // The machine is not taking cards now (disabled, or a session is open): nothing decided.
                    statistics.RefusedVendBusy++;
                    feedback.Play(FeedbackPlayer.Denied, now);
                    display.Show(AppText.VendBusyFrench, AppText.VendBusyEnglish);
                    HoldMessage(now);
                    Notify(null, TapKind.RefusedVendBusy);
                    return TapKind.RefusedVendBusy;
                }
            }
            else if (decisions.Mode == LeoCarte.Terminal.Decisions.TerminalMode.Vending)
            {
                if (vend.IsBusy)
                {
                    // The machine is still being credited for the previous sale: nothing decided, nothing charged.
                    statistics.RefusedVendBusy++;
                    feedback.Play(FeedbackPlayer.Denied, now);
                    display.Show(AppText.VendBusyFrench, AppText.VendBusyEnglish);
                    HoldMessage(now);
                    Notify(null, TapKind.RefusedVendBusy);
                    return TapKind.RefusedVendBusy;
                }

                if (!sales.Current(sale))
                {
                    sale.PriceCents = 0;
                    sale.ItemCode = 0;
                }

                d = decisions.DecideSale(read.Uid, 0, read.UidLength, sale.PriceCents, sale.ItemCode);
            }
            else
            {
                d = decisions.DecideMeal(read.Uid, 0, read.UidLength);
            }

            Conclude(d, now);
            Notify(d, TapKind.Decided);
            return TapKind.Decided;
        }

        /// <summary>
        /// Anticollision had to separate several cards (ISO/IEC 14443-3 §6.5.3: a bit collision during SELECT) — a
        /// wallet held to the reader. Deciding for whichever card the anticollision happened to select could charge
        /// the wrong card (a friend's LéoCarte), so nothing is decided: the student is asked to present one card.
        /// The selected card stays "present" until the cards leave, so the same wallet is not decided a poll later.
        /// </summary>
        private TapKind RefuseSeveralCards(long now)
        {
            statistics.Taps++;
            statistics.RefusedSeveralCards++;
            feedback.Play(FeedbackPlayer.Denied, now);
            display.Show(AppText.SeveralCardsFrench, AppText.SeveralCardsEnglish);
            HoldMessage(now);
            Notify(null, TapKind.RefusedSeveralCards);
            return TapKind.RefusedSeveralCards;
        }

        private TapKind RefuseNotGenuine(long now)
        {
            statistics.Taps++;
            statistics.RefusedNotGenuine++;
            feedback.Play(FeedbackPlayer.Denied, now);
            display.Show(AppText.NotGenuineFrench, AppText.NotGenuineEnglish);
            HoldMessage(now);
            Notify(null, TapKind.RefusedNotGenuine);
            return TapKind.RefusedNotGenuine;
        }

        private void Conclude(Decision d, long now)
        {
            int reason = (int)d.Reason;
            if (reason >= 0 && reason < TapStatistics.ReasonSlots)
            {
                statistics.ByReason[reason]++;
            }

            if (!d.Journaled)
            {
                statistics.Unjournaled++;
            }

            if (d.Approved)
            {
                statistics.Approved++;
                bool online = IsOnline(now);
                if (!online)
                {
                    statistics.ApprovedOffline++;
                }

                feedback.Play(online ? FeedbackPlayer.Approved : FeedbackPlayer.ApprovedOffline, now);
                if (d.Mode == LeoCarte.Terminal.Decisions.TerminalMode.Vending && Cashless == null)
                {
                    statistics.VendRequests++;
                    vend.Request(now);
                }
            }
            else
            {
                statistics.Denied++;
                feedback.Play(IsTerminalFault(d.Reason) ? FeedbackPlayer.Error : FeedbackPlayer.Denied, now);
            }

            display.Show(d.MessageFrench, d.MessageEnglish);
            HoldMessage(now);
            if (sync != null && journal.IsOpen && SelfTestReport.IsJournalNearlyFull(journal.Depth, journal.Capacity))
            {
                // 80 % of the journal awaits upload: ask the sync thread not to wait for its interval.
                sync.RequestSyncNow();
            }
        }

        private TapKind ReaderError(long now)
        {
            statistics.ReaderErrors++;
            consecutiveReaderErrors++;
            ReaderResult error = read.Error;
            if (error == ReaderResult.ChipFault)
            {
                // The reader recovers itself on the next polls (soft, then hard reset); say so only when it lasts.
                if (consecutiveReaderErrors >= options.ReaderDownAfterErrors && !readerDownShown)
                {
                    readerDownShown = true;
                    feedback.Play(FeedbackPlayer.Error, now);
                    display.Show(AppText.ReaderDownFrench, AppText.ReaderDownEnglish);
                    Say("reader: out of service after " + consecutiveReaderErrors.ToString() + " failed polls");
                }

                return TapKind.ReaderError;
            }

            // A card answered but its frames were garbled (CRC, collision of two cards, protocol): ask for it again,
            // journal the failure at most every few seconds so a noisy field cannot fill the journal.
            feedback.Play(FeedbackPlayer.Error, now);
            display.Show(AppText.ReaderErrorFrench, AppText.ReaderErrorEnglish);
            HoldMessage(now);
            if (IsProvisioned && (!readerErrorJournaled || now - lastReaderErrorJournaled >= options.ReaderErrorJournalMilliseconds))
            {
                readerErrorJournaled = true;
                lastReaderErrorJournaled = now;
                Decision d = decisions.DecideReaderError();
                if (d.Journaled)
                {
                    statistics.ReaderErrorsJournaled++;
                }

                Notify(d, TapKind.ReaderError);
            }

            return TapKind.ReaderError;
        }

        private void ClearReaderDown()
        {
            if (readerDownShown)
            {
                readerDownShown = false;
                ShowIdle();
            }
        }

        /// <summary>Keeps a tap's message on the display for a few seconds, then the idle text comes back.</summary>
        private void HoldMessage(long now)
        {
            messageHeld = true;
            messageHeldUntil = now + options.MessageHoldMilliseconds;
        }

        private void Notify(Decision d, TapKind kind)
        {
            DecisionObserver observer = DecisionMade;
            if (observer != null)
            {
                observer(d, kind);
            }
        }

        /// <summary>True when the last sync cycle succeeded within two intervals: the list in force is the platform's current one.</summary>
        public bool IsOnline(long now)
        {
            return core != null && core.IsOnline(now);
        }

        private static bool IsTerminalFault(ReasonCode reason)
        {
            return reason == ReasonCode.ReaderError || reason == ReasonCode.StorageError || reason == ReasonCode.JournalFull
                || reason == ReasonCode.NoList || reason == ReasonCode.ClockNotSet || reason == ReasonCode.ListTooOld;
        }

        private void ShowIdle()
        {
            if (display != null)
            {
                display.Show(IsProvisioned ? AppText.IdleFrench : AppText.NotConfiguredFrench, IsProvisioned ? AppText.IdleEnglish : AppText.NotConfiguredEnglish);
            }
        }

        private void PlayStatusCode(long now)
        {
            shownCode = LedCodeTable.For(FaultSelector.Worst(report));
            feedback.Play(shownCode.FeedbackSteps, now);
        }

        /// <summary>The LED code the terminal blinks while idle.</summary>
        public LedCode ShownLedCode => shownCode;

        /// <summary>
        /// Fills the self-test report from the components' current state (boot, every few seconds for the LED code,
        /// and on demand). Allocates nothing once booted, except the configuration error text set at boot.
        /// </summary>
        public SelfTestReport RefreshReport()
        {
            report.TerminalId = configuration.TerminalId;
            report.Mode = configuration.Mode;
            report.ConfigStatus = configStatus;
            report.ConfigErrorCount = configErrors.Count + configErrors.Dropped;
            report.FirstConfigError = configErrors.Count > 0 ? FirstError() : null;
            report.Storage = storageOk ? CheckResult.Pass : CheckResult.Fail;
            report.StorageFreeBytes = platform.StorageFreeBytes;
            report.LastResetReason = platform.LastResetReason;
            report.StorageRecoveries = storageRecoveries;
            report.ReaderRecoveries = reader == null ? 0 : reader.Chip.Recoveries;
            report.ListMaxAgeHours = configuration.ListMaxAgeHours;

            if (link == null)
            {
                report.Wifi = CheckResult.NotRun;
            }
            else
            {
                // The supervisor's state, as the sync thread last saw it: asking the interface here would allocate
                // (NetworkInterface.GetAllNetworkInterfaces on the device) in the tap thread.
                report.Wifi = wifi.State == LinkState.Up ? CheckResult.Pass : (wifi.ConnectAttempts > 0 ? CheckResult.Fail : CheckResult.NotRun);
            }

            report.WifiSsid = configuration.WifiSsid;
            if (sync == null)
            {
                report.Gateway = CheckResult.NotRun;
            }
            else if (sync.Statistics.LastSuccessMilliseconds >= 0 && (sync.Statistics.LastError == null || IsOnline(clock.MonotonicMilliseconds)))
            {
                report.Gateway = CheckResult.Pass;
            }
            else
            {
                report.Gateway = sync.Statistics.CyclesFailed > 0 ? CheckResult.Fail : CheckResult.NotRun;
            }

            report.ClockSynced = clock.IsSynced;
            report.UtcNow = clock.UtcNow;

            if (allowlist != null && allowlist.Version > 0)
            {
                report.ListPresent = true;
                report.ListVersion = allowlist.Version;
                report.ListCardCount = allowlist.Count;
                report.ListAgeMinutes = clock.IsSynced ? (clock.UtcNow.Ticks - allowlist.IssuedUtc.Ticks) / TimeSpan.TicksPerMinute : SelfTestReport.Unknown;
            }
            else
            {
                report.ListPresent = false;
                report.ListVersion = SelfTestReport.Unknown;
                report.ListCardCount = SelfTestReport.Unknown;
                report.ListAgeMinutes = SelfTestReport.Unknown;
            }

            if (journal != null && journal.IsOpen)
            {
                report.JournalPending = journal.Depth;
                report.JournalCapacity = journal.Capacity;
            }

            return report;
        }

        private string firstErrorText;

        private string FirstError()
        {
            if (firstErrorText == null)
            {
                firstErrorText = configErrors[0].ToString();
            }

            return firstErrorText;
        }

        /// <summary>Prints the current self-test report (the technician's "self-test" command).</summary>
        public void PrintReport(LineWriter write)
        {
            RefreshReport();
            SelfTestFormatter.Write(report, write);
        }

        /// <summary>Reader health for the heartbeat (called on the sync thread; may allocate there).</summary>
        public string ReaderHealth()
        {
            if (reader == null || report.Reader == CheckResult.Fail && reader.Chip.Recoveries == 0)
            {
                return "failed: no reader";
            }

            string counts = "polls " + reader.Polls.ToString() + ", errors " + reader.Errors.ToString()
                + ", recoveries " + reader.Chip.Recoveries.ToString() + " (soft " + reader.Chip.SoftResets.ToString()
                + ", hard " + reader.Chip.HardResets.ToString() + "), crypto1 cleared " + reader.Chip.Crypto1Cleared.ToString()
                + ", loop stalls " + (watchdog == null ? 0 : watchdog.Stalls).ToString();
            if (consecutiveReaderErrors >= options.ReaderDownAfterErrors)
            {
                return "failed: " + counts;
            }

            return reader.Chip.Recoveries > 0 || (watchdog != null && watchdog.Stalls > 0) ? "degraded: " + counts : "ok: " + counts;
        }

        /// <summary>The watchdog timer's callback (device: every second on a timer thread). Reboots through the platform when the loop is dead.</summary>
        public WatchdogVerdict CheckWatchdog()
        {
            if (watchdog == null)
            {
                return WatchdogVerdict.Alive;
            }

            WatchdogVerdict verdict = watchdog.Check(clock.MonotonicMilliseconds);
            if (verdict == WatchdogVerdict.Expired)
            {
                Say("watchdog: tap loop dead for " + watchdog.RebootMilliseconds.ToString() + " ms, rebooting");
                platform.Reboot("watchdog");
            }

            return verdict;
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

        private static string ResultName(ReaderResult result)
        {
            switch (result)
            {
                case ReaderResult.Timeout: return "timeout";
                case ReaderResult.ChipFault: return "chip fault";
                case ReaderResult.Protocol: return "protocol";
                default: return "error " + ((int)result).ToString();
            }
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
