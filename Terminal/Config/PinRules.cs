namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// The pins.* fields: which ESP32 GPIO a signal may use (hardware/README.md pin table; ESP32 datasheet, pin list:
    /// GPIO6-11 drive the SPI flash, 16-17 the PSRAM of WROVER modules, 20/24/28-31 do not exist, 34-39 are
    /// input-only), which signals may be absent, and that no two signals share a GPIO.
    /// </summary>
    internal static class PinRules
    {
        // Pin indices relative to ConfigFields.FirstPin (the order of the pins.* fields).
        public const int Bus = 0;
        public const int Sck = 1;
        public const int Miso = 2;
        public const int Mosi = 3;
        public const int Cs = 4;
        public const int Rst = 5;
        public const int Irq = 6;
        public const int Green = 7;
        public const int Red = 8;
        public const int Buzzer = 9;
        public const int Vend = 10;
        public const int MdbTx = 11;
        public const int MdbRx = 12;

        /// <summary>Checks one pins.* value and sets it; an error names what the signal accepts.</summary>
        public static void Apply(int index, int line, string value, PinAssignment pins, ConfigErrors errors)
        {
            string field = ConfigFields.NameOf(ConfigFields.FirstPin + index);
            int number;
            if (index == Bus)
            {
                // ESP32 has three general-purpose SPI hosts; nanoFramework numbers HSPI and VSPI as buses 1 and 2.
                if (ConfigValueText.TryParseNumber(value, out number) && (number == 1 || number == 2))
                {
                    pins.SpiBus = number;
                }
                else
                {
                    errors.Add(line, field, "1 or 2 (nanoFramework SPI bus id)");
                }

                return;
            }

            bool optional = IsOptional(index);
            bool input = IsInput(index);
            if (optional && ConfigValueText.ToLowerAscii(value) == "none")
            {
                Set(pins, index, PinAssignment.NotConnected);
                return;
            }

            string expected = "a GPIO number 0 to 39, not 6-11 (flash), 16-17 (PSRAM) or a number the ESP32 lacks (20, 24, 28-31)"
                + (input ? "" : ", not 34-39 (input-only)") + (optional ? ", or none" : "");
            if (!ConfigValueText.TryParseNumber(value, out number) || number > PinAssignment.HighestGpio || PinAssignment.IsReserved(number)
                || (!input && PinAssignment.IsInputOnly(number)))
            {
                errors.Add(line, field, expected);
                return;
            }

            Set(pins, index, number);
        }

        /// <summary>
        /// Two signals on one GPIO: reported at the line that set the later of the two (<paramref name="lineOf"/>:
        /// line per field id, 0 = default); the defaults never clash.
        /// </summary>
        public static void CheckDistinct(PinAssignment pins, int[] lineOf, ConfigErrors errors)
        {
            for (int a = Sck; a <= MdbRx; a++)
            {
                for (int b = a + 1; b <= MdbRx; b++)
                {
                    int gpio = Get(pins, a);
                    if (gpio == PinAssignment.NotConnected || gpio != Get(pins, b))
                    {
                        continue;
                    }

                    int lineA = lineOf[ConfigFields.FirstPin + a];
                    int lineB = lineOf[ConfigFields.FirstPin + b];
                    int blamed = lineB >= lineA ? b : a;
                    int other = blamed == b ? a : b;
                    errors.Add(lineOf[ConfigFields.FirstPin + blamed], ConfigFields.NameOf(ConfigFields.FirstPin + blamed),
                        "a GPIO no other signal uses (" + gpio.ToString() + " is also " + ConfigFields.NameOf(ConfigFields.FirstPin + other) + ")");
                }
            }
        }

        /// <summary>A vending terminal must have its vend output wired.</summary>
        public static void CheckVendOutput(TerminalConfiguration config, int[] lineOf, ConfigErrors errors)
        {
            if (config.Mode == TerminalMode.Vending && config.Pins.VendPulse == PinAssignment.NotConnected)
            {
                int field = ConfigFields.FirstPin + Vend;
                errors.Add(lineOf[field], ConfigFields.NameOf(field), "a GPIO for the vend output when terminal.mode = vending");
            }
        }

        /// <summary>Reader IRQ, buzzer, vend output and the MDB pair may be absent.</summary>
        private static bool IsOptional(int index) =>
            index == Irq || index == Buzzer || index == Vend || index == MdbTx || index == MdbRx;

        /// <summary>MISO, reader IRQ and MDB RX are inputs: the input-only GPIO34..39 suit them.</summary>
        private static bool IsInput(int index) => index == Miso || index == Irq || index == MdbRx;

        private static int Get(PinAssignment p, int index)
        {
            switch (index)
            {
                case Sck: return p.SpiClock;
                case Miso: return p.SpiMiso;
                case Mosi: return p.SpiMosi;
                case Cs: return p.ReaderChipSelect;
                case Rst: return p.ReaderReset;
                case Irq: return p.ReaderIrq;
                case Green: return p.LedGreen;
                case Red: return p.LedRed;
                case Buzzer: return p.Buzzer;
                case Vend: return p.VendPulse;
                case MdbTx: return p.MdbTx;
                default: return p.MdbRx;
            }
        }

        private static void Set(PinAssignment p, int index, int gpio)
        {
            switch (index)
            {
                case Sck: p.SpiClock = gpio; break;
                case Miso: p.SpiMiso = gpio; break;
                case Mosi: p.SpiMosi = gpio; break;
                case Cs: p.ReaderChipSelect = gpio; break;
                case Rst: p.ReaderReset = gpio; break;
                case Irq: p.ReaderIrq = gpio; break;
                case Green: p.LedGreen = gpio; break;
                case Red: p.LedRed = gpio; break;
                case Buzzer: p.Buzzer = gpio; break;
                case Vend: p.VendPulse = gpio; break;
                case MdbTx: p.MdbTx = gpio; break;
                default: p.MdbRx = gpio; break;
            }
        }
    }
}
