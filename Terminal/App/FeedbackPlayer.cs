namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Plays light-and-sound patterns on the LEDs and buzzer without ever blocking the tap loop (ESPHome
    /// style: the loop calls <see cref="Step"/> with the monotonic time and the player switches outputs when a
    /// step's time is up). A pattern is a flat array of (duration ms, output mask) pairs; the last step's
    /// outputs stay as they are until the next pattern, so patterns end with the idle state they want.
    /// Nothing is allocated while playing.
    /// </summary>
    public sealed class FeedbackPlayer
    {
        /// <summary>Approved: green with one short beep, green held one second.</summary>
        public static readonly int[] Approved = { 120, OutputSignal.GreenMask | OutputSignal.BuzzerMask, 880, OutputSignal.GreenMask, 0, 0 };

        /// <summary>Approved while offline (decided from the cached list): as approved, with a second short beep.</summary>
        public static readonly int[] ApprovedOffline = { 80, OutputSignal.GreenMask | OutputSignal.BuzzerMask, 80, OutputSignal.GreenMask, 80, OutputSignal.GreenMask | OutputSignal.BuzzerMask, 760, OutputSignal.GreenMask, 0, 0 };

        /// <summary>Denied: red with two beeps, red held, so the refusal is unmistakable without reading the screen.</summary>
        public static readonly int[] Denied = { 100, OutputSignal.RedMask | OutputSignal.BuzzerMask, 100, OutputSignal.RedMask, 100, OutputSignal.RedMask | OutputSignal.BuzzerMask, 1200, OutputSignal.RedMask, 0, 0 };

        /// <summary>Error (reader fault, journal full...): red blinking three times with a long beep.</summary>
        public static readonly int[] Error = { 600, OutputSignal.RedMask | OutputSignal.BuzzerMask, 200, 0, 200, OutputSignal.RedMask, 200, 0, 200, OutputSignal.RedMask, 0, 0 };

        private readonly IDigitalOutputs outputs;
        private int[] pattern;
        private int step;
        private long stepEndsAt;
        private int appliedMask = -1;

        public FeedbackPlayer(IDigitalOutputs outputs)
        {
            this.outputs = outputs;
        }

        /// <summary>True while a pattern is playing.</summary>
        public bool IsPlaying => pattern != null;

        /// <summary>Outputs currently on (mask of OutputSignal bits).</summary>
        public int CurrentMask => appliedMask < 0 ? 0 : appliedMask;

        /// <summary>Starts <paramref name="newPattern"/> now, cutting any pattern in progress.</summary>
        public void Play(int[] newPattern, long nowMs)
        {
            pattern = newPattern;
            step = 0;
            Apply(pattern[1]);
            stepEndsAt = nowMs + pattern[0];
        }

        /// <summary>Advances the pattern; call from the loop as often as convenient.</summary>
        public void Step(long nowMs)
        {
            while (pattern != null && nowMs >= stepEndsAt)
            {
                step += 2;
                if (step >= pattern.Length || pattern[step] == 0)
                {
                    Apply(step < pattern.Length ? pattern[step + 1] : 0);
                    pattern = null;
                    return;
                }

                Apply(pattern[step + 1]);
                stepEndsAt += pattern[step];
            }
        }

        /// <summary>Stops any pattern and switches LEDs and buzzer off.</summary>
        public void Stop()
        {
            pattern = null;
            Apply(0);
        }

        private void Apply(int mask)
        {
            if (mask == appliedMask)
            {
                return;
            }

            int changed = appliedMask < 0 ? 0x7 : mask ^ appliedMask;
            if ((changed & OutputSignal.GreenMask) != 0)
            {
                outputs.Set(OutputSignal.GreenLed, (mask & OutputSignal.GreenMask) != 0);
            }

            if ((changed & OutputSignal.RedMask) != 0)
            {
                outputs.Set(OutputSignal.RedLed, (mask & OutputSignal.RedMask) != 0);
            }

            if ((changed & OutputSignal.BuzzerMask) != 0)
            {
                outputs.Set(OutputSignal.Buzzer, (mask & OutputSignal.BuzzerMask) != 0);
            }

            appliedMask = mask;
        }
    }
}
