using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Cashless;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Diagnostics;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The tap loop (<see cref="Step"/>, one iteration per poll interval): feed the watchdog, advance feedback and
    /// vend pulses, poll the reader; on a new card decide (meal or sale request; the decision engine journals),
    /// play the approved / approved-offline / denied / error pattern, queue vend pulses for an approved sale, show
    /// the FR/EN message. Never touches the network; allocates nothing per poll or per tap after boot.
    /// </summary>
    public sealed partial class TerminalApplication
    {
        /// <summary>
        /// One iteration of the tap loop; the caller sleeps <see cref="PollIntervalMilliseconds"/> between calls.
        /// Never throws, never waits on the network.
        /// </summary>
        public TapKind Step() => Iterate(true);

        /// <summary>
        /// <see cref="Step"/> without the end of the tap (<see cref="CardReader.ParkCard"/>): what a student waits for, to
        /// the decision shown and its feedback started. For the benchmarks, which cost the parking apart ("after the
        /// decision"); a card left ACTIVE or in its session is parked by the next poll.
        /// </summary>
        public TapKind StepUntilDecided() => Iterate(false);

        private TapKind Iterate(bool park)
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
                if (park && reader != null)
                {
                    // The tap is decided, journaled, shown and its feedback started: only now does the card go back to
                    // HALT (a card the Poll kept ACTIVE) or its session close (S(DESELECT), 106 kbit/s), whichever way the
                    // tap ended (decided, refused before deciding, several cards, reader error), so the presence check
                    // finds it resting in HALT. Nothing when the Poll had already halted it.
                    reader.ParkCard();
                }

                FlushCountersWhenIdle(kind); // TerminalApplication.CounterFlush.cs
                if (kind == TapKind.None && now >= nextListScrub)
                {
                    // Idle, empty field: one bounded slice of the allowlist's flash scrub (TerminalApplication.ListScrub.cs).
                    ScrubList(now);
                }

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
                if (park && reader != null)
                {
                    reader.ParkCard(); // never throws; nothing to do when the tap had ended before the exception
                }
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

                    if (cardPolicy != null)
                    {
                        // The site policy talks to this card (type check, DESFire authentication) when the decision
                        // engine finds it listed with a state that would be approved.
                        cardPolicy.BeginTap();
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
                return RefuseBeforeDeciding(TapKind.RefusedNotConfigured, FeedbackPlayer.Error, AppText.NotConfiguredFrench, AppText.NotConfiguredEnglish, now);
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
                    return RefuseBeforeDeciding(TapKind.RefusedVendBusy, FeedbackPlayer.Denied, AppText.VendBusyFrench, AppText.VendBusyEnglish, now);
                }
            }
            else if (decisions.Mode == LeoCarte.Terminal.Decisions.TerminalMode.Vending)
            {
                if (vend.IsBusy)
                {
                    // The machine is still being credited for the previous sale: nothing decided, nothing charged.
                    statistics.RefusedVendBusy++;
                    return RefuseBeforeDeciding(TapKind.RefusedVendBusy, FeedbackPlayer.Denied, AppText.VendBusyFrench, AppText.VendBusyEnglish, now);
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
            return RefuseBeforeDeciding(TapKind.RefusedSeveralCards, FeedbackPlayer.Denied, AppText.SeveralCardsFrench, AppText.SeveralCardsEnglish, now);
        }

        /// <summary>A tap refused before any decision: nothing journaled, nothing charged; the student sees why.</summary>
        private TapKind RefuseBeforeDeciding(TapKind kind, int[] pattern, string french, string english, long now)
        {
            feedback.Play(pattern, now);
            display.Show(french, english);
            HoldMessage(now);
            Notify(null, kind);
            return kind;
        }

        private void Conclude(Decision d, long now)
        {
            int reason = (int)d.Reason;
            if (reason >= 0 && reason < TapStatistics.ReasonSlots)
            {
                statistics.ByReason[reason]++;
            }

            CountProof(d);

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
            int depth;
            int slots;
            if (sync != null && journal.ReadOccupancy(out depth, out slots) && SelfTestReport.IsJournalNearlyFull(depth, slots))
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
                    Say("reader: out of service after " + consecutiveReaderErrors.ToString() + " failed polls (last at: "
                        + ReaderSteps.Name(read.FailedStep) + ")");
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
    }
}
