namespace LeoCarte.Terminal.Sync
{
    /// <summary>State of the network link as the sync core sees it.</summary>
    public enum LinkState
    {
        Down = 0,
        Connecting = 1,
        Up = 2,
        /// <summary>The last attempt failed; waiting for the backoff delay before the next.</summary>
        WaitingToRetry = 3,
    }

    /// <summary>
    /// The Wi-Fi (or any network) link. Device: <see cref="WifiJoin"/> over the ESP32 station (one WifiAdapter,
    /// credentials written to flash only when they change); host: always up.
    /// </summary>
    public interface INetworkLink
    {
        /// <summary>True when the interface has an IP address and can reach the network.</summary>
        bool IsUp { get; }

        /// <summary>Tries to connect (blocking, bounded by the adapter's own timeout); true on success.</summary>
        bool Connect();
    }

    /// <summary>
    /// Keeps the link up: connects at boot, notices when it drops, reconnects with exponential backoff and
    /// jitter. Stepped by the sync thread (never by the tap loop: a connect attempt blocks for up to the
    /// adapter's timeout).
    /// </summary>
    public sealed class WifiSupervisor
    {
        private readonly INetworkLink link;
        private readonly Backoff backoff;
        private LinkState state = LinkState.Down;
        private long nextAttemptMs;
        private bool wasUp;

        public WifiSupervisor(INetworkLink link, uint seed)
        {
            this.link = link;
            backoff = new Backoff(seed);
            backoff.BaseMilliseconds = 2000;
            backoff.MaxMilliseconds = 120000;
        }

        public LinkState State => state;

        /// <summary>Successful connections after the first (link lost and regained).</summary>
        public int Reconnects { get; private set; }

        public int ConnectAttempts { get; private set; }

        public Backoff Backoff => backoff;

        /// <summary>Checks the link and connects when due; returns true when the link is up.</summary>
        public bool Step(long nowMs)
        {
            if (link.IsUp)
            {
                state = LinkState.Up;
                wasUp = true;
                backoff.Reset();
                return true;
            }

            if (state == LinkState.WaitingToRetry && nowMs < nextAttemptMs)
            {
                return false;
            }

            state = LinkState.Connecting;
            ConnectAttempts++;
            if (link.Connect() && link.IsUp)
            {
                if (wasUp)
                {
                    Reconnects++;
                }

                wasUp = true;
                state = LinkState.Up;
                backoff.Reset();
                return true;
            }

            state = LinkState.WaitingToRetry;
            nextAttemptMs = nowMs + backoff.NextDelay();
            return false;
        }

        /// <summary>Milliseconds until the next connection attempt (0 when one is due now or the link is up).</summary>
        public long MillisecondsUntilRetry(long nowMs)
        {
            if (state != LinkState.WaitingToRetry)
            {
                return 0;
            }

            long wait = nextAttemptMs - nowMs;
            return wait < 0 ? 0 : wait;
        }
    }
}
