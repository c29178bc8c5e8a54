namespace LeoCarte.Terminal.App
{
    /// <summary>What <see cref="SoftwareWatchdog.Check"/> found.</summary>
    public enum WatchdogVerdict
    {
        /// <summary>The loop fed the watchdog recently.</summary>
        Alive = 0,

        /// <summary>The loop has not fed it for longer than the stall threshold (counted once per stall).</summary>
        Stalled = 1,

        /// <summary>The loop has not fed it for longer than the reboot threshold: reboot now.</summary>
        Expired = 2,
    }

    /// <summary>
    /// A software watchdog for a runtime without one (nanoFramework exposes no hardware watchdog to C#,
    /// /tmp/research/nano-device.md §3.7): the tap loop calls <see cref="Feed"/> every iteration; a timer on
    /// another thread calls <see cref="Check"/> about once a second. A loop that stops feeding for
    /// <see cref="StallMilliseconds"/> is counted as a stall (surfaced in the heartbeat and the self-test: a rising
    /// count means something in the loop blocks, e.g. flash or SPI); after <see cref="RebootMilliseconds"/> the
    /// check says Expired and the caller reboots (the ESP32 restarts in a few seconds, the journal recovers).
    /// Portable and clock-agnostic so tests drive it with modeled time. No allocation.
    /// </summary>
    public sealed class SoftwareWatchdog
    {
        private readonly object gate = new object();
        private long lastFeed;
        private bool inStall;
        private bool expired;

        public SoftwareWatchdog(long stallMilliseconds, long rebootMilliseconds, long nowMilliseconds)
        {
            StallMilliseconds = stallMilliseconds < 1 ? 1 : stallMilliseconds;
            RebootMilliseconds = rebootMilliseconds < StallMilliseconds ? StallMilliseconds : rebootMilliseconds;
            lastFeed = nowMilliseconds;
        }

        /// <summary>A loop iteration slower than this is a stall (default for the device: 1 s; a poll takes a few ms).</summary>
        public long StallMilliseconds { get; private set; }

        /// <summary>No feed for this long means the loop is dead: reboot (device default 30 s).</summary>
        public long RebootMilliseconds { get; private set; }

        /// <summary>Stalls seen since boot (each counted once, when first detected).</summary>
        public int Stalls { get; private set; }

        /// <summary>Longest time between two feeds seen by a check or a feed, in ms.</summary>
        public long LongestGapMilliseconds { get; private set; }

        /// <summary>True once a check returned Expired (the reboot was requested).</summary>
        public bool HasExpired
        {
            get { lock (gate) { return expired; } }
        }

        /// <summary>The loop is alive.</summary>
        public void Feed(long nowMilliseconds)
        {
            lock (gate)
            {
                long gap = nowMilliseconds - lastFeed;
                if (gap > LongestGapMilliseconds)
                {
                    LongestGapMilliseconds = gap;
                }

                if (gap >= StallMilliseconds && !inStall)
                {
                    // A stall that ended before any check saw it (the checker runs once a second) still counts.
                    Stalls++;
                }

                lastFeed = nowMilliseconds;
                inStall = false;
            }
        }

        /// <summary>Called periodically from another thread (device: a System.Threading.Timer).</summary>
        public WatchdogVerdict Check(long nowMilliseconds)
        {
            lock (gate)
            {
                long gap = nowMilliseconds - lastFeed;
                if (gap > LongestGapMilliseconds)
                {
                    LongestGapMilliseconds = gap;
                }

                if (gap >= RebootMilliseconds)
                {
                    expired = true;
                    return WatchdogVerdict.Expired;
                }

                if (gap >= StallMilliseconds)
                {
                    if (!inStall)
                    {
                        inStall = true;
                        Stalls++;
                    }

                    return WatchdogVerdict.Stalled;
                }

                return WatchdogVerdict.Alive;
            }
        }
    }
}
