namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// One field of the configuration file: its "section.key" name, whether a file must set it (and what to say
    /// when it does not), whether it may repeat, and for plain numbers the accepted range and unit. Everything the
    /// parser checks about a field generically lives here, next to its name (hardware/configuration.md documents
    /// the same table).
    /// </summary>
    internal sealed class ConfigField
    {
        public readonly int Id;
        public readonly string Name;

        /// <summary>Null when the field is optional; otherwise what the error says is expected.</summary>
        public readonly string RequiredHint;

        /// <summary>True for a key that may appear several times (service.window).</summary>
        public readonly bool Repeatable;

        /// <summary>For a whole-number field: the unit in error messages; null for every other field.</summary>
        public readonly string Unit;
        public readonly int Min;
        public readonly int Max;

        private ConfigField(int id, string name, string requiredHint, bool repeatable, string unit, int min, int max)
        {
            Id = id;
            Name = name;
            RequiredHint = requiredHint;
            Repeatable = repeatable;
            Unit = unit;
            Min = min;
            Max = max;
        }

        public bool IsRequired => RequiredHint != null;

        public bool IsNumber => Unit != null;

        public string Section => Name.Substring(0, Name.IndexOf('.'));

        public string Key => Name.Substring(Name.IndexOf('.') + 1);

        public static ConfigField Text(int id, string name)
        {
            return new ConfigField(id, name, null, false, null, 0, 0);
        }

        public static ConfigField RequiredText(int id, string name, string expected)
        {
            return new ConfigField(id, name, "a value (required): " + expected, false, null, 0, 0);
        }

        public static ConfigField Repeated(int id, string name)
        {
            return new ConfigField(id, name, null, true, null, 0, 0);
        }

        public static ConfigField RequiredRepeated(int id, string name, string expected)
        {
            return new ConfigField(id, name, "a value (required): " + expected, true, null, 0, 0);
        }

        public static ConfigField Number(int id, string name, int min, int max, string unit)
        {
            return new ConfigField(id, name, null, false, unit, min, max);
        }

        /// <summary>The error text for a value outside the field's syntax or range.</summary>
        public string ExpectedNumber()
        {
            return "a whole number of " + Unit + " from " + Min.ToString() + " to " + Max.ToString();
        }
    }

    /// <summary>
    /// The field table of the configuration file. The ids are the positions in <see cref="All"/> (a test checks
    /// it); the parser switches on them only where a field needs more than the generic checks.
    /// </summary>
    internal static class ConfigFields
    {
        public const int TerminalId = 0;
        public const int TerminalSite = 1;
        public const int TerminalMode = 2;
        public const int TimeZone = 3;
        public const int NtpServer = 4;
        public const int ServiceWindow = 5;
        public const int WifiSsid = 6;
        public const int WifiPassword = 7;
        public const int GatewayUrl = 8;
        public const int CaCertificate = 9;
        public const int CaCertificateFile = 10;
        public const int SyncInterval = 11;
        public const int ListPublicKey = 12;
        public const int TerminalSecret = 13;
        public const int CardCap = 14;
        public const int TerminalCap = 15;
        public const int ListMaxAge = 16;
        public const int DoubleTap = 17;
        public const int PulseMs = 18;
        public const int PulseCount = 19;
        public const int PulseGapMs = 20;
        public const int SiteId = 21;
        public const int CardPolicy = 22;
        public const int CardApplication = 23;
        public const int CardSystemId = 24;
        public const int CardKey = 25;

        /// <summary>pins.spi_bus .. pins.mdb_rx follow in <see cref="PinRules"/> order.</summary>
        public const int FirstPin = 26;

        /// <summary>After the 13 pins.</summary>
        public const int MaxListVersionJump = FirstPin + 13;
        public const int Demo = MaxListVersionJump + 1;

        /// <summary>Public keys a terminal holds at most (the key in force and the next one during a rotation, plus spares).</summary>
        public const int MaxListPublicKeys = 4;

        public const string ExpectedIdentifier = "1 to 32 characters among A-Z a-z 0-9 . _ -";
        public const string ExpectedHexKey = "64 to 128 hex digits (a key of 32 to 64 bytes)";
        public const string ExpectedPublicKey = "the key id, a colon and the 130 hex digits of the gateway's P-256 public key (04…), as Tools/KeyGen prints it";

        public static readonly ConfigField[] All = new ConfigField[]
        {
            ConfigField.RequiredText(TerminalId, "terminal.id", ExpectedIdentifier),
            ConfigField.Text(TerminalSite, "terminal.site"),
            ConfigField.RequiredText(TerminalMode, "terminal.mode", "restaurant or vending"),
            ConfigField.Text(TimeZone, "time.timezone"),
            ConfigField.Text(NtpServer, "time.ntp_server"),
            ConfigField.Repeated(ServiceWindow, "service.window"),
            ConfigField.RequiredText(WifiSsid, "wifi.ssid", "the Wi-Fi network name, 1 to 32 bytes"),
            ConfigField.RequiredText(WifiPassword, "wifi.password", "the WPA2 passphrase, or an empty value for an open network"),
            ConfigField.RequiredText(GatewayUrl, "gateway.url", "https://host[:port][/path]"),
            ConfigField.Text(CaCertificate, "gateway.ca_certificate"),
            ConfigField.Text(CaCertificateFile, "gateway.ca_certificate_file"),
            ConfigField.Number(SyncInterval, "gateway.sync_interval_seconds", 30, 86400, "seconds"),
            ConfigField.RequiredRepeated(ListPublicKey, "keys.list_public_key", ExpectedPublicKey),
            ConfigField.RequiredText(TerminalSecret, "keys.terminal_secret", ExpectedHexKey),
            ConfigField.Number(CardCap, "limits.card_daily_offline_cap_cents", 0, 100000, "cents"),
            ConfigField.Number(TerminalCap, "limits.terminal_daily_offline_cap_cents", 0, 10000000, "cents"),
            ConfigField.Number(ListMaxAge, "limits.list_max_age_hours", 1, 720, "hours"),
            ConfigField.Number(DoubleTap, "limits.double_tap_seconds", 0, 600, "seconds"),
            ConfigField.Number(PulseMs, "vend.pulse_ms", 10, 5000, "milliseconds"),
            ConfigField.Number(PulseCount, "vend.pulse_count", 1, 20, "pulses"),
            ConfigField.Number(PulseGapMs, "vend.pulse_gap_ms", 10, 5000, "milliseconds"),
            ConfigField.Number(SiteId, "keys.site_id", 1, 65535, "(the gateway's site number)"),
            ConfigField.Text(CardPolicy, "card.policy"),
            ConfigField.Text(CardApplication, "card.application"),
            ConfigField.Text(CardSystemId, "card.system_id"),
            ConfigField.Repeated(CardKey, "card.key"),
            ConfigField.Text(FirstPin + PinRules.Bus, "pins.spi_bus"),
            ConfigField.Text(FirstPin + PinRules.Sck, "pins.spi_sck"),
            ConfigField.Text(FirstPin + PinRules.Miso, "pins.spi_miso"),
            ConfigField.Text(FirstPin + PinRules.Mosi, "pins.spi_mosi"),
            ConfigField.Text(FirstPin + PinRules.Cs, "pins.reader_cs"),
            ConfigField.Text(FirstPin + PinRules.Rst, "pins.reader_rst"),
            ConfigField.Text(FirstPin + PinRules.Irq, "pins.reader_irq"),
            ConfigField.Text(FirstPin + PinRules.Green, "pins.led_green"),
            ConfigField.Text(FirstPin + PinRules.Red, "pins.led_red"),
            ConfigField.Text(FirstPin + PinRules.Buzzer, "pins.buzzer"),
            ConfigField.Text(FirstPin + PinRules.Vend, "pins.vend_pulse"),
            ConfigField.Text(FirstPin + PinRules.MdbTx, "pins.mdb_tx"),
            ConfigField.Text(FirstPin + PinRules.MdbRx, "pins.mdb_rx"),
            ConfigField.Number(MaxListVersionJump, "keys.max_list_version_jump", 1, 100000000, "versions"),
            ConfigField.Text(Demo, "terminal.demo"),
        };

        /// <summary>The sections, in the order the documentation lists them.</summary>
        public static readonly string[] Sections = new string[]
        {
            "terminal", "time", "service", "wifi", "gateway", "keys", "card", "limits", "vend", "pins",
        };

        /// <summary>The field named "section.key", or null.</summary>
        public static ConfigField Find(string qualifiedName)
        {
            for (int i = 0; i < All.Length; i++)
            {
                if (All[i].Name == qualifiedName)
                {
                    return All[i];
                }
            }

            return null;
        }

        public static string NameOf(int id)
        {
            return All[id].Name;
        }

        public static bool IsSection(string name)
        {
            for (int i = 0; i < Sections.Length; i++)
            {
                if (Sections[i] == name)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
