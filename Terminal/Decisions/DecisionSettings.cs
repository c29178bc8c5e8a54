namespace LeoCarte.Terminal.Decisions
{
    /// <summary>What the terminal sells. Journaled as one byte: never renumber.</summary>
    public enum TerminalMode : byte
    {
        /// <summary>University restaurant till: one subsidised meal per holder per service window.</summary>
        Restaurant = 0,

        /// <summary>Vending machine: sale requests (price, item) under daily offline spending caps.</summary>
        Vending = 1,
    }

    /// <summary>A restaurant service (lunch, dinner, …) in local time, start inclusive, end exclusive.</summary>
    public sealed class ServiceWindow
    {
        public string Name;

        /// <summary>Minutes after local midnight, 0..1439.</summary>
        public int StartMinute;

        /// <summary>Minutes after local midnight, StartMinute+1..1440 (windows do not cross midnight).</summary>
        public int EndMinute;

        /// <summary>Price of the subsidised meal in euro cents, journaled as the amount (e.g. 100 for the 1 € meal).</summary>
        public int MealPriceCents;

        public ServiceWindow()
        {
        }

        public ServiceWindow(string name, int startHour, int startMinute, int endHour, int endMinute, int mealPriceCents)
        {
            Name = name;
            StartMinute = startHour * 60 + startMinute;
            EndMinute = endHour * 60 + endMinute;
            MealPriceCents = mealPriceCents;
        }
    }

    /// <summary>Local time as the service windows and daily caps see it.</summary>
    public sealed class LocalTimeSettings
    {
        /// <summary>Standard-time offset from UTC in minutes (Paris: +60).</summary>
        public int UtcOffsetMinutes = 60;

        /// <summary>Adds one hour between 01:00 UTC on the last Sunday of March and of October (EU rule, Directive 2000/84/EC).</summary>
        public bool EuropeanSummerTime = true;
    }

    /// <summary>
    /// How long the terminal trusts a list it could not refresh. A list is "confirmed" when the platform issued it or
    /// when the sync client last reached the gateway and was told it is current (<see cref="DecisionEngine.NoteListConfirmed"/>).
    /// </summary>
    public sealed class StalenessPolicy
    {
        /// <summary>Deny with ListTooOld when the last confirmation is older than this many minutes; 0 disables. Default 24 h.</summary>
        public int MaxMinutesWithoutConfirmation = 24 * 60;

        /// <summary>Deny with ListTooOld when the list in force was issued more than this many hours ago, whatever the confirmations; 0 disables.</summary>
        public int MaxHoursSinceIssued = 0;

        /// <summary>
        /// With the clock not synced and no confirmation since boot, the list's age is unknown. True (default): trust
        /// it for <see cref="MaxMinutesWithoutConfirmation"/> after boot (a lower bound of its age). False: deny.
        /// </summary>
        public bool TrustUnknownAgeAfterBoot = true;
    }

    public sealed class RestaurantSettings
    {
        /// <summary>At most <see cref="DecisionSettings.MaxServiceWindows"/> windows, not overlapping.</summary>
        public ServiceWindow[] Windows = new ServiceWindow[]
        {
            new ServiceWindow("Déjeuner", 11, 15, 14, 0, 100),
            new ServiceWindow("Dîner", 18, 30, 20, 30, 100),
        };
    }

    public sealed class VendingSettings
    {
        /// <summary>Most one card holder may spend per local day without the platform (cents); 0 disables.</summary>
        public int CardDailyCapCents = 1500;

        /// <summary>Most the terminal may sell per local day without the platform (cents); 0 disables.</summary>
        public int TerminalDailyCapCents = 30000;

        /// <summary>Largest single sale accepted (cents); guards against a garbled request from the machine.</summary>
        public int MaxPriceCents = 1000;

        /// <summary>
        /// False (default): caps always apply (the terminal never authorises online, so every sale is offline until
        /// uploaded). True: caps apply only while the list has not been confirmed for <see cref="OnlineWithinSeconds"/>.
        /// </summary>
        public bool CapsOnlyWhenOffline = false;

        public int OnlineWithinSeconds = 180;
    }

    /// <summary>
    /// Plain settings for the decision engine, filled by the configuration loader (another component owns the file
    /// format); defaults are safe. Call <see cref="Validate"/> before use.
    /// </summary>
    public sealed class DecisionSettings
    {
        /// <summary>Service windows are counted in the period key with 3 bits.</summary>
        public const int MaxServiceWindows = 8;

        public TerminalMode Mode = TerminalMode.Restaurant;

        /// <summary>A card approved again within this many seconds (monotonic clock) is answered RepeatTap and not charged; 0 disables.</summary>
        public int RepeatTapSeconds = 10;

        /// <summary>
        /// With the clock not synced: true (default) decides against the counter period persisted before the reboot
        /// (never resets counters on an untrusted clock); false denies with ClockNotSet.
        /// </summary>
        public bool DecideWithUnsyncedClock = true;

        /// <summary>
        /// Journal slots kept for approvals: when only this many are free, denials are shown but not journaled, so
        /// a flood of denials cannot be what stops sales. 0 journals every denial until the journal is full.
        /// </summary>
        public int JournalSlotsReservedForApprovals = 16;

        /// <summary>Holders tracked in RAM per period (open addressing, 9 bytes each); beyond ¾ of it, lookups fall back to scanning flash.</summary>
        public int CounterTableSlots = 1024;

        /// <summary>Flash file of the per-period counters.</summary>
        public string CounterFileName = "counters";

        /// <summary>Flash file of the last list confirmation time (two CRC'd slots).</summary>
        public string ConfirmationFileName = "list.seen";

        public LocalTimeSettings LocalTime = new LocalTimeSettings();
        public StalenessPolicy Staleness = new StalenessPolicy();
        public RestaurantSettings Restaurant = new RestaurantSettings();
        public VendingSettings Vending = new VendingSettings();

        /// <summary>Null when usable, otherwise a sentence saying what is wrong (shown by the configuration validator).</summary>
        public string Validate()
        {
            if (LocalTime == null || Staleness == null || Restaurant == null || Vending == null)
            {
                return "decision settings: a settings section is missing";
            }

            if (LocalTime.UtcOffsetMinutes < -14 * 60 || LocalTime.UtcOffsetMinutes > 14 * 60)
            {
                return "decision settings: UTC offset must be within ±14 h";
            }

            if (RepeatTapSeconds < 0 || RepeatTapSeconds > 3600)
            {
                return "decision settings: repeat-tap interval must be 0..3600 s";
            }

            if (JournalSlotsReservedForApprovals < 0)
            {
                return "decision settings: journal slots reserved for approvals must not be negative";
            }

            if (CounterTableSlots < 16 || CounterTableSlots > 65536)
            {
                return "decision settings: counter table slots must be 16..65536";
            }

            if (CounterFileName == null || CounterFileName.Length == 0 || ConfirmationFileName == null || ConfirmationFileName.Length == 0 || CounterFileName == ConfirmationFileName)
            {
                return "decision settings: counter and confirmation files need two distinct names";
            }

            if (Staleness.MaxMinutesWithoutConfirmation < 0 || Staleness.MaxHoursSinceIssued < 0)
            {
                return "decision settings: staleness limits must not be negative";
            }

            if (Mode == TerminalMode.Restaurant)
            {
                ServiceWindow[] windows = Restaurant.Windows;
                if (windows == null || windows.Length == 0 || windows.Length > MaxServiceWindows)
                {
                    return "decision settings: restaurant mode needs 1 to 8 service windows";
                }

                for (int i = 0; i < windows.Length; i++)
                {
                    ServiceWindow w = windows[i];
                    if (w == null || w.StartMinute < 0 || w.EndMinute > 1440 || w.StartMinute >= w.EndMinute)
                    {
                        return "decision settings: service window " + (i + 1) + " must start before it ends, within one day";
                    }

                    if (w.MealPriceCents < 0)
                    {
                        return "decision settings: service window " + (i + 1) + " has a negative meal price";
                    }

                    for (int j = 0; j < i; j++)
                    {
                        ServiceWindow other = windows[j];
                        if (other != null && w.StartMinute < other.EndMinute && other.StartMinute < w.EndMinute)
                        {
                            return "decision settings: service windows " + (j + 1) + " and " + (i + 1) + " overlap";
                        }
                    }
                }
            }
            else if (Mode == TerminalMode.Vending)
            {
                if (Vending.CardDailyCapCents < 0 || Vending.TerminalDailyCapCents < 0 || Vending.MaxPriceCents < 1 || Vending.OnlineWithinSeconds < 0)
                {
                    return "decision settings: vending caps must not be negative and the maximum price must be positive";
                }
            }
            else
            {
                return "decision settings: unknown terminal mode";
            }

            return null;
        }
    }
}
