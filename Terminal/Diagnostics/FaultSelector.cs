using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Diagnostics
{
    /// <summary>Which fault classes a self-test report shows, and which one the LEDs play.</summary>
    public static class FaultSelector
    {
        /// <summary>Highest fault class value (the size of an array that can hold every fault).</summary>
        public const int MaxFaults = 13;

        /// <summary>True when <paramref name="report"/> shows <paramref name="fault"/>.</summary>
        public static bool Has(SelfTestReport report, FaultClass fault)
        {
            switch (fault)
            {
                case FaultClass.StorageFault: return report.Storage == CheckResult.Fail;
                case FaultClass.ConfigInvalid: return report.ConfigStatus == ConfigurationStatus.Invalid;
                case FaultClass.ConfigMissing: return report.ConfigStatus == ConfigurationStatus.Missing;
                case FaultClass.ReaderMissing: return report.Reader == CheckResult.Fail;
                case FaultClass.ReaderSelfTestFailed: return report.Reader != CheckResult.Fail && report.ReaderSelfTest == CheckResult.Fail;
                case FaultClass.AntennaFault: return report.Reader != CheckResult.Fail && report.Antenna == CheckResult.Fail;
                case FaultClass.NoList: return !report.ListPresent;
                case FaultClass.WifiDown: return report.Wifi == CheckResult.Fail;
                case FaultClass.GatewayUnreachable: return report.Wifi != CheckResult.Fail && report.Gateway == CheckResult.Fail;
                case FaultClass.ClockUnsynced: return !report.ClockSynced;
                case FaultClass.ListStale: return report.ListIsStale;
                case FaultClass.JournalNearlyFull: return report.JournalNearlyFull;
                case FaultClass.ClockSuspect: return report.ClockSuspect;
                default: return false;
            }
        }

        /// <summary>The fault the LEDs show: the present one with the highest priority, or None.</summary>
        public static FaultClass Worst(SelfTestReport report)
        {
            for (int f = 1; f <= MaxFaults; f++)
            {
                if (Has(report, (FaultClass)f))
                {
                    return (FaultClass)f;
                }
            }

            return FaultClass.None;
        }

        /// <summary>Writes every present fault into <paramref name="into"/> in priority order; returns how many.</summary>
        public static int Collect(SelfTestReport report, FaultClass[] into)
        {
            int count = 0;
            for (int f = 1; f <= MaxFaults && count < into.Length; f++)
            {
                if (Has(report, (FaultClass)f))
                {
                    into[count++] = (FaultClass)f;
                }
            }

            return count;
        }
    }
}
