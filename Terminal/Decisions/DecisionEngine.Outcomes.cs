using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Journal;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>Outcomes: approvals and denials journaled (one record each), the repeat-tap rule, list staleness, and the reason for a card state.</summary>
    public sealed partial class DecisionEngine
    {
        /// <summary>
        /// An approval: its journal record is the commit point and the one storage write before it is shown; the
        /// counter entry is written behind it (DecisionEngine.WriteBehind.cs). The previous approval's entry is flushed
        /// first if the idle loop has not done it, so at most one approval is ever unflushed; a failure there is a
        /// StorageError denial, as a failed counter write always was.
        /// </summary>
        private Decision Approve(Decision d, int amountCents, long monotonic)
        {
            if (!FlushLedger())
            {
                return Deny(ReasonCode.StorageError);
            }

            d.Approved = true;
            d.Reason = ReasonCode.Approved;
            d.AmountCents = amountCents;
            FillRecord(d);
            JournalResult result = journal.Append(record);
            if (result != JournalResult.Ok)
            {
                d.Approved = false;
                d.AmountCents = 0;
                return DenyUnjournaled(result == JournalResult.Full ? ReasonCode.JournalFull : ReasonCode.StorageError);
            }

            // Durable: count it (RAM, cannot fail); the log entry follows at the next FlushCounters or approval.
            ledger.AddUnflushed(d.Card.HolderKey, amountCents, record.Sequence);
            d.Journaled = true;
            d.JournalSequence = record.Sequence;
            if (settings.Mode == TerminalMode.Restaurant)
            {
                d.MessageFrench = ReasonText.MealApprovedFrench;
                d.MessageEnglish = ReasonText.MealApprovedEnglish;
            }
            else
            {
                d.MessageFrench = ReasonText.InFrench(ReasonCode.Approved);
                d.MessageEnglish = ReasonText.InEnglish(ReasonCode.Approved);
            }

            Array.Copy(d.Uid, lastApprovedUid, JournalRecord.MaxUidLength);
            lastApprovedUidLength = d.UidLength;
            lastApprovedMonotonic = monotonic;
            return d;
        }

        /// <summary>An authorised vend: journaled as VendPending (no approved flag, no money), kept until its end.</summary>
        private Decision ApprovePending(Decision d, int priceCents)
        {
            d.Approved = false;
            d.Reason = ReasonCode.VendPending;
            d.RequestedCents = priceCents;
            if (!KeepUnflushedInRing())
            {
                return DenyUnjournaled(ReasonCode.StorageError);
            }

            FillRecord(d);
            JournalResult result = journal.Append(record);
            if (result != JournalResult.Ok)
            {
                return DenyUnjournaled(result == JournalResult.Full ? ReasonCode.JournalFull : ReasonCode.StorageError);
            }

            vendPending = true;
            Array.Copy(d.Uid, pendingUid, JournalRecord.MaxUidLength);
            pendingUidLength = d.UidLength;
            pendingListed = d.CardListed;
            pendingCard.State = d.Card.State;
            pendingCard.HolderKey = d.Card.HolderKey;
            pendingCard.Category = d.Card.Category;
            pendingProof = d.Proof;
            pendingListVersion = d.ListVersion;
            pendingAmount = priceCents;
            pendingItem = d.ItemCode;
            pendingPeriodKey = d.PeriodKey;
            pendingSequence = record.Sequence;

            d.Approved = true;
            d.AmountCents = priceCents;
            d.Journaled = true;
            d.JournalSequence = record.Sequence;
            d.MessageFrench = ReasonText.InFrench(ReasonCode.VendPending);
            d.MessageEnglish = ReasonText.InEnglish(ReasonCode.VendPending);
            return d;
        }

        /// <summary>A denial, journaled when the journal takes it.</summary>
        private Decision Deny(ReasonCode reason)
        {
            Decision d = DenyUnjournaled(reason);
            if (!started)
            {
                return d;
            }

            // Keep the last slots for approvals (money): a flood of denials (a card left on the reader, a broken
            // card tapped again and again) must not be what blocks sales. Denials beyond are shown, not journaled.
            if (journal.Capacity - journal.Depth <= settings.JournalSlotsReservedForApprovals || !KeepUnflushedInRing())
            {
                DenialsNotJournaled++;
                return d;
            }

            FillRecord(d);
            if (journal.Append(record) == JournalResult.Ok)
            {
                d.Journaled = true;
                d.JournalSequence = record.Sequence;
            }

            return d;
        }

        private Decision DenyUnjournaled(ReasonCode reason)
        {
            Decision d = decision;
            d.Approved = false;
            d.Reason = reason;
            d.AmountCents = 0;
            d.MessageFrench = ReasonText.InFrench(reason);
            d.MessageEnglish = ReasonText.InEnglish(reason);
            return d;
        }

        private void FillRecord(Decision d)
        {
            JournalRecord r = record;
            r.Clear();
            r.TimeUtc = d.TimeUtc;
            r.ClockSynced = d.ClockSynced;
            r.Approved = d.Approved;
            r.CardListed = d.CardListed;
            r.Reason = (byte)d.Reason;
            r.Mode = (byte)d.Mode;
            Array.Copy(d.Uid, r.Uid, JournalRecord.MaxUidLength);
            r.UidLength = d.UidLength;
            r.Category = d.CardListed ? d.Card.Category : (byte)0;
            r.HolderKey = d.CardListed ? d.Card.HolderKey : 0;
            r.ListVersion = d.ListVersion;
            r.Authenticated = d.Proof == CardProofResult.Authenticated;
            r.UidOnly = d.Proof == CardProofResult.UidOnly;
            r.Originality = d.Proof == CardProofResult.Original || d.Proof == CardProofResult.NotOriginal;
            r.AmountCents = d.Approved ? d.AmountCents : d.RequestedCents;
            r.ItemCode = d.ItemCode;
            r.PeriodKey = d.PeriodKey;
        }

        private bool IsRepeatTap(Decision d, long monotonic)
        {
            if (settings.RepeatTapSeconds <= 0 || lastApprovedUidLength != d.UidLength || lastApprovedUidLength == 0)
            {
                return false;
            }

            if (monotonic - lastApprovedMonotonic >= settings.RepeatTapSeconds * 1000L)
            {
                return false;
            }

            for (int i = 0; i < d.UidLength; i++)
            {
                if (lastApprovedUid[i] != d.Uid[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The staleness policy (see <see cref="StalenessPolicy"/>).</summary>
        private bool ListTooOld(DateTime nowUtc, bool synced, long monotonic)
        {
            StalenessPolicy policy = settings.Staleness;
            if (policy.MaxHoursSinceIssued > 0 && synced && nowUtc.Ticks - allowlist.IssuedUtc.Ticks > policy.MaxHoursSinceIssued * TimeSpan.TicksPerHour)
            {
                return true;
            }

            if (policy.MaxMinutesWithoutConfirmation <= 0)
            {
                return false;
            }

            long limitMilliseconds = policy.MaxMinutesWithoutConfirmation * MillisecondsPerMinute;
            long ageMilliseconds;
            if (confirmedSinceBoot)
            {
                // Monotonic: immune to the wall clock being set or jumping.
                ageMilliseconds = monotonic - confirmedMonotonic;
            }
            else if (synced)
            {
                long confirmedTicks = allowlist.IssuedUtc.Ticks;
                if (persistedConfirmationTicks > confirmedTicks)
                {
                    confirmedTicks = persistedConfirmationTicks;
                }

                ageMilliseconds = (nowUtc.Ticks - confirmedTicks) / TimeSpan.TicksPerMillisecond;
            }
            else
            {
                if (!policy.TrustUnknownAgeAfterBoot)
                {
                    return true;
                }

                // Age unknown: the time since boot is a lower bound of it.
                ageMilliseconds = monotonic - startMonotonic;
            }

            return ageMilliseconds > limitMilliseconds;
        }

        private static ReasonCode ReasonForState(CardState state, byte category)
        {
            // A blocked card's category says why it is blocked (Cards/CardRecord.cs BlockReason); other values
            // (older gateways wrote 0) keep the general message.
            if (state == CardState.BlockedOther && category == BlockReason.OutOfOrder)
            {
                return ReasonCode.OutOfOrder;
            }

            switch (state)
            {
                case CardState.Active:
                    return ReasonCode.Approved;
                case CardState.NotYetActivated:
                    return ReasonCode.NotYetActivated;
                case CardState.Lost:
                    return ReasonCode.Lost;
                case CardState.Stolen:
                    return ReasonCode.Stolen;
                case CardState.Renewed:
                    return ReasonCode.Renewed;
                case CardState.Expired:
                    return ReasonCode.Expired;
                default:
                    return ReasonCode.Blocked;
            }
        }
    }
}
