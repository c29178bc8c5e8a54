using System;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// The outcome of one tap, filled in place by <see cref="DecisionEngine"/>: one instance is reused for every
    /// decision (no allocation per tap). Read it before the next decision; copy what must be kept.
    /// </summary>
    public sealed class Decision
    {
        public bool Approved;
        public ReasonCode Reason;

        /// <summary>Display message in French (a constant string, see <see cref="ReasonText"/>).</summary>
        public string MessageFrench;

        /// <summary>Display message in English (a constant string).</summary>
        public string MessageEnglish;

        public TerminalMode Mode;

        /// <summary>UID as read, received order; bytes past <see cref="UidLength"/> are zero.</summary>
        public readonly byte[] Uid = new byte[10];

        public int UidLength;

        /// <summary>True when the card was found in the list; then <see cref="Card"/> holds its entry.</summary>
        public bool CardListed;

        public readonly CardRecord Card = new CardRecord();

        public long ListVersion;

        /// <summary>What the card proved (site policy, <see cref="ICardProof"/>); TypeMatches when nothing was asked.</summary>
        public CardProofResult Proof;

        /// <summary>Charged amount in cents when approved (meal price or sale price), else 0.</summary>
        public int AmountCents;

        /// <summary>The requested amount (sale price or meal price), kept on a denial for the journal and display.</summary>
        public int RequestedCents;

        /// <summary>Vending item code, or service-window index + 1 in restaurant mode (0 outside windows).</summary>
        public int ItemCode;

        /// <summary>Service window name in restaurant mode (from the settings), else null.</summary>
        public string ServiceName;

        /// <summary>Counter period (service window or day) the tap was counted against; 0 when none.</summary>
        public int PeriodKey;

        public DateTime TimeUtc;
        public bool ClockSynced;

        /// <summary>True when the decision is in the journal (always, for an approval).</summary>
        public bool Journaled;

        /// <summary>Journal sequence of the decision's record when <see cref="Journaled"/>.</summary>
        public long JournalSequence;

        internal void Reset()
        {
            Approved = false;
            Reason = ReasonCode.ReaderError;
            MessageFrench = null;
            MessageEnglish = null;
            UidLength = 0;
            Array.Clear(Uid, 0, Uid.Length);
            CardListed = false;
            Card.State = CardState.Active;
            Card.HolderKey = 0;
            Card.Category = 0;
            Card.Family = CardFamily.Unchecked;
            ListVersion = 0;
            Proof = CardProofResult.TypeMatches;
            AmountCents = 0;
            RequestedCents = 0;
            ItemCode = 0;
            ServiceName = null;
            PeriodKey = 0;
            TimeUtc = DateTime.MinValue;
            ClockSynced = false;
            Journaled = false;
            JournalSequence = 0;
        }
    }
}
