using System.Collections;

namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// Parses a terminal configuration file (format: hardware/configuration.md) — INI-like lines
    /// <c>key = value</c> under <c>[section]</c> headers, whole-line <c># comments</c>, UTF-8 — over the
    /// compiled-in defaults. Collects every error with its line, field and what is expected; never throws on
    /// any input. A file with even one error leaves <c>into</c> at its safe defaults (unprovisioned,
    /// deny-all, documented wiring) so the device can still blink its LED code.
    /// Runs once at boot (and in the host validator): it allocates freely, it is not on the tap path.
    /// The parts: <see cref="ConfigLineReader"/> (bytes to lines), <see cref="ConfigFields"/> (the field table:
    /// names, required fields, number ranges), <see cref="ConfigValueText"/> (value syntaxes),
    /// <see cref="PemCollector"/> (the CA certificate block) and <see cref="PinRules"/> (GPIO rules).
    /// </summary>
    public static partial class ConfigurationParser
    {
        /// <summary>Largest accepted file: the settings plus a CA chain of a few certificates.</summary>
        public const int MaxFileBytes = 16384;

        /// <summary>Longest accepted line in bytes; PEM lines are 64 characters (RFC 7468 §2).</summary>
        public const int MaxLineBytes = 300;

        /// <summary>Most service windows a terminal knows (lunch, dinner, and a breakfast or late service).</summary>
        public const int MaxWindows = 4;

        public const string PemBegin = "-----BEGIN CERTIFICATE-----";
        public const string PemEnd = "-----END CERTIFICATE-----";

        internal const string FieldFile = "file";
        internal const string FieldSyntax = "syntax";

        /// <summary>Every field as "section.key"; the index is the field id.</summary>
        public static readonly string[] Fields = FieldNames();

        /// <summary>The sections, in the order the documentation lists them.</summary>
        public static readonly string[] Sections = ConfigFields.Sections;

        /// <summary>
        /// Parses <paramref name="length"/> bytes of <paramref name="fileBytes"/> into <paramref name="into"/>,
        /// adding every problem to <paramref name="errors"/> (cleared first). Returns true, with
        /// <c>into.IsProvisioned</c> set, only when there is no error; otherwise <paramref name="into"/> is reset
        /// to its safe defaults.
        /// </summary>
        public static bool Parse(byte[] fileBytes, int length, TerminalConfiguration into, ConfigErrors errors)
        {
            errors.Clear();
            into.ResetToDefaults();
            if (fileBytes == null || length <= 0 || length > fileBytes.Length)
            {
                errors.Add(0, FieldFile, "a non-empty configuration file");
                return false;
            }

            if (length > MaxFileBytes)
            {
                errors.Add(0, FieldFile, "at most " + MaxFileBytes.ToString() + " bytes (found " + length.ToString() + ")");
                return false;
            }

            var state = new ParseState(into, errors);
            var lines = new ConfigLineReader(fileBytes, length, errors);
            while (lines.Next())
            {
                if (lines.Text != null)
                {
                    state.Line(lines.LineNumber, lines.Text);
                }
            }

            state.Finish();
            if (errors.HasErrors)
            {
                into.ResetToDefaults();
                return false;
            }

            into.IsProvisioned = true;
            return true;
        }

        /// <summary>The id of "section.key", or -1.</summary>
        public static int FieldId(string qualifiedName)
        {
            ConfigField field = ConfigFields.Find(qualifiedName);
            return field == null ? -1 : field.Id;
        }

        private static string[] FieldNames()
        {
            var names = new string[ConfigFields.All.Length];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = ConfigFields.All[i].Name;
            }

            return names;
        }

        /// <summary>The working state of one parse (the parser itself is static and keeps nothing between calls).</summary>
        private sealed partial class ParseState
        {
            private readonly TerminalConfiguration into;
            private readonly ConfigErrors errors;
            private readonly PemCollector pem;

            /// <summary>Line where each field was set (0 = not set): duplicates, cross-checks and error positions.</summary>
            private readonly int[] lineOf = new int[ConfigFields.All.Length];

            private readonly ArrayList windows = new ArrayList();
            private readonly ArrayList windowLines = new ArrayList();

            private string section;
            private bool sectionKnown;

            public ParseState(TerminalConfiguration into, ConfigErrors errors)
            {
                this.into = into;
                this.errors = errors;
                pem = new PemCollector(errors, ConfigFields.NameOf(ConfigFields.CaCertificate));
            }

            public void Line(int line, string text)
            {
                if (pem.IsOpen && pem.Line(line, text))
                {
                    return;
                }

                if (text.Length == 0 || text[0] == '#' || text[0] == ';')
                {
                    return;
                }

                if (text[0] == '[')
                {
                    SectionHeader(line, text);
                    return;
                }

                int equals = ConfigValueText.IndexOfChar(text, '=');
                if (equals < 0)
                {
                    this.errors.Add(line, FieldSyntax, "key = value, a [section] header or a # comment");
                    return;
                }

                string key = ConfigValueText.ToLowerAscii(ConfigValueText.Trim(text.Substring(0, equals)));
                string value = ConfigValueText.Trim(text.Substring(equals + 1));
                if (this.section == null)
                {
                    this.errors.Add(line, key, "a [section] header before the first key");
                    return;
                }

                if (!sectionKnown)
                {
                    return; // the unknown section was reported once at its header
                }

                ConfigField field = ConfigFields.Find(this.section + "." + key);
                if (field == null)
                {
                    this.errors.Add(line, this.section + "." + key, UnknownKeyHint(key));
                    return;
                }

                if (!field.Repeatable && lineOf[field.Id] != 0)
                {
                    this.errors.Add(line, field.Name, "the field once (already set at line " + lineOf[field.Id].ToString() + ")");
                    return;
                }

                lineOf[field.Id] = line;
                if (field.IsNumber)
                {
                    int number;
                    if (ConfigValueText.TryParseNumber(value, out number) && number >= field.Min && number <= field.Max)
                    {
                        ApplyNumber(field.Id, number);
                    }
                    else
                    {
                        this.errors.Add(line, field.Name, field.ExpectedNumber());
                    }

                    return;
                }

                Apply(field, line, value);
            }

            public void Finish()
            {
                pem.Finish();
                if (pem.Pem != null)
                {
                    this.into.CaCertificatePem = pem.Pem;
                }

                for (int i = 0; i < ConfigFields.All.Length; i++)
                {
                    ConfigField field = ConfigFields.All[i];
                    if (field.IsRequired && lineOf[field.Id] == 0)
                    {
                        this.errors.Add(0, field.Name, field.RequiredHint);
                    }
                }

                if (this.windows.Count == 0)
                {
                    this.into.ServiceWindows = TerminalConfiguration.DefaultWindows(this.into.Mode);
                }
                else
                {
                    this.into.ServiceWindows = SortedWindows();
                }

                CheckCertificateChoice();
                CheckKeyMaterial();
                CheckCardPolicy();
                PinRules.CheckDistinct(this.into.Pins, lineOf, this.errors);
                PinRules.CheckVendOutput(this.into, lineOf, this.errors);
            }

            private void SectionHeader(int line, string text)
            {
                if (text[text.Length - 1] != ']' || text.Length < 3)
                {
                    this.errors.Add(line, FieldSyntax, "a section header like [wifi]");
                    this.section = null;
                    return;
                }

                string name = ConfigValueText.ToLowerAscii(ConfigValueText.Trim(text.Substring(1, text.Length - 2)));
                this.section = name;
                sectionKnown = ConfigFields.IsSection(name);

                if (!sectionKnown)
                {
                    string all = "";
                    for (int i = 0; i < ConfigFields.Sections.Length; i++)
                    {
                        all += (i == 0 ? "[" : " [") + ConfigFields.Sections[i] + "]";
                    }

                    this.errors.Add(line, "[" + name + "]", "one of the sections " + all);
                }
            }

            private string UnknownKeyHint(string key)
            {
                string keys = "";
                string elsewhere = null;
                for (int i = 0; i < ConfigFields.All.Length; i++)
                {
                    string fieldSection = ConfigFields.All[i].Section;
                    string fieldKey = ConfigFields.All[i].Key;
                    if (fieldSection == this.section)
                    {
                        keys += (keys.Length == 0 ? "" : ", ") + fieldKey;
                    }
                    else if (fieldKey == key)
                    {
                        elsewhere = fieldSection;
                    }
                }

                string hint = "a key of [" + this.section + "]: " + keys;
                return elsewhere == null ? hint : hint + " (" + key + " belongs in [" + elsewhere + "])";
            }

            /// <summary>Sets a whole-number field already checked against its range in the field table.</summary>
            private void ApplyNumber(int field, int number)
            {
                switch (field)
                {
                    case ConfigFields.SyncInterval: this.into.SyncIntervalSeconds = number; break;
                    case ConfigFields.CardCap: this.into.CardDailyOfflineCapCents = number; break;
                    case ConfigFields.TerminalCap: this.into.TerminalDailyOfflineCapCents = number; break;
                    case ConfigFields.ListMaxAge: this.into.ListMaxAgeHours = number; break;
                    case ConfigFields.DoubleTap: this.into.DoubleTapSeconds = number; break;
                    case ConfigFields.PulseMs: this.into.VendPulseMilliseconds = number; break;
                    case ConfigFields.PulseCount: this.into.VendPulseCount = number; break;
                    case ConfigFields.PulseGapMs: this.into.VendPulseGapMilliseconds = number; break;
                    case ConfigFields.SiteId: this.into.SiteId = (uint)number; break;
                    case ConfigFields.MaxListVersionJump: this.into.MaxListVersionJump = number; break;
                }
            }

            /// <summary>The fields whose syntax is more than a number in a range.</summary>
            private void Apply(ConfigField field, int line, string value)
            {
                switch (field.Id)
                {
                    case ConfigFields.TerminalId:
                        if (ConfigValueText.IsIdentifier(value, 1, 32, true))
                        {
                            this.into.TerminalId = value;
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, ConfigFields.ExpectedIdentifier);
                        }

                        break;

                    case ConfigFields.TerminalSite:
                        if (value.Length >= 1 && value.Length <= 64)
                        {
                            this.into.Site = value;
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, "1 to 64 characters");
                        }

                        break;

                    case ConfigFields.TerminalMode:
                        string mode = ConfigValueText.ToLowerAscii(value);
                        if (mode == "restaurant")
                        {
                            this.into.Mode = TerminalMode.Restaurant;
                        }
                        else if (mode == "vending")
                        {
                            this.into.Mode = TerminalMode.Vending;
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, "restaurant or vending");
                        }

                        break;

                    case ConfigFields.TimeZone:
                        ApplyTimeZone(line, value);
                        break;

                    case ConfigFields.NtpServer:
                        if (ConfigValueText.IsHostName(value))
                        {
                            this.into.NtpServer = value;
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, "a host name such as fr.pool.ntp.org");
                        }

                        break;

                    case ConfigFields.ServiceWindow:
                        ApplyWindow(line, value);
                        break;

                    case ConfigFields.WifiSsid:
                        int ssidBytes = Utf8Text.ByteCount(value);
                        if (ssidBytes >= 1 && ssidBytes <= 32)
                        {
                            this.into.WifiSsid = value;
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, "1 to 32 bytes (IEEE 802.11 SSID), found " + ssidBytes.ToString());
                        }

                        break;

                    case ConfigFields.WifiPassword:
                        ApplyWifiPassword(line, value);
                        break;

                    case ConfigFields.GatewayUrl:
                        ApplyGatewayUrl(line, value);
                        break;

                    case ConfigFields.CaCertificate:
                        if (value == PemBegin)
                        {
                            pem.Begin(line);
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, PemBegin + " followed by the certificate's lines (or use gateway.ca_certificate_file)");
                        }

                        break;

                    case ConfigFields.CaCertificateFile:
                        if (ConfigValueText.IsIdentifier(value, 1, 32, true))
                        {
                            this.into.CaCertificateFile = value;
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, "a flash file name of 1 to 32 characters among A-Z a-z 0-9 . _ - (e.g. gateway-ca.pem)");
                        }

                        break;

                    case ConfigFields.ListPublicKey:
                        ApplyListPublicKey(line, value);
                        break;

                    case ConfigFields.Demo:
                        string demo = ConfigValueText.ToLowerAscii(value);
                        if (demo == "yes" || demo == "no")
                        {
                            this.into.Demo = demo == "yes";
                        }
                        else
                        {
                            this.errors.Add(line, field.Name, "yes (a demonstration with the public sample keys: not deployable) or no");
                        }

                        break;

                    case ConfigFields.TerminalSecret:
                        byte[] key = ConfigValueText.ParseHex(value);
                        if (key == null || key.Length < 32 || key.Length > 64)
                        {
                            // The length is not secret, the digits are: never echo them.
                            this.errors.Add(line, field.Name, ConfigFields.ExpectedHexKey + ", found " + value.Length.ToString() + " characters"
                                + (key == null && value.Length > 0 ? " that are not all hex digits or an odd count" : ""));
                        }
                        else
                        {
                            this.into.TerminalSecret = key;
                        }

                        break;

                    case ConfigFields.CardPolicy:
                    case ConfigFields.CardApplication:
                    case ConfigFields.CardSystemId:
                    case ConfigFields.CardKey:
                        ApplyCard(field, line, value);
                        break;

                    default:
                        PinRules.Apply(field.Id - ConfigFields.FirstPin, line, value, this.into.Pins, this.errors);
                        break;
                }
            }

            private void CheckCertificateChoice()
            {
                bool inline = lineOf[ConfigFields.CaCertificate] != 0;
                bool file = lineOf[ConfigFields.CaCertificateFile] != 0;
                if (inline && file)
                {
                    int later = lineOf[ConfigFields.CaCertificate] > lineOf[ConfigFields.CaCertificateFile] ? ConfigFields.CaCertificate : ConfigFields.CaCertificateFile;
                    this.errors.Add(lineOf[later], ConfigFields.NameOf(later), "only one of gateway.ca_certificate and gateway.ca_certificate_file");
                    return;
                }

                if (!inline && !file && lineOf[ConfigFields.GatewayUrl] != 0 && ConfigValueText.ToLowerAscii(this.into.GatewayUrl).StartsWith("https://"))
                {
                    this.errors.Add(lineOf[ConfigFields.GatewayUrl], ConfigFields.NameOf(ConfigFields.CaCertificate),
                        "the gateway's root CA for an https URL: a gateway.ca_certificate PEM block or gateway.ca_certificate_file");
                }
            }
        }
    }
}
