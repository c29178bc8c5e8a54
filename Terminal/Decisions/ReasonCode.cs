namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Why a tap was approved or denied. Journaled as one byte and uploaded to the platform: never renumber,
    /// only append. <see cref="ReasonText"/> holds the French and English display messages.
    /// </summary>
    public enum ReasonCode : byte
    {
        Approved = 0,

        /// <summary>The UID is not in the allowlist (never enabled, or not a LéoCarte).</summary>
        UnknownCard = 1,

        /// <summary>Listed but not activated yet on the platform.</summary>
        NotYetActivated = 2,

        /// <summary>Deactivated by the card office: declared lost.</summary>
        Lost = 3,

        /// <summary>Deactivated by the card office: declared stolen.</summary>
        Stolen = 4,

        /// <summary>An old card replaced by a renewed one.</summary>
        Renewed = 5,

        Expired = 6,

        /// <summary>Blocked for another reason (destroyed, disabled without a known reason).</summary>
        Blocked = 7,

        /// <summary>The staleness policy no longer trusts the list: the terminal could not refresh it for too long.</summary>
        ListTooOld = 8,

        /// <summary>The terminal holds no allowlist yet (first sync not done).</summary>
        NoList = 9,

        /// <summary>Vending: the card holder's daily offline spending cap would be exceeded.</summary>
        CardCapReached = 10,

        /// <summary>Vending: the terminal's daily offline spending cap would be exceeded.</summary>
        TerminalCapReached = 11,

        /// <summary>Restaurant: this holder already had the subsidised meal in this service window.</summary>
        MealAlreadyServed = 12,

        /// <summary>Same card approved again within the repeat-tap interval: not charged twice.</summary>
        RepeatTap = 13,

        /// <summary>Every journal slot holds a record the platform has not acknowledged: nothing more can be recorded.</summary>
        JournalFull = 14,

        /// <summary>The card could not be read reliably (collision, CRC, timeout).</summary>
        ReaderError = 15,

        /// <summary>Restaurant: the tap is outside every configured service window.</summary>
        OutsideServiceHours = 16,

        /// <summary>The policy requires a synced clock and the clock is not synced.</summary>
        ClockNotSet = 17,

        /// <summary>Vending: the sale request is malformed (price not positive or above the configured maximum).</summary>
        InvalidSale = 18,

        /// <summary>Flash storage failed while recording the decision; nothing was charged.</summary>
        StorageError = 19,

        /// <summary>
        /// Vending (MDB): the machine's VEND REQUEST was authorised and the machine is dispensing. Not an approval and
        /// no money: the charge is a separate Approved record written only after VEND SUCCESS.
        /// </summary>
        VendPending = 20,

        /// <summary>Vending (MDB): the machine reported VEND FAILURE for the authorised vend; nothing was charged.</summary>
        VendFailed = 21,

        /// <summary>Vending (MDB): the authorised vend was cancelled (machine, student, timeout, reset); nothing was charged.</summary>
        VendCancelled = 22,

        /// <summary>
        /// Deactivated by the card office because the card is out of order (ESUP-SGC motif OUT_OF_ORDER): a
        /// BlockedOther entry whose category is <see cref="LeoCarte.Terminal.Cards.BlockReason.OutOfOrder"/>.
        /// </summary>
        OutOfOrder = 23,

        /// <summary>
        /// Card not genuine: it does not answer as the card family its list entry records (ATQA/SAK, or the ATS): a
        /// "magic" Classic or an Ultralight carrying a LéoCarte's 7-byte UID. Every site policy.
        /// </summary>
        NotGenuine = 24,

        /// <summary>
        /// Card not genuine (policy desfire-aes): the site application is there but the card did not prove the key
        /// diversified from its UID (AuthenticateEV2First refused or its proof wrong, a MAC that does not verify, an
        /// answer out of protocol): a DESFire or an emulator carrying a copied UID.
        /// </summary>
        AuthenticationFailed = 25,

        /// <summary>Card not genuine (policy desfire-aes): the authenticated holder file names another holder or site than the list.</summary>
        HolderMismatch = 26,

        /// <summary>
        /// Policy desfire-aes without migration: a card of the right family without the site application (never
        /// personalised). In migration mode such a card is approved by its UID instead, journaled with
        /// <c>JournalRecord.FlagUidOnly</c>.
        /// </summary>
        NotPersonalised = 27,
    }
}
