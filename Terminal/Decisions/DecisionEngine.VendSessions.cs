using System;
using LeoCarte.Terminal.Journal;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>Vending sessions (MDB cashless, Terminal/Cashless): a session opened on a tap, one vend authorised and pending in RAM until VEND SUCCESS charges it or a failure, cancel or reset voids it.</summary>
    public sealed partial class DecisionEngine
    {
        /// <summary>
        /// Vending session (MDB cashless, ICP/MDB 4.2 §7 BEGIN SESSION): the card is checked as for a sale, and the
        /// funds it may spend now are returned in <see cref="Decision.AmountCents"/> — the least of the maximum price,
        /// what is left of the holder's daily cap and of the terminal's daily cap (when the caps apply). Nothing is
        /// journaled or counted on approval (nothing was sold yet); a refused card is journaled as a denial. No
        /// repeat-tap rule: a session charges nothing, so a student may tap again for a second item.
        /// </summary>
        public Decision OpenVendSession(byte[] uid, int offset, int length)
        {
            lock (sync)
            {
                phase = PhaseOpenSession;
                try
                {
                    return Decide(uid, offset, length, 0, 0);
                }
                finally
                {
                    phase = PhaseSale;
                }
            }
        }

        /// <summary>
        /// VEND REQUEST from the machine (price and item are the machine's): checked like a sale (caps included), and
        /// when approved journaled as <see cref="ReasonCode.VendPending"/> — a record without the approved flag, so it
        /// never carries money — and kept as the pending vend. Only <see cref="CompleteVend"/> (VEND SUCCESS) charges;
        /// <see cref="VoidVend"/> closes it without a charge. Approved needs two free journal slots (pending + charge).
        /// A vend still pending is voided (cancelled) first.
        /// </summary>
        public Decision AuthorizeVend(byte[] uid, int offset, int length, int priceCents, int itemCode)
        {
            lock (sync)
            {
                if (vendPending)
                {
                    VoidVend(ReasonCode.VendCancelled);
                }

                phase = PhaseAuthorizeVend;
                try
                {
                    return Decide(uid, offset, length, priceCents, itemCode);
                }
                finally
                {
                    phase = PhaseSale;
                }
            }
        }

        /// <summary>True while an authorised vend waits for VEND SUCCESS or its end.</summary>
        public bool VendPending
        {
            get { lock (sync) { return vendPending; } }
        }

        /// <summary>Amount of the pending vend (cents), 0 when none.</summary>
        public int PendingVendCents
        {
            get { lock (sync) { return vendPending ? pendingAmount : 0; } }
        }

        /// <summary>
        /// VEND SUCCESS: the pending vend becomes a charge — an approved journal record with the authorised amount and
        /// the item the machine reports, its counter entry written behind it (same commit point and crash safety as any
        /// approval: counted in RAM at once, so the caps of the next vend include it; replayed at boot if a cut came
        /// before its entry; charged once, since the pending vend is cleared before and lives in RAM only).
        /// Without a pending vend nothing is charged (InvalidSale, not journaled). A storage failure here leaves the
        /// item dispensed and uncharged (StorageError/JournalFull; the pending record tells the platform).
        /// </summary>
        public Decision CompleteVend(int itemCode)
        {
            lock (sync)
            {
                Decision d = BeginDecision();
                d.ItemCode = itemCode;
                if (!vendPending)
                {
                    return DenyUnjournaled(ReasonCode.InvalidSale);
                }

                vendPending = false;
                FillFromPending(d);
                d.ItemCode = itemCode;
                d.PeriodKey = ledger.PeriodKey != PeriodLedger.NoPeriod ? ledger.PeriodKey : pendingPeriodKey;
                if (!started || !EnterPeriod(d.PeriodKey))
                {
                    return DenyUnjournaled(ReasonCode.StorageError);
                }

                return Approve(d, pendingAmount, clock.MonotonicMilliseconds);
            }
        }

        /// <summary>
        /// The pending vend ends without a charge: VEND FAILURE (<see cref="ReasonCode.VendFailed"/>), or cancelled by
        /// the machine, the student, a timeout or a reset (<see cref="ReasonCode.VendCancelled"/>). Journaled (not
        /// approved, the authorised amount) when the journal takes it. Nothing happens without a pending vend.
        /// </summary>
        public Decision VoidVend(ReasonCode reason)
        {
            lock (sync)
            {
                Decision d = BeginDecision();
                if (!vendPending)
                {
                    return DenyUnjournaled(reason);
                }

                vendPending = false;
                FillFromPending(d);
                d.PeriodKey = pendingPeriodKey;
                d.RequestedCents = pendingAmount;
                return Deny(reason);
            }
        }

        private void FillFromPending(Decision d)
        {
            Array.Copy(pendingUid, d.Uid, JournalRecord.MaxUidLength);
            d.UidLength = pendingUidLength;
            d.CardListed = pendingListed;
            d.Card.State = pendingCard.State;
            d.Card.HolderKey = pendingCard.HolderKey;
            d.Card.Category = pendingCard.Category;
            d.Proof = pendingProof;
            d.ListVersion = pendingListVersion;
            d.ItemCode = pendingItem;
            d.RequestedCents = pendingAmount;
        }
    }
}
