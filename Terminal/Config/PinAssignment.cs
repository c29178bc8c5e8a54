namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// GPIO numbers of the terminal's signals. The compiled-in defaults are the wiring of hardware/README.md
    /// (a host test keeps the two in step); a site's configuration file may override them ([pins] section,
    /// hardware/configuration.md). <see cref="NotConnected"/> marks an optional signal that is not wired.
    /// </summary>
    public sealed class PinAssignment
    {
        /// <summary>Value of an optional signal that is not wired (reader IRQ, buzzer, vend output, MDB).</summary>
        public const int NotConnected = -1;

        /// <summary>Highest GPIO number of the ESP32 (GPIO0..GPIO39, some numbers absent).</summary>
        public const int HighestGpio = 39;

        /// <summary>SPI bus id for nanoFramework's SpiConnectionSettings (on ESP32 bus 1 = HSPI, bus 2 = VSPI;
        /// the pins are routed through the GPIO matrix either way).</summary>
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

        /// <summary>UART TX towards the MDB interface board (planned extension, hardware/mdb.md); reserved now.</summary>
        public int MdbTx = 4;

        /// <summary>UART RX from the MDB interface board (planned extension, hardware/mdb.md); reserved now.</summary>
        public int MdbRx = 33;

        /// <summary>The wiring documented in hardware/README.md.</summary>
        public static PinAssignment Defaults() => new PinAssignment();

        /// <summary>A field-by-field copy.</summary>
        public PinAssignment Copy()
        {
            var copy = new PinAssignment();
            copy.SpiBus = SpiBus;
            copy.SpiClock = SpiClock;
            copy.SpiMiso = SpiMiso;
            copy.SpiMosi = SpiMosi;
            copy.ReaderChipSelect = ReaderChipSelect;
            copy.ReaderReset = ReaderReset;
            copy.ReaderIrq = ReaderIrq;
            copy.LedGreen = LedGreen;
            copy.LedRed = LedRed;
            copy.Buzzer = Buzzer;
            copy.VendPulse = VendPulse;
            copy.MdbTx = MdbTx;
            copy.MdbRx = MdbRx;
            return copy;
        }

        /// <summary>
        /// True for GPIOs no signal may use on the chosen board (ESP32-WROVER-E): GPIO6–11 are the SPI flash bus,
        /// GPIO16/17 drive the PSRAM, and GPIO20, 24 and 28–31 do not exist on the ESP32 (ESP32 datasheet §2.2).
        /// </summary>
        public static bool IsReserved(int gpio)
        {
            return (gpio >= 6 && gpio <= 11) || gpio == 16 || gpio == 17 || gpio == 20 || gpio == 24
                || (gpio >= 28 && gpio <= 31);
        }

        /// <summary>GPIO34–39 are input-only (no output driver, no internal pull-up): fine for IRQ/RX, not for outputs.</summary>
        public static bool IsInputOnly(int gpio) => gpio >= 34 && gpio <= HighestGpio;
    }
}
