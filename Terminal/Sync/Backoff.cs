namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Exponential backoff with jitter for retries after a failed sync or Wi-Fi connection: the n-th
    /// consecutive failure waits a random time in [d/2, d] where d = min(Max, Base × 2^(n-1)) ("equal jitter",
    /// so a fleet of terminals that lost the gateway together does not come back in lock step, while each
    /// still retries no later than d). Deterministic for a given seed (xorshift32), so tests can predict it.
    /// </summary>
    public sealed class Backoff
    {
        private uint state;
        private int failures;

        /// <summary>Delay bound after the first failure, in ms.</summary>
        public int BaseMilliseconds = 5000;

        /// <summary>Cap on the delay bound, in ms (default 5 minutes).</summary>
        public int MaxMilliseconds = 300000;

        public Backoff(uint seed)
        {
            state = seed == 0 ? 0x9E3779B9u : seed;
        }

        /// <summary>Consecutive failures since the last success.</summary>
        public int Failures => failures;

        public void Reset()
        {
            failures = 0;
        }

        /// <summary>Counts a failure and returns how long to wait before the next attempt, in ms.</summary>
        public int NextDelay()
        {
            if (failures < 30)
            {
                failures++;
            }

            long bound = BaseMilliseconds;
            for (int i = 1; i < failures && bound < MaxMilliseconds; i++)
            {
                bound *= 2;
            }

            if (bound > MaxMilliseconds)
            {
                bound = MaxMilliseconds;
            }

            long half = bound / 2;
            long span = bound - half + 1;
            return (int)(half + (NextRandom() % (uint)span));
        }

        private uint NextRandom()
        {
            // xorshift32 (Marsaglia 2003): cheap, no System.Random state shared with other code.
            uint x = state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            state = x;
            return x;
        }
    }
}
