namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// Everything a terminal is told by its configuration file (hardware/configuration.md), as typed fields.
    /// <see cref="ResetToDefaults"/> gives the compiled-in safe state: no identity, no Wi-Fi, no keys, hence no
    /// list can be verified and every tap is denied; the hardware defaults (pins, timings) are the documented
    /// wiring so the LEDs can still show why. Only a file that parses without a single error sets
    /// <see cref="IsProvisioned"/>.
    /// </summary>
    public sealed class TerminalConfiguration
    {
        /// <summary>Name of the configuration file in the device's flash store (I:\terminal.conf on the ESP32).</summary>
        public const string FileName = "terminal.conf";

        /// <summary>Terminal id shown while no valid configuration is loaded.</summary>
        public const string UnprovisionedId = "unprovisioned";

        /// <summary>True only after a configuration file parsed with no error; false = deny-all.</summary>
        public bool IsProvisioned;

        // [terminal]
        public string TerminalId;
        public string Site;
        public TerminalMode Mode;

        // [time]
        public LocalTimeRule TimeZone;
        public string NtpServer;

        // [service]
        /// <summary>Service windows in local time, sorted by start, non-overlapping; never null.</summary>
        public ServiceWindow[] ServiceWindows;

        // [wifi]
        public string WifiSsid;

        /// <summary>WPA2 passphrase (8..63 characters), 64-hex-digit PSK, or "" for an open network.</summary>
        public string WifiPassword;

        // [gateway]
        public string GatewayUrl;

        /// <summary>Root CA of the gateway's TLS certificate as PEM text (lines joined by '\n'), or null.</summary>
        public string CaCertificatePem;

        /// <summary>Flash file holding the CA PEM instead of <see cref="CaCertificatePem"/>, or null.</summary>
        public string CaCertificateFile;

        public int SyncIntervalSeconds;

        // [keys]
        /// <summary>
        /// Ids of the gateway's list signing keys this terminal trusts (keys.list_public_key), parallel to
        /// <see cref="ListPublicKeys"/>; empty when none. A list signed by another id is refused (UnknownKey).
        /// </summary>
        public uint[] ListKeyIds;

        /// <summary>The P-256 public keys, 65 bytes each (04 ‖ X ‖ Y): no secret, a stolen terminal cannot sign lists.</summary>
        public byte[][] ListPublicKeys;

        /// <summary>A list more than this many versions above the one in force is refused (keys.max_list_version_jump).</summary>
        public int MaxListVersionJump;

        /// <summary>
        /// terminal.demo = yes: the public sample keys and CA are accepted (a demonstration, never a deployment:
        /// the validator says "not deployable" and the self-test shows it).
        /// </summary>
        public bool Demo;

        /// <summary>Why this configuration only runs as a demonstration (the sample material it holds), or null.</summary>
        public string DemoReason;

        /// <summary>Secret this terminal authenticates itself with to the gateway (32..64 bytes), or null.</summary>
        public byte[] TerminalSecret;

        /// <summary>Site number every allowlist for this terminal carries in its signed header (the gateway's site id).</summary>
        public uint SiteId;


        // [limits]
        /// <summary>Most one card may spend per local day on approvals decided offline, in euro cents.</summary>
        public int CardDailyOfflineCapCents;

        /// <summary>Most this terminal may approve per local day while offline, in euro cents.</summary>
        public int TerminalDailyOfflineCapCents;

        /// <summary>Age beyond which the cached allowlist counts as stale.</summary>
        public int ListMaxAgeHours;

        /// <summary>A second tap of the same card within this many seconds is the same sale, never a second charge.</summary>
        public int DoubleTapSeconds;

        // [vend]
        public int VendPulseMilliseconds;
        public int VendPulseCount;
        public int VendPulseGapMilliseconds;

        // [card]
        public readonly CardPolicySettings Card = new CardPolicySettings();

        // [pins]
        public PinAssignment Pins;

        public TerminalConfiguration()
        {
            ResetToDefaults();
        }

        /// <summary>A configuration holding the compiled-in safe defaults.</summary>
        public static TerminalConfiguration Defaults() => new TerminalConfiguration();

        /// <summary>Back to the compiled-in safe defaults: unprovisioned, deny-all, documented wiring.</summary>
        public void ResetToDefaults()
        {
            IsProvisioned = false;
            TerminalId = UnprovisionedId;
            Site = "";
            Mode = TerminalMode.Restaurant;
            TimeZone = LocalTimeRule.EuropeParis();
            NtpServer = "fr.pool.ntp.org";
            ServiceWindows = DefaultWindows(TerminalMode.Restaurant);
            WifiSsid = "";
            WifiPassword = "";
            GatewayUrl = "";
            CaCertificatePem = null;
            CaCertificateFile = null;
            SyncIntervalSeconds = 60;
            ListKeyIds = new uint[0];
            ListPublicKeys = new byte[0][];
            MaxListVersionJump = 1000000;
            Demo = false;
            DemoReason = null;
            TerminalSecret = null;
            SiteId = 1;
            CardDailyOfflineCapCents = 1000;
            TerminalDailyOfflineCapCents = 100000;
            ListMaxAgeHours = 72;
            DoubleTapSeconds = 10;
            VendPulseMilliseconds = 100;
            VendPulseCount = 1;
            VendPulseGapMilliseconds = 100;
            Card.Reset();
            Pins = PinAssignment.Defaults();
        }

        /// <summary>
        /// Windows used when the file gives none: a restaurant serves lunch 11:00–14:30 and dinner 18:00–21:00
        /// (CROUS opening hours vary by site: set them in the file); a vending machine sells all day.
        /// </summary>
        public static ServiceWindow[] DefaultWindows(TerminalMode mode)
        {
            if (mode == TerminalMode.Vending)
            {
                return new ServiceWindow[] { new ServiceWindow("day", 0, 1440) };
            }

            return new ServiceWindow[]
            {
                new ServiceWindow("lunch", 11 * 60, 14 * 60 + 30),
                new ServiceWindow("dinner", 18 * 60, 21 * 60),
            };
        }

        /// <summary>The window containing <paramref name="localMinuteOfDay"/>, or null when outside every window.</summary>
        public ServiceWindow WindowAt(int localMinuteOfDay)
        {
            for (int i = 0; i < ServiceWindows.Length; i++)
            {
                if (ServiceWindows[i].Contains(localMinuteOfDay))
                {
                    return ServiceWindows[i];
                }
            }

            return null;
        }
    }
}
