using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Decides a tap offline: (card read, allowlist, clock, mode, counters) → approve or deny with a reason, and
    /// records it. Every decision, approved or denied, is journaled when the journal can take it; an approval is
    /// reported only once its journal record is durable.
    ///
    /// Order of the checks (the first that fails gives the reason): reader error; storage not started; journal
    /// full; no list; unknown card; card state (not activated, lost, stolen, renewed, expired, blocked); same card
    /// approved again within <see cref="DecisionSettings.RepeatTapSeconds"/>; list too old; clock not set (if the
    /// policy demands a synced clock); then the mode: restaurant (outside service hours, meal already served to
    /// this holder in this window) or vending (invalid sale, card daily cap, terminal daily cap).
    ///
    /// Commit order of an approval (crash safety, see DecisionEngine.WriteBehind.cs and Decisions/FORMAT.md): the journal
    /// record is the commit point and the one storage write before the approval is shown; the RAM counters count it at
    /// once, and its 16-byte counter-log entry is written behind (<see cref="FlushCounters"/> on the tap loop's next idle
    /// iteration, or before the next approval at the latest). At boot, <see cref="Start"/> counts the log, then the
    /// approved journal records after the last one the log covers. So after any crash a meal is counted exactly when it
    /// is journaled: a journaled meal is never served twice, an unjournaled one never blocks the student.
    ///
    /// Threads: the tap loop calls Decide*; the sync client may call <see cref="NoteListConfirmed"/> concurrently.
    /// Zero allocation per decision (host benchmark: Tools/DecisionBenchmark).
    /// </summary>
    public sealed partial class DecisionEngine
    {
        private const long MillisecondsPerMinute = 60000;

        /// <summary>Persist the list confirmation time at most this often (flash wear: ≤ 144 writes a day).</summary>
        private const long ConfirmationPersistTicks = 10 * TimeSpan.TicksPerMinute;

        private readonly object sync = new object();
        private readonly IAllowlist allowlist;
        private readonly IClock clock;
        private readonly TransactionJournal journal;
        private readonly DecisionSettings settings;
        private readonly PeriodLedger ledger;
        private readonly DualSlotValue confirmation;
        private readonly Decision decision = new Decision();
        private readonly JournalRecord record = new JournalRecord();
        private readonly byte[] lastApprovedUid = new byte[JournalRecord.MaxUidLength];

        private bool started;
        private long startMonotonic;
        private bool confirmedSinceBoot;
        private long confirmedMonotonic;
        private long persistedConfirmationTicks;
        private int lastApprovedUidLength;
        private long lastApprovedMonotonic;

        // Vending sessions (MDB cashless, Terminal/Cashless): what Decide is asked for, and the one authorised vend
        // waiting for the machine's VEND SUCCESS. RAM only: after a reboot nothing is pending, so nothing is charged.
        private const int PhaseSale = 0;
        private const int PhaseOpenSession = 1;
        private const int PhaseAuthorizeVend = 2;
        private int phase;
        private bool vendPending;
        private readonly byte[] pendingUid = new byte[JournalRecord.MaxUidLength];
        private readonly CardRecord pendingCard = new CardRecord();
        private int pendingUidLength;
        private bool pendingListed;
        private long pendingListVersion;
        private int pendingAmount;
        private int pendingItem;
        private int pendingPeriodKey;
        private long pendingSequence;

        /// <summary>
        /// The site policy's check of the card on the reader (card type, DESFire authentication), asked for a listed card
        /// whose state would be approved; null: no check (decisions on a UID alone, as in tests of the engine).
        /// </summary>
        public ICardProof CardProof { get; set; }

        private CardProofResult pendingProof;

        public DecisionEngine(IAllowlist allowlist, IClock clock, TransactionJournal journal, IFileStore store, DecisionSettings settings)
        {
            this.allowlist = allowlist;
            this.clock = clock;
            this.journal = journal;
            this.settings = settings;
            ledger = new PeriodLedger(store, settings.CounterFileName, settings.CounterTableSlots);
            confirmation = new DualSlotValue(store, settings.ConfirmationFileName);
        }

        /// <summary>Mode the engine decides for.</summary>
        public TerminalMode Mode
        {
            get { return settings.Mode; }
        }

        /// <summary>True once <see cref="Start"/> succeeded.</summary>
        public bool IsStarted
        {
            get { lock (sync) { return started; } }
        }

        /// <summary>Denials not journaled because the journal's last free slots are kept for approvals (since construction).</summary>
        public int DenialsNotJournaled { get; private set; }

        /// <summary>
        /// Idle-time housekeeping for the tap loop: when the synced clock has entered a new counter period (a service
        /// window opened, a new day began), starts it now so the first tap of the period does not pay the two extra
        /// storage writes. Does nothing outside service windows or with an unsynced clock. Never throws.
        /// </summary>
        public void PreparePeriod()
        {
            lock (sync)
            {
                if (!started || !clock.IsSynced)
                {
                    return;
                }

                long local = LocalTicks(clock.UtcNow);
                int periodKey;
                if (settings.Mode == TerminalMode.Vending)
                {
                    periodKey = DayNumberOf(local);
                }
                else
                {
                    int window = WindowAt(MinuteOfDayOf(local));
                    if (window < 0)
                    {
                        return;
                    }

                    periodKey = DayNumberOf(local) * DecisionSettings.MaxServiceWindows + window;
                }

                if (ledger.PeriodKey != periodKey && ledger.PeriodKey != PeriodLedger.UnknownPeriod && !IsBeforeCurrentPeriod(periodKey))
                {
                    EnterPeriod(periodKey);
                }
            }
        }

        /// <summary>The counters of the current period (diagnostics, heartbeat, tests).</summary>
        public PeriodLedger Counters
        {
            get { return ledger; }
        }

        /// <summary>
        /// Boot, after <see cref="TransactionJournal.Open"/>: restores the counters — the counter log, then the approved
        /// journal records of the period it does not cover yet (an approval whose entry was not flushed before the power
        /// cut), which are counted and logged (PeriodLedger.Load) — and the last list confirmation time. False on a
        /// storage failure: every decision is then a StorageError denial until a later Start succeeds.
        /// </summary>
        public bool Start()
        {
            lock (sync)
            {
                started = false;
                startMonotonic = clock.MonotonicMilliseconds;
                confirmedSinceBoot = false;
                lastApprovedUidLength = 0;
                if (!journal.IsOpen)
                {
                    return false;
                }

                try
                {
                    ledger.Load(journal, record);
                    persistedConfirmationTicks = confirmation.Load(0);
                }
                catch (Exception)
                {
                    return false;
                }

                started = true;
                return true;
            }
        }

        /// <summary>
        /// The sync client reached the platform and the list in force is current (a new version was applied or the
        /// gateway said none is newer). Resets the staleness clock; persisted at most every 10 minutes.
        /// </summary>
        public void NoteListConfirmed()
        {
            lock (sync)
            {
                confirmedSinceBoot = true;
                confirmedMonotonic = clock.MonotonicMilliseconds;
                if (!clock.IsSynced)
                {
                    return;
                }

                long nowTicks = clock.UtcNow.Ticks;
                if (nowTicks - persistedConfirmationTicks < ConfirmationPersistTicks)
                {
                    return;
                }

                try
                {
                    confirmation.Store(nowTicks);
                    persistedConfirmationTicks = nowTicks;
                }
                catch (Exception)
                {
                    // Only the after-reboot staleness estimate suffers; the next confirmation retries.
                }
            }
        }

        /// <summary>Restaurant tap: one subsidised meal per holder per service window.</summary>
        public Decision DecideMeal(byte[] uid, int offset, int length)
        {
            return Decide(uid, offset, length, 0, 0);
        }

        /// <summary>Vending sale request: <paramref name="priceCents"/> for <paramref name="itemCode"/>.</summary>
        public Decision DecideSale(byte[] uid, int offset, int length, int priceCents, int itemCode)
        {
            return Decide(uid, offset, length, priceCents, itemCode);
        }

        /// <summary>The reader could not read the card reliably: a journaled ReaderError denial (UID length 0).</summary>
        public Decision DecideReaderError()
        {
            return Decide(null, 0, 0, 0, 0);
        }

        /// <summary>The engine's reused decision, cleared and stamped with the mode, the time and whether the clock is synced.</summary>
        private Decision BeginDecision()
        {
            Decision d = decision;
            d.Reset();
            d.Mode = settings.Mode;
            d.TimeUtc = clock.UtcNow;
            d.ClockSynced = clock.IsSynced;
            return d;
        }

        /// <summary>
        /// Decides for the card whose UID is uid[offset..offset+length) (4, 7 or 10 bytes; anything else is a reader
        /// error). In restaurant mode price and item are ignored (the service window sets the price). Returns the
        /// engine's reused <see cref="Decision"/>. Never throws.
        /// </summary>
        public Decision Decide(byte[] uid, int offset, int length, int priceCents, int itemCode)
        {
            lock (sync)
            {
                Decision d = BeginDecision();
                long monotonic = clock.MonotonicMilliseconds;
                d.ListVersion = allowlist.Version;
                if (settings.Mode == TerminalMode.Vending)
                {
                    d.RequestedCents = priceCents;
                    d.ItemCode = itemCode;
                }

                // ISO/IEC 14443-3 UID sizes: single (4), double (7) or triple (10) bytes; anything else is a bad read.
                if (uid == null || (length != 4 && length != 7 && length != 10) || offset < 0 || offset > uid.Length - length)
                {
                    return Deny(ReasonCode.ReaderError);
                }

                Array.Copy(uid, offset, d.Uid, 0, length);
                d.UidLength = length;

                if (!started)
                {
                    return DenyUnjournaled(ReasonCode.StorageError);
                }

                if (journal.IsFull)
                {
                    return DenyUnjournaled(ReasonCode.JournalFull);
                }

                if (d.ListVersion == 0)
                {
                    return Deny(ReasonCode.NoList);
                }

                bool listed = allowlist.TryFind(uid, offset, length, d.Card);

                // The sync thread may switch lists between the version read above and the lookup: journal the
                // version the lookup actually searched.
                d.ListVersion = allowlist.LastLookupVersion;
                if (!listed)
                {
                    return Deny(allowlist.LastLookupFailed ? ReasonCode.StorageError : ReasonCode.UnknownCard);
                }

                d.CardListed = true;
                ReasonCode stateReason = ReasonForState(d.Card.State, d.Card.Category);
                if (stateReason != ReasonCode.Approved)
                {
                    return Deny(stateReason);
                }

                ICardProof proof = CardProof;
                if (proof != null)
                {
                    d.Proof = proof.Prove(uid, offset, length, d.Card);
                    ReasonCode proofReason = CardProofReasons.Of(d.Proof);
                    if (proofReason != ReasonCode.Approved)
                    {
                        return Deny(proofReason);
                    }
                }

                if (phase == PhaseSale && IsRepeatTap(d, monotonic))
                {
                    return Deny(ReasonCode.RepeatTap);
                }

                if (ListTooOld(d.TimeUtc, d.ClockSynced, monotonic))
                {
                    return Deny(ReasonCode.ListTooOld);
                }

                if (!d.ClockSynced && !settings.DecideWithUnsyncedClock)
                {
                    return Deny(ReasonCode.ClockNotSet);
                }

                return settings.Mode == TerminalMode.Restaurant ? DecideRestaurant(d, monotonic) : DecideVending(d, monotonic, priceCents);
            }
        }

        private Decision DecideRestaurant(Decision d, long monotonic)
        {
            ServiceWindow[] windows = settings.Restaurant.Windows;
            int periodKey;
            int windowIndex;
            if (d.ClockSynced)
            {
                long local = LocalTicks(d.TimeUtc);
                windowIndex = WindowAt(MinuteOfDayOf(local));

                if (windowIndex < 0)
                {
                    return Deny(ReasonCode.OutsideServiceHours);
                }

                periodKey = DayNumberOf(local) * DecisionSettings.MaxServiceWindows + windowIndex;
                if (IsBeforeCurrentPeriod(periodKey))
                {
                    // The clock is earlier than the period already counted: stay in it (never forget its meals).
                    periodKey = ledger.PeriodKey;
                    windowIndex = periodKey % DecisionSettings.MaxServiceWindows;
                    if (windowIndex >= windows.Length)
                    {
                        windowIndex = 0;
                    }
                }
            }
            else
            {
                // Untrusted clock: stay in the period persisted before the reboot (counters are never reset on an
                // untrusted clock), or count in an unknown period adopted by the first synced window.
                periodKey = ledger.PeriodKey != PeriodLedger.NoPeriod ? ledger.PeriodKey : PeriodLedger.UnknownPeriod;
                windowIndex = periodKey > 0 ? periodKey % DecisionSettings.MaxServiceWindows : 0;
                if (windowIndex >= windows.Length)
                {
                    windowIndex = 0;
                }
            }

            ServiceWindow window = windows[windowIndex];
            d.ServiceName = window.Name;
            d.ItemCode = windowIndex + 1;
            d.RequestedCents = window.MealPriceCents;
            d.PeriodKey = periodKey;
            if (!EnterPeriod(periodKey))
            {
                return Deny(ReasonCode.StorageError);
            }

            int count;
            long amount;
            if (!LookupHolder(d.Card.HolderKey, out count, out amount))
            {
                return Deny(ReasonCode.StorageError);
            }

            if (count > 0)
            {
                return Deny(ReasonCode.MealAlreadyServed);
            }

            return Approve(d, window.MealPriceCents, monotonic);
        }

        private Decision DecideVending(Decision d, long monotonic, int priceCents)
        {
            VendingSettings vending = settings.Vending;
            if (phase != PhaseOpenSession && (priceCents <= 0 || priceCents > vending.MaxPriceCents))
            {
                return Deny(ReasonCode.InvalidSale);
            }

            if (phase == PhaseAuthorizeVend && journal.Capacity - journal.Depth < 2)
            {
                // The pending record and the charge at VEND SUCCESS both need a slot.
                return DenyUnjournaled(ReasonCode.JournalFull);
            }

            int periodKey;
            if (d.ClockSynced)
            {
                periodKey = DayNumberOf(LocalTicks(d.TimeUtc));
                if (IsBeforeCurrentPeriod(periodKey))
                {
                    periodKey = ledger.PeriodKey;
                }
            }
            else
            {
                periodKey = ledger.PeriodKey != PeriodLedger.NoPeriod ? ledger.PeriodKey : PeriodLedger.UnknownPeriod;
            }

            d.PeriodKey = periodKey;
            if (!EnterPeriod(periodKey))
            {
                return Deny(ReasonCode.StorageError);
            }

            bool online = confirmedSinceBoot && monotonic - confirmedMonotonic <= vending.OnlineWithinSeconds * 1000L;
            long funds = vending.MaxPriceCents;
            if (!vending.CapsOnlyWhenOffline || !online)
            {
                int count;
                long spent;
                if (!LookupHolder(d.Card.HolderKey, out count, out spent))
                {
                    return Deny(ReasonCode.StorageError);
                }

                if (phase == PhaseOpenSession)
                {
                    // The least positive price (1 cent) must still fit under both caps for a session to open.
                    priceCents = 1;
                    if (vending.CardDailyCapCents > 0 && vending.CardDailyCapCents - spent < funds)
                    {
                        funds = vending.CardDailyCapCents - spent;
                    }

                    if (vending.TerminalDailyCapCents > 0 && vending.TerminalDailyCapCents - ledger.TotalAmount < funds)
                    {
                        funds = vending.TerminalDailyCapCents - ledger.TotalAmount;
                    }
                }

                if (vending.CardDailyCapCents > 0 && spent + priceCents > vending.CardDailyCapCents)
                {
                    return Deny(ReasonCode.CardCapReached);
                }

                if (vending.TerminalDailyCapCents > 0 && ledger.TotalAmount + priceCents > vending.TerminalDailyCapCents)
                {
                    return Deny(ReasonCode.TerminalCapReached);
                }
            }

            if (phase == PhaseOpenSession)
            {
                d.Approved = true;
                d.Reason = ReasonCode.Approved;
                d.AmountCents = (int)funds;
                d.MessageFrench = ReasonText.SessionOpenFrench;
                d.MessageEnglish = ReasonText.SessionOpenEnglish;
                return d;
            }

            if (phase == PhaseAuthorizeVend)
            {
                return ApprovePending(d, priceCents);
            }

            return Approve(d, priceCents, monotonic);
        }
    }
}
