namespace LeoCarte.Terminal.Config
{
    /// <summary>Receives one line of text (debug output, serial console, a test's collector).</summary>
    public delegate void LineWriter(string line);

    /// <summary>
    /// Prints the effective configuration, one "section.key = value" per line, with every secret masked:
    /// passwords and keys show only their length, never a character (a photo of the serial console or a
    /// validator log must not leak them).
    /// </summary>
    public static class ConfigurationPrinter
    {
        public static void Write(TerminalConfiguration config, LineWriter write)
        {
            write("terminal.id = " + config.TerminalId + (config.IsProvisioned ? "" : "   (not provisioned: every tap is denied)"));
            write("terminal.site = " + config.Site);
            write("terminal.mode = " + (config.Mode == TerminalMode.Vending ? "vending" : "restaurant"));
            write("time.timezone = " + config.TimeZone.ToString());
            write("time.ntp_server = " + config.NtpServer);
            for (int i = 0; i < config.ServiceWindows.Length; i++)
            {
                write("service.window = " + config.ServiceWindows[i].ToString());
            }

            write("wifi.ssid = " + config.WifiSsid);
            write("wifi.password = " + (config.WifiPassword.Length == 0 ? "(none: open network)" : Mask(config.WifiPassword.Length, "characters")));
            write("gateway.url = " + config.GatewayUrl);
            if (config.CaCertificateFile != null)
            {
                write("gateway.ca_certificate_file = " + config.CaCertificateFile);
            }

            if (config.CaCertificatePem != null)
            {
                write("gateway.ca_certificate = PEM, " + CountCertificates(config.CaCertificatePem).ToString() + " certificate(s), "
                    + config.CaCertificatePem.Length.ToString() + " characters");
            }
            else if (config.CaCertificateFile == null)
            {
                write("gateway.ca_certificate = (none)");
            }

            write("gateway.sync_interval_seconds = " + config.SyncIntervalSeconds.ToString());
            if (config.ListKeyIds.Length == 0)
            {
                write("keys.list_public_key = (none)");
            }

            for (int i = 0; i < config.ListKeyIds.Length; i++)
            {
                // A public key: its id and first bytes identify it, nothing to hide.
                byte[] point = config.ListPublicKeys[i];
                write("keys.list_public_key = " + config.ListKeyIds[i].ToString() + ":" + ShortHex(point) + "… (P-256)");
            }

            write("keys.max_list_version_jump = " + config.MaxListVersionJump.ToString());
            write("keys.terminal_secret = " + (config.TerminalSecret == null ? "(none)" : Mask(config.TerminalSecret.Length, "bytes")));
            write("keys.site_id = " + config.SiteId.ToString());
            write("terminal.demo = " + (config.Demo ? "yes" + (config.DemoReason == null ? "" : " (" + config.DemoReason + ")") : "no"));
            CardPolicySettings card = config.Card;
            write("card.policy = " + card.PolicyName());
            write("card.application = " + (card.ApplicationId == null ? "(none)" : Hex(card.ApplicationId[2]) + Hex(card.ApplicationId[1]) + Hex(card.ApplicationId[0])));
            write("card.system_id = " + (card.SystemId == null ? "(none)" : card.SystemId.Length.ToString() + " bytes"));
            if (card.KeyCount == 0)
            {
                write("card.key = (none)");
            }

            for (int i = 0; i < card.KeyCount; i++)
            {
                write("card.key = version " + card.KeyVersions[i].ToString() + ", " + Mask(card.MasterKeys[i].Length, "bytes"));
            }

            write("limits.card_daily_offline_cap_cents = " + config.CardDailyOfflineCapCents.ToString() + "   (" + Euros(config.CardDailyOfflineCapCents) + ")");
            write("limits.terminal_daily_offline_cap_cents = " + config.TerminalDailyOfflineCapCents.ToString() + "   (" + Euros(config.TerminalDailyOfflineCapCents) + ")");
            write("limits.list_max_age_hours = " + config.ListMaxAgeHours.ToString());
            write("limits.double_tap_seconds = " + config.DoubleTapSeconds.ToString());
            write("vend.pulse_ms = " + config.VendPulseMilliseconds.ToString());
            write("vend.pulse_count = " + config.VendPulseCount.ToString());
            write("vend.pulse_gap_ms = " + config.VendPulseGapMilliseconds.ToString());
            PinAssignment p = config.Pins;
            write("pins.spi_bus = " + p.SpiBus.ToString());
            write("pins.spi_sck = " + Pin(p.SpiClock));
            write("pins.spi_miso = " + Pin(p.SpiMiso));
            write("pins.spi_mosi = " + Pin(p.SpiMosi));
            write("pins.reader_cs = " + Pin(p.ReaderChipSelect));
            write("pins.reader_rst = " + Pin(p.ReaderReset));
            write("pins.reader_irq = " + Pin(p.ReaderIrq));
            write("pins.led_green = " + Pin(p.LedGreen));
            write("pins.led_red = " + Pin(p.LedRed));
            write("pins.buzzer = " + Pin(p.Buzzer));
            write("pins.vend_pulse = " + Pin(p.VendPulse));
            write("pins.mdb_tx = " + Pin(p.MdbTx));
            write("pins.mdb_rx = " + Pin(p.MdbRx));
        }

        /// <summary>
        /// Every error as "terminal.conf:7: wifi.password: expected ..." — the same form as the host validator, so a
        /// technician can compare the serial output with the validator's report line by line.
        /// </summary>
        public static void WriteErrors(string fileName, ConfigErrors errors, LineWriter write)
        {
            for (int i = 0; i < errors.Count; i++)
            {
                ConfigError error = errors[i];
                write(fileName + (error.Line > 0 ? ":" + error.Line.ToString() : "") + ": " + error.Field + ": expected " + error.Expected);
            }

            if (errors.Dropped > 0)
            {
                write(fileName + ": " + errors.Dropped.ToString() + " more error(s) not listed");
            }
        }

        /// <summary>"12.50 €" from 1250 cents.</summary>
        public static string Euros(int cents)
        {
            return (cents / 100).ToString() + "." + (cents % 100).ToString().PadLeft(2, '0') + " €";
        }

        /// <summary>The first 8 bytes in lowercase hex: enough to tell two public keys apart on a screen.</summary>
        private static string ShortHex(byte[] bytes)
        {
            string text = "";
            for (int i = 0; i < 8 && i < bytes.Length; i++)
            {
                text += LeoCarte.Terminal.Bytes.HexDigits.Lowercase[bytes[i] >> 4].ToString() + LeoCarte.Terminal.Bytes.HexDigits.Lowercase[bytes[i] & 15].ToString();
            }

            return text;
        }

        private static string Mask(int length, string unit) => "******** (set, " + length.ToString() + " " + unit + ")";

        private static string Pin(int gpio) => gpio == PinAssignment.NotConnected ? "none" : gpio.ToString();

        private static int CountCertificates(string pem)
        {
            int count = 0;
            int at = pem.IndexOf(ConfigurationParser.PemBegin);
            while (at >= 0)
            {
                count++;
                at = pem.IndexOf(ConfigurationParser.PemBegin, at + 1);
            }

            return count;
        }

        private static string Hex(byte value)
        {
            return new string(new char[] { "0123456789ABCDEF"[value >> 4], "0123456789ABCDEF"[value & 15] });
        }
    }
}
