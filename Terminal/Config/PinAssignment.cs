namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// GPIO numbers of the terminal's signals. The compiled-in defaults are the wiring of hardware/README.md
    /// (a host test keeps the two in step); a site's configuration file may override them.
    /// </summary>
    public sealed class PinAssignment
    {
        /// <summary>SPI bus id for nanoFramework's SpiConnectionSettings (bus 1 = VSPI on ESP32).</summary>
        public int SpiBus = 1;
        public int SpiClock = 18;
        public int SpiMiso = 19;
        public int SpiMosi = 23;
        public int ReaderChipSelect = 5;
        public int ReaderReset = 22;
        public int ReaderIrq = 21;
        public int LedGreen = 25;
        public int LedRed = 26;
        public int Buzzer = 27;
        public int VendPulse = 32;

        /// <summary>The wiring documented in hardware/README.md.</summary>
        public static PinAssignment Defaults() => new PinAssignment();
    }
}
