using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Turns the configuration file's fields (Terminal/Config, owned by the provisioning side) into the settings of
    /// the decision engine and the sync client (Terminal/Decisions and Terminal/Sync keep their own small types so
    /// they do not depend on the file format).
    /// </summary>
    public static class ConfigurationMapping
    {
        public static LeoCarte.Terminal.Decisions.TerminalMode ModeOf(TerminalConfiguration configuration)
        {
            return configuration.Mode == LeoCarte.Terminal.Config.TerminalMode.Vending
                ? LeoCarte.Terminal.Decisions.TerminalMode.Vending
                : LeoCarte.Terminal.Decisions.TerminalMode.Restaurant;
        }

        public static DecisionSettings ToDecisionSettings(TerminalConfiguration configuration, ApplicationOptions options)
        {
            DecisionSettings settings = new DecisionSettings();
            settings.Mode = ModeOf(configuration);
            settings.RepeatTapSeconds = configuration.DoubleTapSeconds;
            settings.LocalTime.UtcOffsetMinutes = configuration.TimeZone.StandardOffsetMinutes;
            settings.LocalTime.EuropeanSummerTime = configuration.TimeZone.Kind == TimeZoneKind.EuropeanSummerTime;

            // limits.list_max_age_hours: how long the terminal trusts a list the platform has not confirmed.
            settings.Staleness.MaxMinutesWithoutConfirmation = configuration.ListMaxAgeHours * 60;

            settings.Vending.CardDailyCapCents = configuration.CardDailyOfflineCapCents;
            settings.Vending.TerminalDailyCapCents = configuration.TerminalDailyOfflineCapCents;

            LeoCarte.Terminal.Config.ServiceWindow[] windows = configuration.ServiceWindows;
            int count = windows.Length < DecisionSettings.MaxServiceWindows ? windows.Length : DecisionSettings.MaxServiceWindows;
            if (count > 0 && settings.Mode == LeoCarte.Terminal.Decisions.TerminalMode.Restaurant)
            {
                LeoCarte.Terminal.Decisions.ServiceWindow[] mapped = new LeoCarte.Terminal.Decisions.ServiceWindow[count];
                for (int i = 0; i < count; i++)
                {
                    LeoCarte.Terminal.Decisions.ServiceWindow w = new LeoCarte.Terminal.Decisions.ServiceWindow();
                    w.Name = windows[i].Name;
                    w.StartMinute = windows[i].StartMinute;
                    w.EndMinute = windows[i].EndMinute;
                    w.MealPriceCents = options.MealPriceCents;
                    mapped[i] = w;
                }

                settings.Restaurant.Windows = mapped;
            }

            return settings;
        }

        public static SyncOptions ToSyncOptions(TerminalConfiguration configuration, ApplicationOptions options)
        {
            SyncOptions sync = options.Sync != null ? options.Sync : new SyncOptions();
            if (configuration.SyncIntervalSeconds > 0)
            {
                sync.IntervalSeconds = configuration.SyncIntervalSeconds;
            }

            return sync;
        }
    }
}
