namespace LeoCarte.Terminal.App
{
    /// <summary>The member name of a <see cref="WatchdogVerdict"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class WatchdogVerdictNames
    {
        public static string Of(WatchdogVerdict value)
        {
            switch (value)
            {
                case WatchdogVerdict.Alive: return "Alive";
                case WatchdogVerdict.Stalled: return "Stalled";
                case WatchdogVerdict.Expired: return "Expired";
                default: return "WatchdogVerdict " + ((int)value).ToString();
            }
        }
    }

    /// <summary>The member name of a <see cref="TapKind"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class TapKindNames
    {
        public static string Of(TapKind value)
        {
            switch (value)
            {
                case TapKind.None: return "None";
                case TapKind.Decided: return "Decided";
                case TapKind.Resting: return "Resting";
                case TapKind.Removed: return "Removed";
                case TapKind.RefusedNotConfigured: return "RefusedNotConfigured";
                case TapKind.RefusedVendBusy: return "RefusedVendBusy";
                case TapKind.ReaderError: return "ReaderError";
                case TapKind.RefusedSeveralCards: return "RefusedSeveralCards";
                default: return "TapKind " + ((int)value).ToString();
            }
        }
    }
}
