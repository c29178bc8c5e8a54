namespace LeoCarte.Terminal.Diagnostics
{
    /// <summary>
    /// Fault classes a technician can read from the LEDs, in priority order: the lowest value is the one shown
    /// when several are present. Storage comes first because without it the configuration cannot even be read;
    /// Wi-Fi comes before gateway, clock and list age because it is usually their cause.
    /// </summary>
    public enum FaultClass
    {
        None = 0,

        // Fatal: the terminal denies every tap.
        StorageFault = 1,
        ConfigInvalid = 2,
        ConfigMissing = 3,
        ReaderMissing = 4,
        ReaderSelfTestFailed = 5,
        AntennaFault = 6,
        NoList = 7,

        // Degraded: the terminal decides offline within its caps.
        WifiDown = 8,
        GatewayUnreachable = 9,
        ClockUnsynced = 10,
        ListStale = 11,
        JournalNearlyFull = 12,

        /// <summary>
        /// The clock refused a step (SNTP or the gateway disagreed beyond the tolerance, or an offered time was
        /// before the last trusted one): it keeps its own count and the counters stay; someone may be moving the
        /// clock. Last in priority only so the existing codes keep their meaning.
        /// </summary>
        ClockSuspect = 13,
    }

    /// <summary>One fault class's LED code and what a technician should do about it.</summary>
    public sealed class LedCode
    {
        public readonly FaultClass Fault;

        /// <summary>True: the terminal denies every tap (red blinks); false: it runs degraded (red and green together).</summary>
        public readonly bool Fatal;

        /// <summary>Blinks per cycle (1..7).</summary>
        public readonly int Blinks;

        /// <summary>Short name printed on the debug output, e.g. "reader missing".</summary>
        public readonly string Name;

        /// <summary>What the technician checks first.</summary>
        public readonly string Action;

        /// <summary>The steps the app plays through GPIO, built once (no allocation while blinking).</summary>
        public readonly LedPattern Pattern;

        /// <summary>
        /// The same pattern in the app's <see cref="App.FeedbackPlayer"/> format — (duration ms, output mask)
        /// pairs ending with 0, 0 — so the idle loop plays a fault code exactly like tap feedback, and replays it
        /// whenever the player falls idle.
        /// </summary>
        public readonly int[] FeedbackSteps;

        public LedCode(FaultClass fault, bool fatal, int blinks, string name, string action)
        {
            Fault = fault;
            Fatal = fatal;
            Blinks = blinks;
            Name = name;
            Action = action;
            Pattern = fault == FaultClass.None ? LedPattern.Heartbeat() : LedPattern.Blinks(blinks, true, !fatal);
            FeedbackSteps = Pattern.ToFeedbackSteps();
        }

        /// <summary>"red x3" or "red+green x2" or "green heartbeat".</summary>
        public string Describe()
        {
            if (Fault == FaultClass.None)
            {
                return "green heartbeat (one short flash every 5 s)";
            }

            return (Fatal ? "red x" : "red+green x") + Blinks.ToString();
        }
    }

    /// <summary>
    /// A repeating LED sequence: step i holds the red and green LEDs at the given state for DurationMs. The app
    /// plays it in the idle loop and interrupts it for tap feedback; a full cycle is a few seconds, so a
    /// technician counts the blinks between two pauses.
    /// </summary>
    public sealed class LedPattern
    {
        /// <summary>On time of one blink: slow enough to count, distinct from the approval flash.</summary>
        public const int BlinkOnMs = 300;
        public const int BlinkOffMs = 300;

        /// <summary>Dark pause that separates two repetitions of the code.</summary>
        public const int PauseMs = 2000;

        public readonly bool[] Red;
        public readonly bool[] Green;
        public readonly int[] DurationMs;

        public LedPattern(bool[] red, bool[] green, int[] durationMs)
        {
            Red = red;
            Green = green;
            DurationMs = durationMs;
        }

        public int Steps => DurationMs.Length;

        /// <summary>Total length of one cycle in milliseconds.</summary>
        public int CycleMs
        {
            get
            {
                int total = 0;
                for (int i = 0; i < DurationMs.Length; i++)
                {
                    total += DurationMs[i];
                }

                return total;
            }
        }

        /// <summary>Number of off-to-on transitions of the red LED in one cycle (tests, and the technician's count).</summary>
        public int CountRedBlinks() => CountRises(Red);

        public int CountGreenBlinks() => CountRises(Green);

        /// <summary>(duration, OutputSignal mask) pairs terminated by 0, 0: the FeedbackPlayer's pattern format.</summary>
        public int[] ToFeedbackSteps()
        {
            var steps = new int[2 * DurationMs.Length + 2];
            for (int i = 0; i < DurationMs.Length; i++)
            {
                steps[2 * i] = DurationMs[i];
                steps[2 * i + 1] = (Red[i] ? OutputSignal.RedMask : 0) | (Green[i] ? OutputSignal.GreenMask : 0);
            }

            return steps; // the last pair stays 0, 0: end of pattern, LEDs off
        }

        /// <summary><paramref name="count"/> blinks of the chosen LEDs, then the pause.</summary>
        public static LedPattern Blinks(int count, bool red, bool green)
        {
            int steps = 2 * count + 1;
            var r = new bool[steps];
            var g = new bool[steps];
            var d = new int[steps];
            for (int i = 0; i < count; i++)
            {
                r[2 * i] = red;
                g[2 * i] = green;
                d[2 * i] = BlinkOnMs;
                d[2 * i + 1] = BlinkOffMs;
            }

            d[steps - 1] = PauseMs;
            return new LedPattern(r, g, d);
        }

        /// <summary>All well: one 60 ms green flash every 5 s, so a technician sees the firmware is alive.</summary>
        public static LedPattern Heartbeat()
        {
            return new LedPattern(new bool[] { false, false }, new bool[] { true, false }, new int[] { 60, 4940 });
        }

        private static int CountRises(bool[] states)
        {
            int rises = 0;
            bool previous = false; // every cycle starts after the dark pause
            for (int i = 0; i < states.Length; i++)
            {
                if (states[i] && !previous)
                {
                    rises++;
                }

                previous = states[i];
            }

            return rises;
        }
    }

    /// <summary>
    /// The LED code table (documented in hardware/diagnostics.md; a host test keeps the two in step). Fatal
    /// faults blink the red LED N times; degraded states blink red and green together N times (seen as amber
    /// through a shared diffuser), so a code is never mistaken for a tap's green "approved" or red "denied".
    /// </summary>
    public static class LedCodeTable
    {
        private static readonly LedCode[] Codes = new LedCode[]
        {
            new LedCode(FaultClass.None, false, 0, "all checks passed", "nothing to do"),
            new LedCode(FaultClass.StorageFault, true, 6, "storage fault", "flash file system unreadable: reflash with mass erase, then reprovision (hardware/flashing.md)"),
            new LedCode(FaultClass.ConfigInvalid, true, 1, "configuration invalid", "read the errors on the serial output, fix terminal.conf with ConfigValidator, deploy it again"),
            new LedCode(FaultClass.ConfigMissing, true, 2, "configuration missing", "provision the terminal: deploy terminal.conf (hardware/flashing.md)"),
            new LedCode(FaultClass.ReaderMissing, true, 3, "reader missing", "no MFRC522 answer on SPI: check the 8 reader wires and its 3.3 V supply (hardware/README.md)"),
            new LedCode(FaultClass.ReaderSelfTestFailed, true, 4, "reader self-test failed", "the MFRC522 answered but failed its self-test or is an unknown chip: replace the reader module"),
            new LedCode(FaultClass.AntennaFault, true, 5, "antenna fault", "antenna drivers off or overloaded: remove metal behind the reader, check the antenna coil (hardware/README.md)"),
            new LedCode(FaultClass.NoList, true, 7, "no allowlist", "never synced: check Wi-Fi and gateway, wait one sync interval"),
            new LedCode(FaultClass.WifiDown, false, 1, "Wi-Fi down", "check the SSID/password in terminal.conf and the signal at the terminal"),
            new LedCode(FaultClass.GatewayUnreachable, false, 2, "gateway unreachable", "check gateway.url, the CA certificate and the site firewall"),
            new LedCode(FaultClass.ClockUnsynced, false, 3, "clock not synced", "SNTP blocked or no network: check time.ntp_server / UDP 123"),
            new LedCode(FaultClass.ListStale, false, 4, "allowlist stale", "the list is older than limits.list_max_age_hours: check the sync path"),
            new LedCode(FaultClass.JournalNearlyFull, false, 5, "journal nearly full", "decisions are not being uploaded: check the gateway; do not power the terminal off"),
            new LedCode(FaultClass.ClockSuspect, false, 6, "clock suspect", "a time source tried to move the clock (step refused): check time.ntp_server and the site network, tell the card office; a reboot takes the gateway's time"),
        };

        /// <summary>Number of entries, <see cref="FaultClass.None"/> included.</summary>
        public static int Count => Codes.Length;

        /// <summary>The entry at <paramref name="index"/> in priority order (0 = none).</summary>
        public static LedCode At(int index) => Codes[index];

        /// <summary>The code of <paramref name="fault"/> (allocation-free: the table is built once).</summary>
        public static LedCode For(FaultClass fault)
        {
            for (int i = 0; i < Codes.Length; i++)
            {
                if (Codes[i].Fault == fault)
                {
                    return Codes[i];
                }
            }

            return Codes[0];
        }
    }
}
