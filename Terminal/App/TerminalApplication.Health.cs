using System;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Health: the self-test report refreshed from the components (tap thread, every few seconds, no allocation),
    /// the reader's health line for the heartbeat (sync thread) and the software watchdog's verdict.
    /// </summary>
    public sealed partial class TerminalApplication
    {
        /// <summary>True when the last sync cycle succeeded within two intervals: the list in force is the platform's current one.</summary>
        public bool IsOnline(long now)
        {
            return core != null && core.IsOnline(now);
        }

        /// <summary>
        /// Fills the self-test report from the components' current state (boot, every few seconds for the LED code,
        /// and on demand). Allocates nothing once booted, except the configuration error text set at boot.
        /// </summary>
        public SelfTestReport RefreshReport()
        {
            report.TerminalId = configuration.TerminalId;
            report.Mode = configuration.Mode;
            report.ConfigStatus = configStatus;
            report.ConfigErrorCount = configErrors.Count + configErrors.Dropped;
            report.FirstConfigError = configErrors.Count > 0 ? FirstError() : null;
            report.Storage = storageOk ? CheckResult.Pass : CheckResult.Fail;
            report.StorageFreeBytes = platform.StorageFreeBytes;
            report.LastResetReason = platform.LastResetReason;
            report.StorageRecoveries = storageRecoveries;
            if (reader != null)
            {
                reader.ReadHealth(reportHealth);
                report.ReaderRecoveries = reportHealth.Recoveries;
            }
            else
            {
                report.ReaderRecoveries = 0;
            }
            report.ListMaxAgeHours = configuration.ListMaxAgeHours;

            if (link == null)
            {
                report.Wifi = CheckResult.NotRun;
            }
            else
            {
                // The supervisor's state, as the sync thread last saw it: asking the interface here would allocate
                // (NetworkInterface.GetAllNetworkInterfaces on the device) in the tap thread.
                report.Wifi = wifi.State == LinkState.Up ? CheckResult.Pass : (wifi.ConnectAttempts > 0 ? CheckResult.Fail : CheckResult.NotRun);
            }

            report.WifiSsid = configuration.WifiSsid;
            if (sync == null)
            {
                report.Gateway = CheckResult.NotRun;
            }
            else if (sync.Statistics.LastSuccessMilliseconds >= 0 && (sync.Statistics.LastError == null || IsOnline(clock.MonotonicMilliseconds)))
            {
                report.Gateway = CheckResult.Pass;
            }
            else
            {
                report.Gateway = sync.Statistics.CyclesFailed > 0 ? CheckResult.Fail : CheckResult.NotRun;
            }

            report.ClockSynced = clock.IsSynced;
            report.UtcNow = clock.UtcNow;
            report.ClockSuspect = clock.IsSuspect;
            report.ClockSuspectReason = clock.SuspectReason;
            report.ClockStepSeconds = clock.LastSkewSeconds;

            if (allowlist != null && allowlist.Version > 0)
            {
                report.ListPresent = true;
                report.ListVersion = allowlist.Version;
                report.ListCardCount = allowlist.Count;
                report.ListAgeMinutes = clock.IsSynced ? (clock.UtcNow.Ticks - allowlist.IssuedUtc.Ticks) / TimeSpan.TicksPerMinute : SelfTestReport.Unknown;
            }
            else
            {
                report.ListPresent = false;
                report.ListVersion = SelfTestReport.Unknown;
                report.ListCardCount = SelfTestReport.Unknown;
                report.ListAgeMinutes = SelfTestReport.Unknown;
            }

            if (journal != null && journal.IsOpen)
            {
                report.JournalPending = journal.Depth;
                report.JournalCapacity = journal.Capacity;
            }

            return report;
        }

        private string firstErrorText;

        private string FirstError()
        {
            if (firstErrorText == null)
            {
                firstErrorText = configErrors[0].ToString();
            }

            return firstErrorText;
        }

        /// <summary>Prints the current self-test report (the technician's "self-test" command).</summary>
        public void PrintReport(LineWriter write)
        {
            RefreshReport();
            SelfTestFormatter.Write(report, write);
        }

        /// <summary>Reader health for the heartbeat (called on the sync thread; may allocate there).</summary>
        public string ReaderHealth()
        {
            if (reader == null)
            {
                return "failed: no reader";
            }

            ReaderDiagnostics health = heartbeatHealth;
            reader.ReadHealth(health);
            if (report.Reader == CheckResult.Fail && health.Recoveries == 0)
            {
                return "failed: no reader";
            }

            string counts = "polls " + health.Polls.ToString() + ", errors " + health.Errors.ToString()
                + ", recoveries " + health.Recoveries.ToString() + " (soft " + health.SoftResets.ToString()
                + ", hard " + health.HardResets.ToString() + "), crypto1 cleared " + health.Crypto1Cleared.ToString()
                + (health.Overheats > 0 ? ", overheated " + health.Overheats.ToString() : "")
                + ", loop stalls " + (watchdog == null ? 0 : watchdog.Stalls).ToString();
            if (consecutiveReaderErrors >= options.ReaderDownAfterErrors)
            {
                return "failed: " + counts;
            }

            return health.Recoveries > 0 || health.Overheats > 0 || (watchdog != null && watchdog.Stalls > 0) ? "degraded: " + counts : "ok: " + counts;
        }

        /// <summary>The watchdog timer's callback (device: every second on a timer thread). Reboots through the platform when the loop is dead.</summary>
        public WatchdogVerdict CheckWatchdog()
        {
            if (watchdog == null)
            {
                return WatchdogVerdict.Alive;
            }

            WatchdogVerdict verdict = watchdog.Check(clock.MonotonicMilliseconds);
            if (verdict == WatchdogVerdict.Expired)
            {
                Say("watchdog: tap loop dead for " + watchdog.RebootMilliseconds.ToString() + " ms, rebooting");
                platform.Reboot("watchdog");
            }

            return verdict;
        }
    }
}
