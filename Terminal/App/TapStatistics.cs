namespace LeoCarte.Terminal.App
{
    /// <summary>Counters of the tap loop since boot (for the debug output, the heartbeat's reader health and the virtual terminal's summary). Plain fields: no allocation.</summary>
    public sealed class TapStatistics
    {
        /// <summary>Reasons counted per code (ReasonCode values are below this).</summary>
        public const int ReasonSlots = 32;

        public long Polls;
        public int Taps;
        public int Approved;
        public int ApprovedOffline;
        public int Denied;
        public readonly int[] ByReason = new int[ReasonSlots];

        /// <summary>Polls that found the last card still resting on the reader (never decided twice).</summary>
        public long RestingPolls;
        public int Removals;

        public int ReaderErrors;
        public int ReaderErrorsJournaled;
        public int RefusedNotConfigured;
        public int RefusedVendBusy;

        /// <summary>Taps refused because several cards answered at once (nothing decided, nothing charged).</summary>
        public int RefusedSeveralCards;

        /// <summary>Decisions denied as "card not genuine" (reasons NotGenuine, AuthenticationFailed, HolderMismatch: journaled).</summary>
        public int RefusedNotGenuine;

        /// <summary>Approvals of cards that proved their DESFire AES key (policy desfire-aes).</summary>
        public int ApprovedAuthenticated;

        /// <summary>Approvals by UID alone of cards without the site application (migration mode: journaled with their flag).</summary>
        public int ApprovedUidOnly;

        /// <summary>Approvals under policy uid whose Read_Sig answer matched the list entry's originality digest.</summary>
        public int ApprovedOriginal;

        /// <summary>Refusals "card not genuine" because the Read_Sig answer did not match the entry's digest (also in <see cref="RefusedNotGenuine"/>).</summary>
        public int RefusedNotOriginal;
        public int VendRequests;

        /// <summary>Loop iterations that threw (caught so the loop survives; should stay 0).</summary>
        public int LoopExceptions;

        /// <summary>Decisions that could not be journaled (journal full or storage error: nothing was charged).</summary>
        public int Unjournaled;
    }
}
