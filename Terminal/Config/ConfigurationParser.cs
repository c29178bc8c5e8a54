using System.Collections;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// Parses a terminal configuration file (format: hardware/configuration.md) — INI-like lines
    /// <c>key = value</c> under <c>[section]</c> headers, whole-line <c># comments</c>, UTF-8 — over the
    /// compiled-in defaults. Collects every error with its line, field and what is expected; never throws on
    /// any input. A file with even one error leaves <c>into</c> at its safe defaults (unprovisioned,
    /// deny-all, documented wiring) so the device can still blink its LED code.
    /// Runs once at boot (and in the host validator): it allocates freely, it is not on the tap path.
    /// </summary>
    public static class ConfigurationParser
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

        // Field ids: index into Fields.
        private const int TerminalId = 0;
        private const int TerminalSite = 1;
        private const int TerminalModeField = 2;
        private const int TimeZoneField = 3;
        private const int NtpServer = 4;
        private const int ServiceWindowField = 5;
        private const int WifiSsid = 6;
        private const int WifiPassword = 7;
        private const int GatewayUrl = 8;
        private const int CaCertificate = 9;
        private const int CaCertificateFile = 10;
        private const int SyncInterval = 11;
        private const int ListKey = 12;
        private const int TerminalSecret = 13;
        private const int CsnFormField = 14;
        private const int CardCap = 15;
        private const int TerminalCap = 16;
        private const int ListMaxAge = 17;
        private const int DoubleTap = 18;
        private const int PulseMs = 19;
        private const int PulseCount = 20;
        private const int PulseGapMs = 21;
        private const int SiteIdField = 22;
        private const int FirstPin = 23; // pins.spi_bus .. pins.mdb_rx follow in PinAssignment order

        // Pin indices relative to FirstPin (the order of the pins.* fields).
        private const int PinBus = 0;
        private const int PinSck = 1;
        private const int PinMiso = 2;
        private const int PinMosi = 3;
        private const int PinCs = 4;
        private const int PinRst = 5;
        private const int PinIrq = 6;
        private const int PinGreen = 7;
        private const int PinRed = 8;
        private const int PinBuzzer = 9;
        private const int PinVend = 10;
        private const int PinMdbTx = 11;
        private const int PinMdbRx = 12;

        /// <summary>Every field as "section.key"; the index is the field id.</summary>
        public static readonly string[] Fields = new string[]
        {
            "terminal.id", "terminal.site", "terminal.mode",
            "time.timezone", "time.ntp_server",
            "service.window",
            "wifi.ssid", "wifi.password",
            "gateway.url", "gateway.ca_certificate", "gateway.ca_certificate_file", "gateway.sync_interval_seconds",
            "keys.list_key", "keys.terminal_secret",
            "card.csn_form",
            "limits.card_daily_offline_cap_cents", "limits.terminal_daily_offline_cap_cents",
            "limits.list_max_age_hours", "limits.double_tap_seconds",
            "vend.pulse_ms", "vend.pulse_count", "vend.pulse_gap_ms",
            "keys.site_id",
            "pins.spi_bus", "pins.spi_sck", "pins.spi_miso", "pins.spi_mosi", "pins.reader_cs", "pins.reader_rst",
            "pins.reader_irq", "pins.led_green", "pins.led_red", "pins.buzzer", "pins.vend_pulse",
            "pins.mdb_tx", "pins.mdb_rx",
        };

        /// <summary>Fields a file must set: identity, network and keys have no safe default.</summary>
        private static readonly int[] Required = new int[]
        {
            TerminalId, TerminalModeField, WifiSsid, WifiPassword, GatewayUrl, ListKey, TerminalSecret,
        };

        /// <summary>The sections, in the order the documentation lists them.</summary>
        public static readonly string[] Sections = new string[]
        {
            "terminal", "time", "service", "wifi", "gateway", "keys", "card", "limits", "vend", "pins",
        };

        private const string ExpectedIdentifier = "1 to 32 characters among A-Z a-z 0-9 . _ -";
        private const string ExpectedHexKey = "64 to 128 hex digits (a key of 32 to 64 bytes)";

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
            int position = 0;
            if (length >= 3 && fileBytes[0] == 0xEF && fileBytes[1] == 0xBB && fileBytes[2] == 0xBF)
            {
                position = 3; // UTF-8 byte order mark written by some Windows editors
            }

            var chars = new char[MaxLineBytes];
            int lineNumber = 0;
            while (position < length)
            {
                lineNumber++;
                int end = position;
                while (end < length && fileBytes[end] != (byte)'\n')
                {
                    end++;
                }

                int next = end + 1;
                if (end > position && fileBytes[end - 1] == (byte)'\r')
                {
                    end--;
                }

                string text = DecodeLine(fileBytes, position, end - position, chars, lineNumber, errors);
                if (text != null)
                {
                    state.Line(lineNumber, Trim(text));
                }

                position = next;
            }

            state.Finish(lineNumber);
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
            for (int i = 0; i < Fields.Length; i++)
            {
                if (Fields[i] == qualifiedName)
                {
                    return i;
                }
            }

            return -1;
        }

        private static string DecodeLine(byte[] bytes, int offset, int count, char[] chars, int line, ConfigErrors errors)
        {
            if (count > MaxLineBytes)
            {
                errors.Add(line, FieldFile, "lines of at most " + MaxLineBytes.ToString() + " bytes (found " + count.ToString() + ")");
                return null;
            }

            int decoded = Utf8Text.Decode(bytes, offset, count, chars);
            if (decoded < 0)
            {
                errors.Add(line, FieldFile, "UTF-8 text (invalid byte sequence at column " + (-decoded).ToString() + ")");
                return null;
            }

            for (int i = 0; i < decoded; i++)
            {
                char c = chars[i];
                if ((c < ' ' && c != '\t') || c == (char)0x7F)
                {
                    errors.Add(line, FieldFile, "printable text (control character 0x" + ((int)c).ToString("X2") + " at column " + (i + 1).ToString() + ")");
                    return null;
                }
            }

            return new string(chars, 0, decoded);
        }

        internal static string Trim(string text)
        {
            int start = 0;
            int end = text.Length;
            while (start < end && (text[start] == ' ' || text[start] == '\t'))
            {
                start++;
            }

            while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
            {
                end--;
            }

            return start == 0 && end == text.Length ? text : text.Substring(start, end - start);
        }

        /// <summary>
        /// Position of the first <paramref name="c"/> in UTF-16 code units, read through ToCharArray: on
        /// nanoFramework string.IndexOf returns -1 for anything after a character above U+FFFF (strings are UTF-8
        /// inside; found on nanoCLR, Builds/README.md), so "🍽 = x" would read as a line without '='.
        /// </summary>
        internal static int IndexOfChar(string text, char c)
        {
            char[] chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] == c)
                {
                    return i;
                }
            }

            return -1;
        }

        internal static string ToLowerAscii(string text)
        {
            char[] chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] >= 'A' && chars[i] <= 'Z')
                {
                    chars[i] = (char)(chars[i] + 32);
                }
            }

            return new string(chars);
        }

        /// <summary>Non-negative decimal integer of at most 9 digits (no sign, no spaces, no separators).</summary>
        internal static bool TryParseNumber(string text, out int value)
        {
            value = 0;
            if (text.Length == 0 || text.Length > 9)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = value * 10 + (c - '0');
            }

            return true;
        }

        /// <summary>Hex digits only, an even count; null otherwise.</summary>
        internal static byte[] ParseHex(string text)
        {
            if (text.Length == 0 || (text.Length & 1) != 0)
            {
                return null;
            }

            var bytes = new byte[text.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                int high = HexDigits.ValueOf(text[2 * i]);
                int low = HexDigits.ValueOf(text[2 * i + 1]);
                if (high < 0 || low < 0)
                {
                    return null;
                }

                bytes[i] = (byte)((high << 4) | low);
            }

            return bytes;
        }

        /// <summary>"H:MM" or "HH:MM", 00:00..23:59, or 24:00 when <paramref name="allowEndOfDay"/>; minutes since midnight or -1.</summary>
        internal static int ParseClock(string text, bool allowEndOfDay)
        {
            int colon = text.IndexOf(':');
            if (colon < 1 || colon > 2 || text.Length != colon + 3)
            {
                return -1;
            }

            int hours;
            int minutes;
            if (!TryParseNumber(text.Substring(0, colon), out hours) || !TryParseNumber(text.Substring(colon + 1), out minutes))
            {
                return -1;
            }

            if (minutes > 59 || hours > 24 || (hours == 24 && (minutes != 0 || !allowEndOfDay)))
            {
                return -1;
            }

            return hours * 60 + minutes;
        }

        internal static bool IsIdentifier(string text, int minLength, int maxLength, bool allowDot)
        {
            if (text.Length < minLength || text.Length > maxLength)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (allowDot && c == '.');
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A DNS host name or dotted IPv4 address: letters, digits, '-' and '.', 1..63 characters.</summary>
        internal static bool IsHostName(string text)
        {
            if (!IsIdentifier(text, 1, 63, true) || text.IndexOf('_') >= 0)
            {
                return false;
            }

            return text[0] != '.' && text[0] != '-' && text[text.Length - 1] != '.' && text.IndexOf("..") < 0;
        }

        private static bool IsBase64Line(string text)
        {
            if (text.Length == 0 || text.Length > 76)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The working state of one parse (the parser itself is static and keeps nothing between calls).</summary>
        private sealed class ParseState
        {
            private readonly TerminalConfiguration _into;
            private readonly ConfigErrors _errors;

            /// <summary>Line where each field was set (0 = not set): duplicates, cross-checks and error positions.</summary>
            private readonly int[] _lineOf = new int[Fields.Length];

            private readonly ArrayList _windows = new ArrayList();
            private readonly ArrayList _windowLines = new ArrayList();

            private string _section;
            private bool _sectionKnown;

            // PEM block of gateway.ca_certificate being collected.
            private const int PemNone = 0;
            private const int PemInside = 1;
            private const int PemAfterEnd = 2;
            private int _pemState;
            private ArrayList _pemLines;
            private int _pemBase64Chars;
            private int _pemCertificates;
            private bool _pemValid;

            public ParseState(TerminalConfiguration into, ConfigErrors errors)
            {
                _into = into;
                _errors = errors;
            }

            public void Line(int line, string text)
            {
                if (_pemState != PemNone && PemLine(line, text))
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

                int equals = IndexOfChar(text, '=');
                if (equals < 0)
                {
                    _errors.Add(line, FieldSyntax, "key = value, a [section] header or a # comment");
                    return;
                }

                string key = ToLowerAscii(Trim(text.Substring(0, equals)));
                string value = Trim(text.Substring(equals + 1));
                if (_section == null)
                {
                    _errors.Add(line, key, "a [section] header before the first key");
                    return;
                }

                if (!_sectionKnown)
                {
                    return; // the unknown section was reported once at its header
                }

                int field = FieldId(_section + "." + key);
                if (field < 0)
                {
                    _errors.Add(line, _section + "." + key, UnknownKeyHint(key));
                    return;
                }

                if (field != ServiceWindowField && _lineOf[field] != 0)
                {
                    _errors.Add(line, Fields[field], "the field once (already set at line " + _lineOf[field].ToString() + ")");
                    return;
                }

                _lineOf[field] = line;
                Apply(field, line, value);
            }

            public void Finish(int lastLine)
            {
                if (_pemState == PemInside)
                {
                    _errors.Add(_lineOf[CaCertificate], Fields[CaCertificate], PemEnd + " before the end of the file");
                }
                else if (_pemState == PemAfterEnd)
                {
                    ClosePem();
                }

                for (int i = 0; i < Required.Length; i++)
                {
                    if (_lineOf[Required[i]] == 0)
                    {
                        _errors.Add(0, Fields[Required[i]], RequiredHint(Required[i]));
                    }
                }

                if (_windows.Count == 0)
                {
                    _into.ServiceWindows = TerminalConfiguration.DefaultWindows(_into.Mode);
                }
                else
                {
                    _into.ServiceWindows = SortedWindows();
                }

                CheckCertificateChoice();
                CheckSecretsDiffer();
                CheckPinsDistinct();
                if (_into.Mode == TerminalMode.Vending && _into.Pins.VendPulse == PinAssignment.NotConnected)
                {
                    _errors.Add(_lineOf[FirstPin + PinVend], Fields[FirstPin + PinVend], "a GPIO for the vend output when terminal.mode = vending");
                }
            }

            private void SectionHeader(int line, string text)
            {
                if (text[text.Length - 1] != ']' || text.Length < 3)
                {
                    _errors.Add(line, FieldSyntax, "a section header like [wifi]");
                    _section = null;
                    return;
                }

                string name = ToLowerAscii(Trim(text.Substring(1, text.Length - 2)));
                _section = name;
                _sectionKnown = false;
                for (int i = 0; i < Sections.Length; i++)
                {
                    if (Sections[i] == name)
                    {
                        _sectionKnown = true;
                    }
                }

                if (!_sectionKnown)
                {
                    string all = "";
                    for (int i = 0; i < Sections.Length; i++)
                    {
                        all += (i == 0 ? "[" : " [") + Sections[i] + "]";
                    }

                    _errors.Add(line, "[" + name + "]", "one of the sections " + all);
                }
            }

            private string UnknownKeyHint(string key)
            {
                string keys = "";
                string elsewhere = null;
                for (int i = 0; i < Fields.Length; i++)
                {
                    string field = Fields[i];
                    int dot = field.IndexOf('.');
                    string fieldSection = field.Substring(0, dot);
                    string fieldKey = field.Substring(dot + 1);
                    if (fieldSection == _section)
                    {
                        keys += (keys.Length == 0 ? "" : ", ") + fieldKey;
                    }
                    else if (fieldKey == key)
                    {
                        elsewhere = fieldSection;
                    }
                }

                string hint = "a key of [" + _section + "]: " + keys;
                return elsewhere == null ? hint : hint + " (" + key + " belongs in [" + elsewhere + "])";
            }

            private static string RequiredHint(int field)
            {
                switch (field)
                {
                    case TerminalId: return "a value (required): " + ExpectedIdentifier;
                    case TerminalModeField: return "a value (required): restaurant or vending";
                    case WifiSsid: return "a value (required): the Wi-Fi network name, 1 to 32 bytes";
                    case WifiPassword: return "a value (required): the WPA2 passphrase, or an empty value for an open network";
                    case GatewayUrl: return "a value (required): https://host[:port][/path]";
                    default: return "a value (required): " + ExpectedHexKey;
                }
            }

            private void Apply(int field, int line, string value)
            {
                int number;
                switch (field)
                {
                    case TerminalId:
                        if (IsIdentifier(value, 1, 32, true))
                        {
                            _into.TerminalId = value;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], ExpectedIdentifier);
                        }

                        break;

                    case TerminalSite:
                        if (value.Length >= 1 && value.Length <= 64)
                        {
                            _into.Site = value;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], "1 to 64 characters");
                        }

                        break;

                    case TerminalModeField:
                        string mode = ToLowerAscii(value);
                        if (mode == "restaurant")
                        {
                            _into.Mode = TerminalMode.Restaurant;
                        }
                        else if (mode == "vending")
                        {
                            _into.Mode = TerminalMode.Vending;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], "restaurant or vending");
                        }

                        break;

                    case TimeZoneField:
                        ApplyTimeZone(line, value);
                        break;

                    case NtpServer:
                        if (IsHostName(value))
                        {
                            _into.NtpServer = value;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], "a host name such as fr.pool.ntp.org");
                        }

                        break;

                    case ServiceWindowField:
                        ApplyWindow(line, value);
                        break;

                    case WifiSsid:
                        int ssidBytes = Utf8Text.ByteCount(value);
                        if (ssidBytes >= 1 && ssidBytes <= 32)
                        {
                            _into.WifiSsid = value;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], "1 to 32 bytes (IEEE 802.11 SSID), found " + ssidBytes.ToString());
                        }

                        break;

                    case WifiPassword:
                        ApplyWifiPassword(line, value);
                        break;

                    case GatewayUrl:
                        ApplyGatewayUrl(line, value);
                        break;

                    case CaCertificate:
                        if (value == PemBegin)
                        {
                            _pemState = PemInside;
                            _pemLines = new ArrayList();
                            _pemLines.Add(PemBegin);
                            _pemBase64Chars = 0;
                            _pemCertificates = 0;
                            _pemValid = true;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], PemBegin + " followed by the certificate's lines (or use gateway.ca_certificate_file)");
                        }

                        break;

                    case CaCertificateFile:
                        if (IsIdentifier(value, 1, 32, true))
                        {
                            _into.CaCertificateFile = value;
                        }
                        else
                        {
                            _errors.Add(line, Fields[field], "a flash file name of 1 to 32 characters among A-Z a-z 0-9 . _ - (e.g. gateway-ca.pem)");
                        }

                        break;

                    case SyncInterval:
                        if (InRange(line, field, value, 30, 86400, "seconds", out number))
                        {
                            _into.SyncIntervalSeconds = number;
                        }

                        break;

                    case ListKey:
                    case TerminalSecret:
                        byte[] key = ParseHex(value);
                        if (key == null || key.Length < 32 || key.Length > 64)
                        {
                            // The length is not secret, the digits are: never echo them.
                            _errors.Add(line, Fields[field], ExpectedHexKey + ", found " + value.Length.ToString() + " characters"
                                + (key == null && value.Length > 0 ? " that are not all hex digits or an odd count" : ""));
                        }
                        else if (field == ListKey)
                        {
                            _into.ListKey = key;
                        }
                        else
                        {
                            _into.TerminalSecret = key;
                        }

                        break;

                    case CsnFormField:
                        ApplyCsnForm(line, value);
                        break;

                    case CardCap:
                        if (InRange(line, field, value, 0, 100000, "cents", out number))
                        {
                            _into.CardDailyOfflineCapCents = number;
                        }

                        break;

                    case TerminalCap:
                        if (InRange(line, field, value, 0, 10000000, "cents", out number))
                        {
                            _into.TerminalDailyOfflineCapCents = number;
                        }

                        break;

                    case ListMaxAge:
                        if (InRange(line, field, value, 1, 720, "hours", out number))
                        {
                            _into.ListMaxAgeHours = number;
                        }

                        break;

                    case DoubleTap:
                        if (InRange(line, field, value, 0, 600, "seconds", out number))
                        {
                            _into.DoubleTapSeconds = number;
                        }

                        break;

                    case PulseMs:
                        if (InRange(line, field, value, 10, 5000, "milliseconds", out number))
                        {
                            _into.VendPulseMilliseconds = number;
                        }

                        break;

                    case PulseCount:
                        if (InRange(line, field, value, 1, 20, "pulses", out number))
                        {
                            _into.VendPulseCount = number;
                        }

                        break;

                    case PulseGapMs:
                        if (InRange(line, field, value, 10, 5000, "milliseconds", out number))
                        {
                            _into.VendPulseGapMilliseconds = number;
                        }

                        break;

                    case SiteIdField:
                        if (InRange(line, field, value, 1, 65535, "(the gateway's site number)", out number))
                        {
                            _into.SiteId = (uint)number;
                        }

                        break;

                    default:
                        ApplyPin(field, line, value);
                        break;
                }
            }

            private bool InRange(int line, int field, string value, int min, int max, string unit, out int number)
            {
                if (TryParseNumber(value, out number) && number >= min && number <= max)
                {
                    return true;
                }

                _errors.Add(line, Fields[field], "a whole number of " + unit + " from " + min.ToString() + " to " + max.ToString());
                return false;
            }

            private void ApplyTimeZone(int line, string value)
            {
                string lower = ToLowerAscii(value);
                if (lower == "europe/paris")
                {
                    _into.TimeZone = LocalTimeRule.EuropeParis();
                    return;
                }

                if (lower == "utc")
                {
                    _into.TimeZone = new LocalTimeRule(TimeZoneKind.FixedOffset, 0);
                    return;
                }

                if (lower.Length == 9 && lower.Substring(0, 3) == "utc" && (lower[3] == '+' || lower[3] == '-'))
                {
                    int minutes = ParseClock(lower.Substring(4), false);
                    if (minutes >= 0 && minutes <= 14 * 60)
                    {
                        _into.TimeZone = new LocalTimeRule(TimeZoneKind.FixedOffset, lower[3] == '-' ? -minutes : minutes);
                        return;
                    }
                }

                _errors.Add(line, Fields[TimeZoneField], "Europe/Paris, UTC, or a fixed offset UTC+HH:MM / UTC-HH:MM (at most 14:00)");
            }

            private void ApplyWindow(int line, string value)
            {
                const string Expected = "name HH:MM-HH:MM in local time, e.g. lunch 11:30-14:00 (name: 1 to 16 of a-z A-Z 0-9 _ -)";
                string field = Fields[ServiceWindowField];
                int space = value.IndexOf(' ');
                int tab = value.IndexOf('\t');
                if (space < 0 || (tab >= 0 && tab < space))
                {
                    space = tab;
                }

                if (space < 0)
                {
                    _errors.Add(line, field, Expected);
                    return;
                }

                string name = value.Substring(0, space);
                string range = Trim(value.Substring(space + 1));
                int dash = range.IndexOf('-');
                if (!IsIdentifier(name, 1, 16, false) || dash < 0)
                {
                    _errors.Add(line, field, Expected);
                    return;
                }

                int start = ParseClock(Trim(range.Substring(0, dash)), false);
                int end = ParseClock(Trim(range.Substring(dash + 1)), true);
                if (start < 0 || end < 0)
                {
                    _errors.Add(line, field, Expected);
                    return;
                }

                if (end <= start)
                {
                    _errors.Add(line, field, "an end time after the start time (a window cannot cross midnight)");
                    return;
                }

                if (_windows.Count >= MaxWindows)
                {
                    _errors.Add(line, field, "at most " + MaxWindows.ToString() + " service windows");
                    return;
                }

                for (int i = 0; i < _windows.Count; i++)
                {
                    var other = (ServiceWindow)_windows[i];
                    if (ToLowerAscii(other.Name) == ToLowerAscii(name))
                    {
                        _errors.Add(line, field, "a window name not already used (" + other.Name + " at line " + _windowLines[i].ToString() + ")");
                        return;
                    }

                    if (start < other.EndMinute && other.StartMinute < end)
                    {
                        _errors.Add(line, field, "a window not overlapping " + other.ToString() + " (line " + _windowLines[i].ToString() + ")");
                        return;
                    }
                }

                _windows.Add(new ServiceWindow(name, start, end));
                _windowLines.Add(line);
            }

            private ServiceWindow[] SortedWindows()
            {
                var sorted = new ServiceWindow[_windows.Count];
                for (int i = 0; i < sorted.Length; i++)
                {
                    var window = (ServiceWindow)_windows[i];
                    int j = i;
                    while (j > 0 && sorted[j - 1].StartMinute > window.StartMinute)
                    {
                        sorted[j] = sorted[j - 1];
                        j--;
                    }

                    sorted[j] = window;
                }

                return sorted;
            }

            private void ApplyWifiPassword(int line, string value)
            {
                // IEEE 802.11i (WPA2-Personal): a passphrase of 8..63 printable ASCII characters, or the 256-bit
                // PSK itself as 64 hex digits. Empty = open network.
                bool ok = value.Length == 0;
                if (value.Length >= 8 && value.Length <= 63)
                {
                    ok = true;
                    for (int i = 0; i < value.Length; i++)
                    {
                        if (value[i] < ' ' || value[i] > '~')
                        {
                            ok = false;
                        }
                    }
                }
                else if (value.Length == 64)
                {
                    ok = ParseHex(value) != null;
                }

                if (ok)
                {
                    _into.WifiPassword = value;
                }
                else
                {
                    _errors.Add(line, Fields[WifiPassword], "8 to 63 printable ASCII characters, 64 hex digits, or nothing for an open network; found "
                        + value.Length.ToString() + " characters");
                }
            }

            private void ApplyGatewayUrl(int line, string value)
            {
                const string Expected = "https://host[:port][/path] (http:// only for localhost or 127.0.0.1)";
                string lower = ToLowerAscii(value);
                bool https = lower.StartsWith("https://");
                bool http = lower.StartsWith("http://");
                if ((!https && !http) || value.Length > 200 || value.IndexOf(' ') >= 0)
                {
                    _errors.Add(line, Fields[GatewayUrl], Expected);
                    return;
                }

                string rest = value.Substring(https ? 8 : 7);
                int slash = rest.IndexOf('/');
                string authority = slash < 0 ? rest : rest.Substring(0, slash);
                int colon = authority.IndexOf(':');
                string host = colon < 0 ? authority : authority.Substring(0, colon);
                int port;
                bool portOk = colon < 0 || (TryParseNumber(authority.Substring(colon + 1), out port) && port >= 1 && port <= 65535);
                if (!IsHostName(host) || !portOk)
                {
                    _errors.Add(line, Fields[GatewayUrl], Expected);
                    return;
                }

                string lowerHost = ToLowerAscii(host);
                if (http && lowerHost != "localhost" && lowerHost != "127.0.0.1")
                {
                    _errors.Add(line, Fields[GatewayUrl], "https:// for a gateway that is not on this machine (plain http would expose the terminal secret)");
                    return;
                }

                _into.GatewayUrl = value;
            }

            private void ApplyCsnForm(int line, string value)
            {
                string lower = ToLowerAscii(value);
                if (lower == "hex")
                {
                    _into.CsnForm = CsnForm.Hex;
                }
                else if (lower == "hex-reversed")
                {
                    _into.CsnForm = CsnForm.HexReversed;
                }
                else if (lower == "decimal")
                {
                    _into.CsnForm = CsnForm.Decimal;
                }
                else if (lower == "decimal-reversed")
                {
                    _into.CsnForm = CsnForm.DecimalReversed;
                }
                else
                {
                    _errors.Add(line, Fields[CsnFormField], "hex, hex-reversed, decimal or decimal-reversed");
                }
            }

            private void ApplyPin(int field, int line, string value)
            {
                int index = field - FirstPin;
                int number;
                if (index == PinBus)
                {
                    // ESP32 has three general-purpose SPI hosts; nanoFramework numbers HSPI and VSPI as buses 1 and 2.
                    if (TryParseNumber(value, out number) && (number == 1 || number == 2))
                    {
                        _into.Pins.SpiBus = number;
                    }
                    else
                    {
                        _errors.Add(line, Fields[field], "1 or 2 (nanoFramework SPI bus id)");
                    }

                    return;
                }

                bool optional = IsOptionalPin(index);
                bool input = IsInputPin(index);
                if (optional && ToLowerAscii(value) == "none")
                {
                    SetPin(index, PinAssignment.NotConnected);
                    return;
                }

                string expected = "a GPIO number 0 to 39, not 6-11 (flash), 16-17 (PSRAM) or a number the ESP32 lacks (20, 24, 28-31)"
                    + (input ? "" : ", not 34-39 (input-only)") + (optional ? ", or none" : "");
                if (!TryParseNumber(value, out number) || number > PinAssignment.HighestGpio || PinAssignment.IsReserved(number)
                    || (!input && PinAssignment.IsInputOnly(number)))
                {
                    _errors.Add(line, Fields[field], expected);
                    return;
                }

                SetPin(index, number);
            }

            /// <summary>Reader IRQ, buzzer, vend output and the MDB pair may be absent.</summary>
            private static bool IsOptionalPin(int index) =>
                index == PinIrq || index == PinBuzzer || index == PinVend || index == PinMdbTx || index == PinMdbRx;

            /// <summary>MISO, reader IRQ and MDB RX are inputs: the input-only GPIO34..39 suit them.</summary>
            private static bool IsInputPin(int index) => index == PinMiso || index == PinIrq || index == PinMdbRx;

            private int GetPin(int index)
            {
                PinAssignment p = _into.Pins;
                switch (index)
                {
                    case PinSck: return p.SpiClock;
                    case PinMiso: return p.SpiMiso;
                    case PinMosi: return p.SpiMosi;
                    case PinCs: return p.ReaderChipSelect;
                    case PinRst: return p.ReaderReset;
                    case PinIrq: return p.ReaderIrq;
                    case PinGreen: return p.LedGreen;
                    case PinRed: return p.LedRed;
                    case PinBuzzer: return p.Buzzer;
                    case PinVend: return p.VendPulse;
                    case PinMdbTx: return p.MdbTx;
                    default: return p.MdbRx;
                }
            }

            private void SetPin(int index, int gpio)
            {
                PinAssignment p = _into.Pins;
                switch (index)
                {
                    case PinSck: p.SpiClock = gpio; break;
                    case PinMiso: p.SpiMiso = gpio; break;
                    case PinMosi: p.SpiMosi = gpio; break;
                    case PinCs: p.ReaderChipSelect = gpio; break;
                    case PinRst: p.ReaderReset = gpio; break;
                    case PinIrq: p.ReaderIrq = gpio; break;
                    case PinGreen: p.LedGreen = gpio; break;
                    case PinRed: p.LedRed = gpio; break;
                    case PinBuzzer: p.Buzzer = gpio; break;
                    case PinVend: p.VendPulse = gpio; break;
                    case PinMdbTx: p.MdbTx = gpio; break;
                    default: p.MdbRx = gpio; break;
                }
            }

            private void CheckPinsDistinct()
            {
                for (int a = PinSck; a <= PinMdbRx; a++)
                {
                    for (int b = a + 1; b <= PinMdbRx; b++)
                    {
                        int gpio = GetPin(a);
                        if (gpio == PinAssignment.NotConnected || gpio != GetPin(b))
                        {
                            continue;
                        }

                        // Report at the line that set one of the two (the later one); both defaults never clash.
                        int lineA = _lineOf[FirstPin + a];
                        int lineB = _lineOf[FirstPin + b];
                        int blamed = lineB >= lineA ? b : a;
                        int other = blamed == b ? a : b;
                        _errors.Add(_lineOf[FirstPin + blamed], Fields[FirstPin + blamed],
                            "a GPIO no other signal uses (" + gpio.ToString() + " is also " + Fields[FirstPin + other] + ")");
                    }
                }
            }

            private void CheckCertificateChoice()
            {
                bool inline = _lineOf[CaCertificate] != 0;
                bool file = _lineOf[CaCertificateFile] != 0;
                if (inline && file)
                {
                    int later = _lineOf[CaCertificate] > _lineOf[CaCertificateFile] ? CaCertificate : CaCertificateFile;
                    _errors.Add(_lineOf[later], Fields[later], "only one of gateway.ca_certificate and gateway.ca_certificate_file");
                    return;
                }

                if (!inline && !file && _lineOf[GatewayUrl] != 0 && ToLowerAscii(_into.GatewayUrl).StartsWith("https://"))
                {
                    _errors.Add(_lineOf[GatewayUrl], Fields[CaCertificate],
                        "the gateway's root CA for an https URL: a gateway.ca_certificate PEM block or gateway.ca_certificate_file");
                }
            }

            private void CheckSecretsDiffer()
            {
                byte[] a = _into.ListKey;
                byte[] b = _into.TerminalSecret;
                if (a == null || b == null || a.Length != b.Length)
                {
                    return;
                }

                for (int i = 0; i < a.Length; i++)
                {
                    if (a[i] != b[i])
                    {
                        return;
                    }
                }

                _errors.Add(_lineOf[TerminalSecret], Fields[TerminalSecret], "a secret different from keys.list_key (one leaked key must not unlock both)");
            }

            /// <summary>Handles a line while a PEM block is open; false when the line ends the block and must be parsed normally.</summary>
            private bool PemLine(int line, string text)
            {
                if (_pemState == PemAfterEnd)
                {
                    if (text == PemBegin)
                    {
                        _pemState = PemInside; // the next certificate of a chain
                        _pemLines.Add(text);
                        return true;
                    }

                    if (text.Length == 0)
                    {
                        return true;
                    }

                    ClosePem();
                    return false;
                }

                if (text.Length == 0)
                {
                    return true;
                }

                if (text == PemEnd)
                {
                    if (_pemBase64Chars == 0 || (_pemBase64Chars & 3) != 0)
                    {
                        _errors.Add(line, Fields[CaCertificate], "base64 content whose length is a multiple of 4 before " + PemEnd);
                        _pemValid = false;
                    }

                    _pemLines.Add(text);
                    _pemCertificates++;
                    _pemBase64Chars = 0;
                    _pemState = PemAfterEnd;
                    return true;
                }

                if (text[0] == '[' || text.IndexOf(" = ") > 0 || text[0] == '#')
                {
                    // The END line is missing: end the block here and let this line be parsed as a setting.
                    _errors.Add(line, Fields[CaCertificate], PemEnd + " before this line (the certificate started at line " + _lineOf[CaCertificate].ToString() + ")");
                    _pemState = PemNone;
                    _pemLines = null;
                    return false;
                }

                if (!IsBase64Line(text) || (_pemBase64Chars > 0 && HasPaddingBefore()))
                {
                    _errors.Add(line, Fields[CaCertificate], "a base64 line of the certificate (A-Z a-z 0-9 + / =, at most 76 characters) or " + PemEnd);
                    _pemValid = false;
                    return true;
                }

                _pemBase64Chars += text.Length;
                _pemLines.Add(text);
                return true;
            }

            /// <summary>'=' padding may only end a certificate's base64: a line after a padded line is an error.</summary>
            private bool HasPaddingBefore()
            {
                string previous = (string)_pemLines[_pemLines.Count - 1];
                return previous.Length > 0 && previous[previous.Length - 1] == '=';
            }

            private void ClosePem()
            {
                if (_pemValid && _pemCertificates > 0)
                {
                    var lines = new string[_pemLines.Count];
                    for (int i = 0; i < lines.Length; i++)
                    {
                        lines[i] = (string)_pemLines[i] + "\n";
                    }

                    _into.CaCertificatePem = string.Concat(lines);
                }

                _pemState = PemNone;
                _pemLines = null;
            }
        }
    }
}
