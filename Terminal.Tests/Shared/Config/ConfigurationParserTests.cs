#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Tests.Config
{
    /// <summary>The configuration file format of hardware/configuration.md, parsed the same way on host and device.</summary>
    [TestClass]
    public partial class ConfigurationParserTests
    {
        [TestMethod]
        public void SiteIdIsReadAndDefaultsToOne()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(ConfigTestFiles.Minimal(), config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual(1L, (long)config.SiteId);
            Assert.AreEqual(60, config.SyncIntervalSeconds, "a lost card stops paying within a minute by default");
            Assert.IsTrue(ConfigTestFiles.Parse(ConfigTestFiles.Minimal() + "[keys]\nsite_id = 14\n", config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual(14L, (long)config.SiteId);
        }

        [TestMethod]
        public void MinimalFileIsProvisionedAndKeepsTheSafeDefaultsForTheRest()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            bool ok = ConfigTestFiles.Parse(ConfigTestFiles.Minimal(), config, errors);
            Assert.IsTrue(ok, ConfigTestFiles.AllErrors(errors));
            Assert.IsTrue(config.IsProvisioned);
            Assert.AreEqual("RU-CAEN-C1-01", config.TerminalId);
            Assert.AreEqual((int)TerminalMode.Restaurant, (int)config.Mode);
            Assert.AreEqual("crous-iot", config.WifiSsid);
            Assert.AreEqual(ConfigTestFiles.WifiPassword, config.WifiPassword);
            Assert.AreEqual("https://leocarte-gw.example.fr/terminal", config.GatewayUrl);
            Assert.AreEqual("gateway-ca.pem", config.CaCertificateFile);
            Assert.AreEqual(1, config.ListKeyIds.Length);
            Assert.AreEqual(7u, config.ListKeyIds[0]);
            Assert.AreEqual(65, config.ListPublicKeys[0].Length);
            Assert.AreEqual(0x04, (int)config.ListPublicKeys[0][0]);
            Assert.AreEqual(1000000, config.MaxListVersionJump);
            Assert.IsFalse(config.Demo);
            Assert.AreEqual(0xF0, (int)config.TerminalSecret[0]);

            TerminalConfiguration defaults = TerminalConfiguration.Defaults();
            Assert.AreEqual(defaults.SyncIntervalSeconds, config.SyncIntervalSeconds);
            Assert.AreEqual(defaults.DoubleTapSeconds, config.DoubleTapSeconds);
            Assert.AreEqual(defaults.CardDailyOfflineCapCents, config.CardDailyOfflineCapCents);
            Assert.AreEqual(defaults.Pins.LedRed, config.Pins.LedRed);
            Assert.AreEqual(2, config.ServiceWindows.Length, "restaurant default: lunch and dinner");
            Assert.AreEqual("lunch", config.ServiceWindows[0].Name);
            Assert.AreEqual("Europe/Paris", config.TimeZone.ToString());
        }

        [TestMethod]
        public void EveryOptionalFieldIsRead()
        {
            string text = ConfigTestFiles.Minimal()
                + "[terminal]\nsite = Resto U Côte de Nacre\n"
                + "[time]\ntimezone = UTC+02:00\nntp_server = ntp.unicaen.fr\n"
                + "[service]\nwindow = dinner 18:30-20:00\nwindow = lunch 11:15-13:45\n"
                + "[gateway]\nsync_interval_seconds = 120\n"
                + "[limits]\ncard_daily_offline_cap_cents = 660\nterminal_daily_offline_cap_cents = 50000\n"
                + "list_max_age_hours = 24\ndouble_tap_seconds = 5\n"
                + "[vend]\npulse_ms = 150\npulse_count = 3\npulse_gap_ms = 200\n"
                + "[pins]\nled_green = 13\nled_red = 14\nreader_irq = 34\nbuzzer = none\nmdb_rx = 35\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(text, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual("Resto U Côte de Nacre", config.Site);
            Assert.AreEqual((int)TimeZoneKind.FixedOffset, (int)config.TimeZone.Kind);
            Assert.AreEqual(120, config.TimeZone.StandardOffsetMinutes);
            Assert.AreEqual("ntp.unicaen.fr", config.NtpServer);
            Assert.AreEqual(2, config.ServiceWindows.Length);
            Assert.AreEqual("lunch 11:15-13:45", config.ServiceWindows[0].ToString(), "sorted by start");
            Assert.AreEqual("dinner 18:30-20:00", config.ServiceWindows[1].ToString());
            Assert.AreEqual(120, config.SyncIntervalSeconds);
            Assert.AreEqual(660, config.CardDailyOfflineCapCents);
            Assert.AreEqual(50000, config.TerminalDailyOfflineCapCents);
            Assert.AreEqual(24, config.ListMaxAgeHours);
            Assert.AreEqual(5, config.DoubleTapSeconds);
            Assert.AreEqual(150, config.VendPulseMilliseconds);
            Assert.AreEqual(3, config.VendPulseCount);
            Assert.AreEqual(200, config.VendPulseGapMilliseconds);
            Assert.AreEqual(13, config.Pins.LedGreen);
            Assert.AreEqual(14, config.Pins.LedRed);
            Assert.AreEqual(34, config.Pins.ReaderIrq, "an input may use an input-only GPIO");
            Assert.AreEqual(PinAssignment.NotConnected, config.Pins.Buzzer);
            Assert.AreEqual(35, config.Pins.MdbRx);
        }

        [TestMethod]
        public void AnEmptyFileReportsEveryRequiredFieldAtLineZero()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse("# nothing yet\n", config, errors));
            Assert.AreEqual(7, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 0, "terminal.id");
            ConfigTestFiles.AssertError(errors, 0, "terminal.mode");
            ConfigTestFiles.AssertError(errors, 0, "wifi.ssid");
            ConfigTestFiles.AssertError(errors, 0, "wifi.password");
            ConfigTestFiles.AssertError(errors, 0, "gateway.url");
            ConfigTestFiles.AssertError(errors, 0, "keys.list_public_key");
            ConfigTestFiles.AssertError(errors, 0, "keys.terminal_secret");
        }

        [TestMethod]
        public void NoBytesAtAllIsOneFileError()
        {
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigurationParser.Parse(new byte[0], 0, config, errors));
            Assert.IsFalse(ConfigurationParser.Parse(null, 10, config, errors));
            Assert.AreEqual(1, errors.Count);
            ConfigTestFiles.AssertError(errors, 0, "file");
        }

        /// <summary>Each bad line appended to a valid file (after a header of its section) is reported at its line for its field.</summary>
        [TestMethod]
        [DataRow("terminal", "site = ", "terminal.site")]
        [DataRow("terminal", "colour = blue", "terminal.colour")]
        [DataRow("time", "timezone = Europe/London", "time.timezone")]
        [DataRow("time", "timezone = UTC+15:00", "time.timezone")]
        [DataRow("time", "ntp_server = ntp..example", "time.ntp_server")]
        [DataRow("service", "window = lunch 11h30-14h", "service.window")]
        [DataRow("service", "window = lunch 14:00-11:30", "service.window")]
        [DataRow("service", "window = night 22:00-02:00", "service.window")]
        [DataRow("service", "window = lunch 11:30-24:01", "service.window")]
        [DataRow("service", "window = 11:30-14:00", "service.window")]
        [DataRow("gateway", "sync_interval_seconds = 10", "gateway.sync_interval_seconds")]
        [DataRow("gateway", "sync_interval_seconds = 5 min", "gateway.sync_interval_seconds")]
        [DataRow("limits", "card_daily_offline_cap_cents = -5", "limits.card_daily_offline_cap_cents")]
        [DataRow("limits", "terminal_daily_offline_cap_cents = 10000001", "limits.terminal_daily_offline_cap_cents")]
        [DataRow("limits", "list_max_age_hours = 0", "limits.list_max_age_hours")]
        [DataRow("limits", "double_tap_seconds = 601", "limits.double_tap_seconds")]
        [DataRow("vend", "pulse_ms = 5", "vend.pulse_ms")]
        [DataRow("vend", "pulse_count = 0", "vend.pulse_count")]
        [DataRow("vend", "pulse_gap_ms = 5001", "vend.pulse_gap_ms")]
        [DataRow("keys", "site_id = 0", "keys.site_id")]
        [DataRow("keys", "site_id = 70000", "keys.site_id")]
        [DataRow("pins", "spi_bus = 3", "pins.spi_bus")]
        [DataRow("pins", "led_red = 7", "pins.led_red")]
        [DataRow("pins", "led_red = 16", "pins.led_red")]
        [DataRow("pins", "led_red = 36", "pins.led_red")]
        [DataRow("pins", "led_red = 40", "pins.led_red")]
        [DataRow("pins", "led_red = none", "pins.led_red")]
        [DataRow("pins", "reader_cs = 20", "pins.reader_cs")]
        [DataRow("pins", "led_red = 25", "pins.led_red")]
        [DataRow("pins", "ssid = x", "pins.ssid")]
        public void ABadValueIsReportedAtItsLineForItsField(string section, string line, string field)
        {
            string text = ConfigTestFiles.Minimal() + "[" + section + "]\n" + line + "\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors), line);
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, field);
        }

        [TestMethod]
        public void EveryFieldOfTheTableHasItsPositionAsIdAndAKnownSection()
        {
            for (int i = 0; i < ConfigurationParser.Fields.Length; i++)
            {
                string name = ConfigurationParser.Fields[i];
                Assert.AreEqual(i, ConfigurationParser.FieldId(name), name);
                string section = name.Substring(0, name.IndexOf('.'));
                bool known = false;
                for (int s = 0; s < ConfigurationParser.Sections.Length; s++)
                {
                    known |= ConfigurationParser.Sections[s] == section;
                }

                Assert.IsTrue(known, name);
            }
        }

        [TestMethod]
        public void TheRemovedCardCsnFormIsAnUnknownKey()
        {
            // card.csn_form was parsed but never used: removed; an old file says so instead of being half-read.
            string text = ConfigTestFiles.Minimal() + "[card]\ncsn_form = hex\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "card.csn_form");
            Assert.AreEqual(-1, ConfigurationParser.FieldId("card.csn_form"));
        }

        /// <summary>Each required field replaced by a bad value: the error is at that line, not a "missing" error.</summary>
        [TestMethod]
        [DataRow(3, "id = RU CAEN", "terminal.id")]
        [DataRow(4, "mode = kiosk", "terminal.mode")]
        [DataRow(6, "ssid = a-network-name-longer-than-32-bytes", "wifi.ssid")]
        [DataRow(7, "password = short", "wifi.password")]
        [DataRow(9, "url = ftp://gw.example.fr", "gateway.url")]
        [DataRow(9, "url = http://gw.example.fr/terminal", "gateway.url")]
        [DataRow(9, "url = https://gw.example.fr:99999/", "gateway.url")]
        [DataRow(10, "ca_certificate_file = ../ca.pem", "gateway.ca_certificate_file")]
        [DataRow(12, "list_public_key = 7:0011", "keys.list_public_key")]
        [DataRow(12, "list_public_key = 0:04aa", "keys.list_public_key")]
        [DataRow(13, "terminal_secret = 0000000000000000000000000000000000000000000000000000000000000000", "keys.terminal_secret")]
        [DataRow(13, "terminal_secret = zz", "keys.terminal_secret")]
        public void ABadRequiredValueIsReportedAtItsLine(int lineNumber, string replacement, string field)
        {
            string text = ReplaceLine(ConfigTestFiles.Minimal(), lineNumber, replacement);
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, lineNumber, field);
        }

        [TestMethod]
        public void AnInvalidFileLeavesTheSafeDenyAllDefaults()
        {
            string text = ConfigTestFiles.Minimal() + "[pins]\nled_green = 13\n[limits]\ndouble_tap_seconds = forever\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.IsFalse(config.IsProvisioned);
            Assert.AreEqual(TerminalConfiguration.UnprovisionedId, config.TerminalId);
            Assert.AreEqual(0, config.ListKeyIds.Length, "no key: no list can be verified, every tap is denied");
            Assert.IsNull(config.TerminalSecret);
            Assert.AreEqual("", config.WifiSsid);
            Assert.AreEqual(25, config.Pins.LedGreen, "the LED code plays on the documented wiring, not the file's");
        }

        [TestMethod]
        public void EveryErrorOfTheFileIsReportedInLineOrder()
        {
            string text = "[terminal]\n"          // 1
                + "id = RU-CAEN-C1-01\n"          // 2
                + "mode = cafeteria\n"            // 3
                + "just some words\n"             // 4
                + "[wlan]\n"                      // 5
                + "ssid = ignored\n"              // 6
                + "[wifi]\n"                      // 7
                + "ssid = crous-iot\n"            // 8
                + "ssid = crous-iot-2\n"          // 9
                + "password = " + ConfigTestFiles.WifiPassword + "\n" // 10
                + "[gateway]\n"                   // 11
                + "url = https://gw.example.fr\n" // 12
                + "[keys]\n"                      // 13
                + "list_public_key = " + ConfigTestFiles.ListPublicKeyLine + "\n"   // 14
                + "terminal_secret = 0000000000000000000000000000000000000000000000000000000000000000\n"; // 15: all zero
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            string all = ConfigTestFiles.AllErrors(errors);
            Assert.AreEqual(6, errors.Count, all);
            ConfigTestFiles.AssertError(errors, 3, "terminal.mode");
            ConfigTestFiles.AssertError(errors, 4, "syntax");
            ConfigTestFiles.AssertError(errors, 5, "[wlan]");
            ConfigTestFiles.AssertError(errors, 9, "wifi.ssid");
            ConfigTestFiles.AssertError(errors, 12, "gateway.ca_certificate");
            ConfigTestFiles.AssertError(errors, 15, "keys.terminal_secret");
            Assert.IsTrue(all.IndexOf("already set at line 8") >= 0, all);
            for (int i = 1; i < errors.Count; i++)
            {
                Assert.IsTrue(errors[i - 1].Line <= errors[i].Line || errors[i].Line == 0, "file order");
            }
        }

        [TestMethod]
        public void AKeyInTheWrongSectionSaysWhereItBelongs()
        {
            string text = ConfigTestFiles.Minimal() + "[terminal]\nssid = crous-iot\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "terminal.ssid");
            Assert.IsTrue(errors[0].Expected.IndexOf("belongs in [wifi]") >= 0, errors[0].Expected);
        }

        [TestMethod]
        public void AKeyBeforeAnySectionIsAnError()
        {
            string text = "id = RU-1\n" + ConfigTestFiles.Minimal();
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 1, "id");
        }

        [TestMethod]
        public void ErrorsNeverQuoteASecret()
        {
            string badKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX";
            string text = ReplaceLine(ReplaceLine(ConfigTestFiles.Minimal(), 13, "terminal_secret = " + badKey), 7, "password = 1234567");
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            string all = ConfigTestFiles.AllErrors(errors);
            Assert.AreEqual(2, errors.Count, all);
            Assert.IsTrue(all.IndexOf("0123456789abcdef") < 0, all);
            Assert.IsTrue(all.IndexOf("1234567") < 0, all);
            Assert.IsTrue(all.IndexOf("found 64 characters") >= 0, "the length helps and is not secret: " + all);
        }

        [TestMethod]
        public void WindowsMayEndAtMidnightButNotOverlapOrRepeatANameOrExceedFour()
        {
            string text = ConfigTestFiles.Minimal() + "[service]\n"       // 15
                + "window = breakfast 7:00-9:30\n"                        // 16
                + "window = late 21:00-24:00\n"                           // 17
                + "window = lunch 9:00-14:00\n"                           // 18 overlaps breakfast
                + "window = Late 22:00-23:00\n"                           // 19 name used
                + "window = lunch 11:00-14:00\n"                          // 20 ok
                + "window = dinner 18:00-20:00\n"                         // 21 ok (4th)
                + "window = snack 16:00-17:00\n";                         // 22 fifth
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(3, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, 18, "service.window");
            ConfigTestFiles.AssertError(errors, 19, "service.window");
            ConfigTestFiles.AssertError(errors, 22, "service.window");
            Assert.IsTrue(errors[0].Expected.IndexOf("breakfast 07:00-09:30") >= 0, errors[0].Expected);
        }

        [TestMethod]
        public void AVendingTerminalSellsAllDayByDefaultAndNeedsAVendOutput()
        {
            string vending = ReplaceLine(ConfigTestFiles.Minimal(), 4, "mode = Vending");
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsTrue(ConfigTestFiles.Parse(vending, config, errors), ConfigTestFiles.AllErrors(errors));
            Assert.AreEqual((int)TerminalMode.Vending, (int)config.Mode);
            Assert.AreEqual(1, config.ServiceWindows.Length);
            Assert.AreEqual("day 00:00-24:00", config.ServiceWindows[0].ToString());
            Assert.IsNotNull(config.WindowAt(23 * 60 + 59));

            Assert.IsFalse(ConfigTestFiles.Parse(vending + "[pins]\nvend_pulse = none\n", config, errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 2, "pins.vend_pulse");
        }

        [TestMethod]
        public void APinClashingWithADefaultIsBlamedOnTheLineThatMovedIt()
        {
            string text = ConfigTestFiles.Minimal() + "[pins]\nled_green = 13\nbuzzer = 13\n";
            TerminalConfiguration config = new TerminalConfiguration();
            ConfigErrors errors = new ConfigErrors();
            Assert.IsFalse(ConfigTestFiles.Parse(text, config, errors));
            Assert.AreEqual(1, errors.Count, ConfigTestFiles.AllErrors(errors));
            ConfigTestFiles.AssertError(errors, ConfigTestFiles.MinimalLines + 3, "pins.buzzer");
            Assert.IsTrue(errors[0].Expected.IndexOf("pins.led_green") >= 0, errors[0].Expected);
        }

        /// <summary>The text with its 1-based line <paramref name="lineNumber"/> replaced (the replacement may span lines).</summary>
        internal static string ReplaceLine(string text, int lineNumber, string replacement)
        {
            string[] lines = text.Split(new char[] { '\n' });
            lines[lineNumber - 1] = replacement;
            string joined = lines[0];
            for (int i = 1; i < lines.Length; i++)
            {
                joined += "\n" + lines[i];
            }

            return joined;
        }
    }
}
