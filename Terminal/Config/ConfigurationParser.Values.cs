namespace LeoCarte.Terminal.Config
{
    public static partial class ConfigurationParser
    {
        /// <summary>
        /// The value rules of the fields whose syntax is more than a number in a range: time zone, service windows,
        /// Wi-Fi passphrase (IEEE 802.11i) and gateway URL. Each adds a clear error instead of setting a bad value.
        /// </summary>
        private sealed partial class ParseState
        {
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
                    ok = ConfigValueText.ParseHex(value) != null;
                }

                if (ok)
                {
                    this.into.WifiPassword = value;
                }
                else
                {
                    this.errors.Add(line, ConfigFields.NameOf(ConfigFields.WifiPassword), "8 to 63 printable ASCII characters, 64 hex digits, or nothing for an open network; found "
                        + value.Length.ToString() + " characters");
                }
            }

            private void ApplyTimeZone(int line, string value)
            {
                string lower = ConfigValueText.ToLowerAscii(value);
                if (lower == "europe/paris")
                {
                    this.into.TimeZone = LocalTimeRule.EuropeParis();
                    return;
                }

                if (lower == "utc")
                {
                    this.into.TimeZone = new LocalTimeRule(TimeZoneKind.FixedOffset, 0);
                    return;
                }

                if (lower.Length == 9 && lower.Substring(0, 3) == "utc" && (lower[3] == '+' || lower[3] == '-'))
                {
                    int minutes = ConfigValueText.ParseClock(lower.Substring(4), false);
                    if (minutes >= 0 && minutes <= 14 * 60)
                    {
                        this.into.TimeZone = new LocalTimeRule(TimeZoneKind.FixedOffset, lower[3] == '-' ? -minutes : minutes);
                        return;
                    }
                }

                this.errors.Add(line, ConfigFields.NameOf(ConfigFields.TimeZone), "Europe/Paris, UTC, or a fixed offset UTC+HH:MM / UTC-HH:MM (at most 14:00)");
            }

            private void ApplyWindow(int line, string value)
            {
                const string Expected = "name HH:MM-HH:MM in local time, e.g. lunch 11:30-14:00 (name: 1 to 16 of a-z A-Z 0-9 _ -)";
                string field = ConfigFields.NameOf(ConfigFields.ServiceWindow);
                int space = value.IndexOf(' ');
                int tab = value.IndexOf('\t');
                if (space < 0 || (tab >= 0 && tab < space))
                {
                    space = tab;
                }

                if (space < 0)
                {
                    this.errors.Add(line, field, Expected);
                    return;
                }

                string name = value.Substring(0, space);
                string range = ConfigValueText.Trim(value.Substring(space + 1));
                int dash = range.IndexOf('-');
                if (!ConfigValueText.IsIdentifier(name, 1, 16, false) || dash < 0)
                {
                    this.errors.Add(line, field, Expected);
                    return;
                }

                int start = ConfigValueText.ParseClock(ConfigValueText.Trim(range.Substring(0, dash)), false);
                int end = ConfigValueText.ParseClock(ConfigValueText.Trim(range.Substring(dash + 1)), true);
                if (start < 0 || end < 0)
                {
                    this.errors.Add(line, field, Expected);
                    return;
                }

                if (end <= start)
                {
                    this.errors.Add(line, field, "an end time after the start time (a window cannot cross midnight)");
                    return;
                }

                if (this.windows.Count >= MaxWindows)
                {
                    this.errors.Add(line, field, "at most " + MaxWindows.ToString() + " service windows");
                    return;
                }

                for (int i = 0; i < this.windows.Count; i++)
                {
                    var other = (ServiceWindow)this.windows[i];
                    if (ConfigValueText.ToLowerAscii(other.Name) == ConfigValueText.ToLowerAscii(name))
                    {
                        this.errors.Add(line, field, "a window name not already used (" + other.Name + " at line " + windowLines[i].ToString() + ")");
                        return;
                    }

                    if (start < other.EndMinute && other.StartMinute < end)
                    {
                        this.errors.Add(line, field, "a window not overlapping " + other.ToString() + " (line " + windowLines[i].ToString() + ")");
                        return;
                    }
                }

                this.windows.Add(new ServiceWindow(name, start, end));
                windowLines.Add(line);
            }

            private ServiceWindow[] SortedWindows()
            {
                var sorted = new ServiceWindow[this.windows.Count];
                for (int i = 0; i < sorted.Length; i++)
                {
                    var window = (ServiceWindow)this.windows[i];
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

            private void ApplyGatewayUrl(int line, string value)
            {
                const string Expected = "https://host[:port][/path] (http:// only for localhost or 127.0.0.1)";
                string lower = ConfigValueText.ToLowerAscii(value);
                bool https = lower.StartsWith("https://");
                bool http = lower.StartsWith("http://");
                if ((!https && !http) || value.Length > 200 || value.IndexOf(' ') >= 0)
                {
                    this.errors.Add(line, ConfigFields.NameOf(ConfigFields.GatewayUrl), Expected);
                    return;
                }

                string rest = value.Substring(https ? 8 : 7);
                int slash = rest.IndexOf('/');
                string authority = slash < 0 ? rest : rest.Substring(0, slash);
                int colon = authority.IndexOf(':');
                string host = colon < 0 ? authority : authority.Substring(0, colon);
                int port;
                bool portOk = colon < 0 || (ConfigValueText.TryParseNumber(authority.Substring(colon + 1), out port) && port >= 1 && port <= 65535);
                if (!ConfigValueText.IsHostName(host) || !portOk)
                {
                    this.errors.Add(line, ConfigFields.NameOf(ConfigFields.GatewayUrl), Expected);
                    return;
                }

                string lowerHost = ConfigValueText.ToLowerAscii(host);
                if (http && lowerHost != "localhost" && lowerHost != "127.0.0.1")
                {
                    this.errors.Add(line, ConfigFields.NameOf(ConfigFields.GatewayUrl), "https:// for a gateway that is not on this machine (plain http would expose the terminal secret)");
                    return;
                }

                this.into.GatewayUrl = value;
            }
        }
    }
}
