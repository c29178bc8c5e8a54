namespace LeoCarte.Terminal
{
    /// <summary>
    /// The terminal's digital outputs (wired per hardware/README.md; GPIO on the device). In the root namespace
    /// because the application drives them and the diagnostics' LED codes are written in them.
    /// </summary>
    public static class OutputSignal
    {
        public const int GreenLed = 0;
        public const int RedLed = 1;
        public const int Buzzer = 2;
        public const int VendPulse = 3;
        public const int Count = 4;

        /// <summary>Bit of a signal in a pattern step's mask.</summary>
        public const int GreenMask = 1 << GreenLed;
        public const int RedMask = 1 << RedLed;
        public const int BuzzerMask = 1 << Buzzer;
    }
}
