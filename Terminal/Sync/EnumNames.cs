namespace LeoCarte.Terminal.Sync
{
    /// <summary>The member name of a <see cref="SyncStepResult"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class SyncStepResultNames
    {
        public static string Of(SyncStepResult value)
        {
            switch (value)
            {
                case SyncStepResult.Idle: return "Idle";
                case SyncStepResult.Working: return "Working";
                case SyncStepResult.CycleCompleted: return "CycleCompleted";
                case SyncStepResult.CycleFailed: return "CycleFailed";
                case SyncStepResult.NoNetwork: return "NoNetwork";
                default: return "SyncStepResult " + ((int)value).ToString();
            }
        }
    }

    /// <summary>The member name of a <see cref="TransportResult"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class TransportResultNames
    {
        public static string Of(TransportResult value)
        {
            switch (value)
            {
                case TransportResult.Ok: return "Ok";
                case TransportResult.NoNetwork: return "NoNetwork";
                case TransportResult.ConnectFailed: return "ConnectFailed";
                case TransportResult.TlsFailed: return "TlsFailed";
                case TransportResult.Timeout: return "Timeout";
                case TransportResult.Failed: return "Failed";
                default: return "TransportResult " + ((int)value).ToString();
            }
        }
    }

    /// <summary>The member name of a <see cref="LinkState"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class LinkStateNames
    {
        public static string Of(LinkState value)
        {
            switch (value)
            {
                case LinkState.Down: return "Down";
                case LinkState.Connecting: return "Connecting";
                case LinkState.Up: return "Up";
                case LinkState.WaitingToRetry: return "WaitingToRetry";
                default: return "LinkState " + ((int)value).ToString();
            }
        }
    }

    /// <summary>The member name of a <see cref="ClockSource"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class ClockSourceNames
    {
        public static string Of(ClockSource value)
        {
            switch (value)
            {
                case ClockSource.None: return "None";
                case ClockSource.Sntp: return "Sntp";
                case ClockSource.Gateway: return "Gateway";
                default: return "ClockSource " + ((int)value).ToString();
            }
        }
    }
}
