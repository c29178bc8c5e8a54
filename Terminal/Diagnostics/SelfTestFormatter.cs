using System;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Diagnostics
{
    /// <summary>
    /// Prints a <see cref="SelfTestReport"/> as aligned lines for the serial/debug output (the device at boot, the
    /// virtual terminal on demand): one line per component, then every fault with what to do, then the LED code
    /// the terminal is blinking. The same lines everywhere, so a technician's phone photo of either is comparable.
    /// </summary>
    public static class SelfTestFormatter
    {
        public const string Header = "==== LeoCarte self-test ====";
        public const string Footer = "==== end of self-test ====";

        /// <summary>"synced, 2026-11-26 14:20:05 UTC", "NOT SYNCED", plus ", SUSPECT: sntp step refused (+86400 s)".</summary>
        private static string ClockText(SelfTestReport report)
        {
            string text = report.ClockSynced ? "synced, " + FormatUtc(report.UtcNow) : "NOT SYNCED";
            if (report.ClockSuspect)
            {
                text += ", SUSPECT: " + (report.ClockSuspectReason == null ? "step refused" : report.ClockSuspectReason)
                    + " (" + (report.ClockStepSeconds > 0 ? "+" : "") + report.ClockStepSeconds.ToString() + " s)";
            }

            return text;
        }

        public static void Write(SelfTestReport report, LineWriter write)
        {
            write(Header);
            write(Row("firmware", FirmwareInfo.Product + " " + report.FirmwareVersion));
            write(Row("terminal", report.TerminalId + " (" + (report.Mode == TerminalMode.Vending ? "vending" : "restaurant") + ")"));
            write(Row("config", ConfigText(report)));
            write(Row("reader", ReaderText(report)));
            write(Row("antenna", Check(report.Antenna) + (report.ReaderOverheated ? ", chip overheated (drivers switched off)" : "")));
            write(Row("storage", Check(report.Storage) + (report.StorageFreeBytes >= 0 ? ", " + (report.StorageFreeBytes / 1024).ToString() + " KB free" : "")));
            write(Row("wifi", WifiText(report)));
            write(Row("gateway", Check(report.Gateway)));
            write(Row("clock", ClockText(report)));
            write(Row("list", ListText(report)));
            write(Row("journal", JournalText(report)));
            write(Row("recoveries", "storage " + report.StorageRecoveries.ToString() + ", reader " + report.ReaderRecoveries.ToString()
                + (report.LastResetReason != null ? "; last reset: " + report.LastResetReason : "")));

            var faults = new FaultClass[FaultSelector.MaxFaults];
            int count = FaultSelector.Collect(report, faults);
            if (count == 0)
            {
                write(Row("faults", "none"));
            }

            for (int i = 0; i < count; i++)
            {
                LedCode code = LedCodeTable.For(faults[i]);
                write(Row(i == 0 ? "faults" : "", (code.Fatal ? "FATAL " : "degraded ") + code.Name + " -> " + code.Action));
            }

            LedCode shown = LedCodeTable.For(count == 0 ? FaultClass.None : faults[0]);
            write(Row("led", shown.Describe() + (count == 0 ? "" : " = " + shown.Name)));
            write(Row("result", count == 0 ? "OK" : (shown.Fatal ? "FAULT: every tap is denied" : "DEGRADED: deciding offline within caps")));
            write(Footer);
        }

        /// <summary>"2026-11-26 14:20:05 UTC", built by hand: DateTime format strings vary on nanoFramework.</summary>
        public static string FormatUtc(DateTime utc)
        {
            return utc.Year.ToString() + "-" + Two(utc.Month) + "-" + Two(utc.Day) + " "
                + Two(utc.Hour) + ":" + Two(utc.Minute) + ":" + Two(utc.Second) + " UTC";
        }

        private static string Row(string label, string value) => label.PadRight(11, ' ') + " " + value;

        private static string Two(int value) => value.ToString().PadLeft(2, '0');

        private static string Check(CheckResult result)
        {
            switch (result)
            {
                case CheckResult.Pass: return "OK";
                case CheckResult.Fail: return "FAIL";
                default: return "not run";
            }
        }

        private static string ConfigText(SelfTestReport report)
        {
            switch (report.ConfigStatus)
            {
                case ConfigurationStatus.Valid:
                    return "OK";
                case ConfigurationStatus.Missing:
                    return "MISSING (no " + TerminalConfiguration.FileName + " in flash)";
                default:
                    return "INVALID, " + report.ConfigErrorCount.ToString() + " error(s)"
                        + (report.FirstConfigError != null ? "; first: " + report.FirstConfigError : "");
            }
        }

        private static string ReaderText(SelfTestReport report)
        {
            if (report.Reader == CheckResult.NotRun)
            {
                return "not run";
            }

            string text = report.ReaderName == null ? "no answer" : report.ReaderName;
            if (report.ReaderVersion >= 0)
            {
                text += " (0x" + report.ReaderVersion.ToString("X2") + ")";
            }

            return (report.Reader == CheckResult.Fail ? "FAIL, " : "") + text + ", self-test " + Check(report.ReaderSelfTest);
        }

        private static string WifiText(SelfTestReport report)
        {
            string text = Check(report.Wifi);
            if (report.WifiSsid != null && report.WifiSsid.Length > 0)
            {
                text += " \"" + report.WifiSsid + "\"";
            }

            if (report.IpAddress != null)
            {
                text += " " + report.IpAddress;
            }

            if (report.WifiRssiDbm != 0)
            {
                text += " " + report.WifiRssiDbm.ToString() + " dBm";
            }

            return text;
        }

        private static string ListText(SelfTestReport report)
        {
            if (!report.ListPresent)
            {
                return "NONE (never synced)";
            }

            string text = "version " + report.ListVersion.ToString();
            if (report.ListCardCount >= 0)
            {
                text += ", " + report.ListCardCount.ToString() + " cards";
            }

            if (report.ListAgeMinutes == SelfTestReport.Unknown)
            {
                return text + ", age unknown (clock not synced)";
            }

            text += ", age " + (report.ListAgeMinutes / 60).ToString() + " h " + (report.ListAgeMinutes % 60).ToString() + " min"
                + " (max " + report.ListMaxAgeHours.ToString() + " h)";
            return report.ListIsStale ? text + " STALE" : text;
        }

        private static string JournalText(SelfTestReport report)
        {
            string text = report.JournalPending.ToString() + " pending upload";
            if (report.JournalCapacity > 0)
            {
                long percent = (long)report.JournalPending * 100 / report.JournalCapacity;
                text += " of " + report.JournalCapacity.ToString() + " (" + percent.ToString() + " %)";
            }

            return report.JournalNearlyFull ? text + " NEARLY FULL" : text;
        }
    }
}
