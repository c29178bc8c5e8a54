namespace LeoCarte.Terminal.Decisions
{
    /// <summary>
    /// Periods never move backwards (issue 13, item 3): a clock set back — by a spoofed SNTP answer, a wrong RTC
    /// after a reboot, or a correction the clock let through — must not leave the period whose counters are in
    /// flash for an earlier one, which would empty them (PeriodLedger.BeginPeriod truncates). The engine stays in
    /// the persisted period instead: the stricter counters. The clock (Sync/SyncedClock) refuses such steps in the
    /// first place; this is the second line, and it also covers the minutes between the last persisted trusted
    /// time and a reboot.
    /// </summary>
    public sealed partial class DecisionEngine
    {
        /// <summary>
        /// True when <paramref name="periodKey"/> (from the synced clock) is earlier than the ledger's persisted
        /// period: an earlier local day, or (restaurant) the same day and a window that starts earlier. Windows are
        /// compared by start time, not index (the configuration does not order them).
        /// </summary>
        private bool IsBeforeCurrentPeriod(int periodKey)
        {
            int current = ledger.PeriodKey;
            if (current <= 0 || periodKey <= 0 || periodKey == current)
            {
                return false;
            }

            if (settings.Mode == TerminalMode.Vending)
            {
                return periodKey < current;
            }

            int day = periodKey / DecisionSettings.MaxServiceWindows;
            int currentDay = current / DecisionSettings.MaxServiceWindows;
            if (day != currentDay)
            {
                return day < currentDay;
            }

            ServiceWindow[] windows = settings.Restaurant.Windows;
            int window = periodKey % DecisionSettings.MaxServiceWindows;
            int currentWindow = current % DecisionSettings.MaxServiceWindows;
            if (window >= windows.Length || currentWindow >= windows.Length)
            {
                return false;
            }

            return windows[window].StartMinute < windows[currentWindow].StartMinute;
        }
    }
}
