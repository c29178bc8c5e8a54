namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// What the terminal sits on: a restaurant till (meals, service windows) or a vending machine (pulse output).
    /// The configuration file's value; Terminal/Decisions has its own journaled TerminalMode byte so that the decision
    /// layer does not depend on the file format (README's dependency table: Config and Decisions do not see each
    /// other); App/ConfigurationMapping.ModeOf is the one mapping between them.
    /// </summary>
    public enum TerminalMode
    {
        Restaurant = 0,
        Vending = 1,
    }

    /// <summary>How local time is derived from UTC.</summary>
    public enum TimeZoneKind
    {
        /// <summary>A fixed offset all year (e.g. UTC, or UTC+01:00).</summary>
        FixedOffset = 0,

        /// <summary>Standard offset plus one hour of EU summer time (Directive 2000/84/EC).</summary>
        EuropeanSummerTime = 1,
    }

    /// <summary>
    /// One service period in local time, e.g. lunch 11:30–14:00. Minutes since local midnight; the end is
    /// exclusive and may be 1440 (24:00).
    /// </summary>
    public sealed class ServiceWindow
    {
        public string Name;
        public int StartMinute;
        public int EndMinute;

        public ServiceWindow(string name, int startMinute, int endMinute)
        {
            Name = name;
            StartMinute = startMinute;
            EndMinute = endMinute;
        }

        /// <summary>True when <paramref name="minuteOfDay"/> (0..1439, local) falls inside the window.</summary>
        public bool Contains(int minuteOfDay) => minuteOfDay >= StartMinute && minuteOfDay < EndMinute;

        /// <summary>"lunch 11:30-14:00".</summary>
        public override string ToString() => Name + " " + FormatMinute(StartMinute) + "-" + FormatMinute(EndMinute);

        /// <summary>"HH:MM" for minutes since midnight (1440 prints as 24:00).</summary>
        public static string FormatMinute(int minute)
        {
            return (minute / 60).ToString().PadLeft(2, '0') + ":" + (minute % 60).ToString().PadLeft(2, '0');
        }
    }
}
