namespace LeoCarte.Terminal.Diagnostics
{
    /// <summary>The member name of a <see cref="FaultClass"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class FaultClassNames
    {
        public static string Of(FaultClass value)
        {
            switch (value)
            {
                case FaultClass.None: return "None";
                case FaultClass.StorageFault: return "StorageFault";
                case FaultClass.ConfigInvalid: return "ConfigInvalid";
                case FaultClass.ConfigMissing: return "ConfigMissing";
                case FaultClass.ReaderMissing: return "ReaderMissing";
                case FaultClass.ReaderSelfTestFailed: return "ReaderSelfTestFailed";
                case FaultClass.AntennaFault: return "AntennaFault";
                case FaultClass.NoList: return "NoList";
                case FaultClass.WifiDown: return "WifiDown";
                case FaultClass.GatewayUnreachable: return "GatewayUnreachable";
                case FaultClass.ClockUnsynced: return "ClockUnsynced";
                case FaultClass.ListStale: return "ListStale";
                case FaultClass.JournalNearlyFull: return "JournalNearlyFull";
                case FaultClass.ClockSuspect: return "ClockSuspect";
                default: return "FaultClass " + ((int)value).ToString();
            }
        }
    }

    /// <summary>The member name of a <see cref="CheckResult"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class CheckResultNames
    {
        public static string Of(CheckResult value)
        {
            switch (value)
            {
                case CheckResult.NotRun: return "NotRun";
                case CheckResult.Pass: return "Pass";
                case CheckResult.Fail: return "Fail";
                default: return "CheckResult " + ((int)value).ToString();
            }
        }
    }
}
