namespace LeoCarte.Terminal.Decisions
{
    /// <summary>The member name of a <see cref="ReasonCode"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class ReasonCodeNames
    {
        public static string Of(ReasonCode value)
        {
            switch (value)
            {
                case ReasonCode.Approved: return "Approved";
                case ReasonCode.UnknownCard: return "UnknownCard";
                case ReasonCode.NotYetActivated: return "NotYetActivated";
                case ReasonCode.Lost: return "Lost";
                case ReasonCode.Stolen: return "Stolen";
                case ReasonCode.Renewed: return "Renewed";
                case ReasonCode.Expired: return "Expired";
                case ReasonCode.Blocked: return "Blocked";
                case ReasonCode.ListTooOld: return "ListTooOld";
                case ReasonCode.NoList: return "NoList";
                case ReasonCode.CardCapReached: return "CardCapReached";
                case ReasonCode.TerminalCapReached: return "TerminalCapReached";
                case ReasonCode.MealAlreadyServed: return "MealAlreadyServed";
                case ReasonCode.RepeatTap: return "RepeatTap";
                case ReasonCode.JournalFull: return "JournalFull";
                case ReasonCode.ReaderError: return "ReaderError";
                case ReasonCode.OutsideServiceHours: return "OutsideServiceHours";
                case ReasonCode.ClockNotSet: return "ClockNotSet";
                case ReasonCode.InvalidSale: return "InvalidSale";
                case ReasonCode.StorageError: return "StorageError";
                case ReasonCode.VendPending: return "VendPending";
                case ReasonCode.VendFailed: return "VendFailed";
                case ReasonCode.VendCancelled: return "VendCancelled";
                case ReasonCode.OutOfOrder: return "OutOfOrder";
                case ReasonCode.NotGenuine: return "NotGenuine";
                case ReasonCode.AuthenticationFailed: return "AuthenticationFailed";
                case ReasonCode.HolderMismatch: return "HolderMismatch";
                case ReasonCode.NotPersonalised: return "NotPersonalised";
                default: return "ReasonCode " + ((int)value).ToString();
            }
        }
    }
}
