using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The one wiring of the terminal's core from a configuration: allowlist store, journal, decision engine,
    /// list sink and sync engine over a file store, a synced clock and (when provisioned) an HTTP transport.
    /// The device (<see cref="TerminalApplication"/> in Terminal/Device/Program), the virtual terminal and the
    /// host terminal of the end-to-end tests (HostAdapters/HostTerminal) all build their core here, so every
    /// end-to-end test runs the wiring the device ships.
    ///
    /// Two steps, because the application reports them separately at boot: <see cref="OpenStorage"/> (recovery
    /// of the allowlist, the journal and the counters after a power cut) and <see cref="ComposeSync"/> (the sync
    /// client, composed but not run: the sync thread steps it). Neither throws.
    /// </summary>
    public sealed class TerminalCore
    {
        private readonly TerminalConfiguration configuration;
        private readonly ApplicationOptions options;
        private readonly IFileStore files;
        private readonly SyncedClock clock;
        private readonly LineWriter say;
        private readonly JournalSettings journalSettings = new JournalSettings();

        public TerminalCore(TerminalConfiguration configuration, ApplicationOptions options, IFileStore files, SyncedClock clock, LineWriter say)
        {
            this.configuration = configuration;
            this.options = options == null ? new ApplicationOptions() : options;
            this.files = files;
            this.clock = clock;
            this.say = say;
            journalSettings.Capacity = this.options.JournalCapacity;
            Allowlist = new AllowlistStore(files);
            Journal = new TransactionJournal(files, journalSettings);
            DecisionSettings decisionSettings = ConfigurationMapping.ToDecisionSettings(configuration, this.options);
            string invalid = decisionSettings.Validate();
            if (invalid != null)
            {
                Say(invalid + ": using the compiled-in decision settings");
                decisionSettings = new DecisionSettings();
                decisionSettings.Mode = ConfigurationMapping.ModeOf(configuration);
            }

            Decisions = new DecisionEngine(Allowlist, clock, Journal, files, decisionSettings);
            SyncIntervalMilliseconds = ConfigurationMapping.ToSyncOptions(configuration, this.options).IntervalSeconds * 1000L;
        }

        public AllowlistStore Allowlist { get; private set; }
        public TransactionJournal Journal { get; private set; }
        public DecisionEngine Decisions { get; private set; }

        /// <summary>Where downloaded lists go (null until <see cref="ComposeSync"/> succeeded).</summary>
        public AllowlistListSink ListSink { get; private set; }

        /// <summary>The sync client, or null when the terminal cannot sync (not provisioned, no transport).</summary>
        public SyncEngine Sync { get; private set; }

        /// <summary>The Wi-Fi supervisor the sync engine steps (null without a network link).</summary>
        public WifiSupervisor Wifi { get; private set; }

        /// <summary>The sync interval in force (configuration, else the default), for "online" decisions.</summary>
        public long SyncIntervalMilliseconds { get; private set; }

        /// <summary>Repairs found when the storage was opened (torn journal tail, invalid slots, rebuilt header).</summary>
        public int StorageRecoveries { get; private set; }

        /// <summary>
        /// Opens the allowlist (a missing list is not a fault: the first sync brings it), recovers the journal and
        /// restores the decision counters. Returns false when the journal or the counters are unusable (the
        /// terminal then refuses every tap with a storage error); a throwing store counts as unusable.
        /// </summary>
        public bool OpenStorage()
        {
            try
            {
                if (!Allowlist.Open())
                {
                    Say("storage: no valid allowlist in flash (waiting for the first sync)");
                }

                bool journalExisted = files.Length(journalSettings.FileName) >= 0;
                JournalResult opened = Journal.Open();
                bool ok = true;
                if (opened != JournalResult.Ok)
                {
                    ok = false;
                    Say("storage: journal could not be opened");
                }
                else
                {
                    if (Journal.TornTailBytesAtOpen > 0 || Journal.InvalidSlotsAtOpen > 0 || (journalExisted && Journal.HeaderRebuiltAtOpen))
                    {
                        StorageRecoveries++;
                    }

                    Say("storage: journal " + Journal.Depth.ToString() + " pending, " + Journal.RecoveredRecords.ToString() + " recovered, last sequence " + Journal.LastSequence.ToString());
                }

                // The last trusted time: after this reboot the clock accepts no earlier time (SyncedClock).
                if (!clock.OpenTrustedTimeStore(files, SyncedClock.TrustedTimeFileName))
                {
                    Say("storage: last trusted time unreadable (the clock trusts the gateway's first time)");
                }

                if (ok && !Decisions.Start())
                {
                    ok = false;
                    Say("storage: counters could not be restored");
                }

                return ok;
            }
            catch (Exception)
            {
                Say("storage: flash failure during recovery");
                return false;
            }
        }

        /// <summary>
        /// Composes the sync client over <paramref name="transport"/> (and <paramref name="link"/> when the terminal
        /// has a network link to supervise): signed requests with the terminal's secret, lists verified with the
        /// site's key into the allowlist, the journal as upload source, confirmations to the decision engine.
        /// Does nothing and returns false for an unprovisioned configuration or a null transport.
        /// </summary>
        public bool ComposeSync(IHttpTransport transport, INetworkLink link, ReaderHealthProvider readerHealth)
        {
            if (!configuration.IsProvisioned)
            {
                return false;
            }

            if (transport == null)
            {
                Say("sync: no transport to " + configuration.GatewayUrl);
                return false;
            }

            Wifi = link == null ? null : new WifiSupervisor(link, options.SyncSeed);
            IMessageHasher hasher = options.MessageHasher != null ? options.MessageHasher : new PortableMessageHasher();
            RequestSigner signer = new RequestSigner(configuration.TerminalId, configuration.TerminalSecret, hasher);
            ListSink = new AllowlistListSink(Allowlist, configuration.SiteId, TrustOf(configuration, options.ListSignatureVerifier != null ? options.ListSignatureVerifier : new EcdsaListSignatureVerifier(), hasher));
            SyncOptions syncOptions = ConfigurationMapping.ToSyncOptions(configuration, options);
            SyncIntervalMilliseconds = syncOptions.IntervalSeconds * 1000L;
            Sync = new SyncEngine(transport, signer, clock, ListSink, Allowlist, new TransactionJournalSource(Journal), Wifi,
                syncOptions, readerHealth, options.SyncSeed);
            Sync.ListConfirmed = Decisions.NoteListConfirmed;
            return true;
        }

        /// <summary>
        /// What lists this terminal accepts: the gateway's public keys by id from the configuration, the verifier,
        /// the one-shot MAC of the request signer (native on the device) for the chunk digests, the version bound.
        /// </summary>
        public static ListTrust TrustOf(TerminalConfiguration configuration, IListSignatureVerifier verifier, LeoCarte.Terminal.Crypto.IMacFunction mac)
        {
            ListSigningKey[] keys = new ListSigningKey[configuration.ListKeyIds.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = new ListSigningKey(configuration.ListKeyIds[i], configuration.ListPublicKeys[i]);
            }

            ListTrust trust = new ListTrust(keys, verifier, mac);
            trust.MaxVersionJump = configuration.MaxListVersionJump;
            return trust;
        }

        /// <summary>True when the last sync cycle succeeded within two intervals: the list in force is the platform's current one.</summary>
        public bool IsOnline(long nowMilliseconds)
        {
            if (Sync == null)
            {
                return false;
            }

            long last = Sync.Statistics.LastSuccessMilliseconds;
            return last >= 0 && nowMilliseconds - last <= 2 * SyncIntervalMilliseconds;
        }

        private void Say(string line)
        {
            if (say != null)
            {
                say(line);
            }
        }
    }
}
