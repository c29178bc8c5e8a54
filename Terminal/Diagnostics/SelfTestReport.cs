using System;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Diagnostics
{
    /// <summary>Outcome of one boot check.</summary>
    public enum CheckResult
    {
        /// <summary>Not run (yet): neither a pass nor a fault.</summary>
        NotRun = 0,
        Pass = 1,
        Fail = 2,
    }

    /// <summary>
    /// What the terminal found about itself at boot (and on demand): the app fills each field from the component
    /// that knows it — configuration loader, MFRC522 driver, storage recovery, Wi-Fi, SNTP, allowlist store,
    /// journal — then <see cref="SelfTestFormatter"/> prints it on the debug output and <see cref="FaultSelector"/>
    /// picks the LED code. Plain data: no behaviour, no dependency on a device API.
    /// </summary>
    public sealed class SelfTestReport
    {
        /// <summary>Value of counters and ages nobody measured.</summary>
        public const int Unknown = -1;

        public string FirmwareVersion = FirmwareInfo.Version;
        public string TerminalId = TerminalConfiguration.UnprovisionedId;
        public TerminalMode Mode = TerminalMode.Restaurant;

        // Configuration (ConfigurationLoader)
        public ConfigurationStatus ConfigStatus = ConfigurationStatus.Missing;
        public int ConfigErrorCount;

        /// <summary>The first configuration error as text (ConfigError.ToString()), or null.</summary>
        public string FirstConfigError;

        // Reader (MFRC522 driver)
        /// <summary>Pass when the chip answered on SPI with a known VersionReg value.</summary>
        public CheckResult Reader;

        /// <summary>VersionReg (datasheet §9.3.4.8): 0x91 = v1.0, 0x92 = v2.0, 0x88 = FM17522 clone; <see cref="Unknown"/> when unread.</summary>
        public int ReaderVersion = Unknown;

        /// <summary>The MFRC522 digital self-test (datasheet §16.1.1): FIFO content compared with the reference for its version.</summary>
        public CheckResult ReaderSelfTest;

        /// <summary>Antenna drivers on (TxControlReg Tx1RFEn/Tx2RFEn) and the field detected.</summary>
        public CheckResult Antenna;

        /// <summary>The chip reported overheating (ErrorReg.TempErr) at the antenna check: it switched its drivers off.</summary>
        public bool ReaderOverheated;

        /// <summary>The chip's name as the driver knows it (Drivers/Mfrc522 ChipVersion.Name), null before the reader ran.</summary>
        public string ReaderName;

        // Storage (flash file system, recovery of journal/list files)
        public CheckResult Storage;

        /// <summary>Free bytes in the flash store, or <see cref="Unknown"/>.</summary>
        public long StorageFreeBytes = Unknown;

        // Network
        public CheckResult Wifi;
        public string WifiSsid;
        public string IpAddress;

        /// <summary>Received signal strength in dBm (negative), or 0 when unknown.</summary>
        public int WifiRssiDbm;

        /// <summary>The gateway answered (TLS handshake and an authenticated request).</summary>
        public CheckResult Gateway;

        // Clock (SNTP or gateway time)
        public bool ClockSynced;
        public DateTime UtcNow;

        /// <summary>The clock refused a step since boot (Sync/SyncedClock): it keeps its own count; someone may be moving it.</summary>
        public bool ClockSuspect;

        /// <summary>Why the clock is suspect ("sntp step refused", …), or null.</summary>
        public string ClockSuspectReason;

        /// <summary>The last refused step (offered time minus the clock's), in seconds.</summary>
        public long ClockStepSeconds;

        // Allowlist
        public bool ListPresent;
        public long ListVersion = Unknown;
        public int ListCardCount = Unknown;

        /// <summary>Age of the list (now minus its generation time) in minutes, or <see cref="Unknown"/> (clock not synced).</summary>
        public long ListAgeMinutes = Unknown;

        /// <summary>From the configuration: age beyond which the list is stale.</summary>
        public int ListMaxAgeHours = 72;

        // Journal
        /// <summary>Decisions journaled but not yet acknowledged by the gateway.</summary>
        public int JournalPending;

        /// <summary>Records the journal holds before it is full, or <see cref="Unknown"/>.</summary>
        public int JournalCapacity = Unknown;

        // Recoveries since the last report (the terminal heals itself; a rising count tells a technician why)
        /// <summary>Torn writes repaired at boot (journal tail cut back, interrupted list replacement finished).</summary>
        public int StorageRecoveries;

        /// <summary>Reader re-initialisations by the reader watchdog (Crypto1 left on, antenna bits lost).</summary>
        public int ReaderRecoveries;

        /// <summary>Why the device last started: "power-on", "watchdog", "software reboot", or null when unknown.</summary>
        public string LastResetReason;

        /// <summary>Copies the configuration step's outcome (identity, mode, status, error count and first error).</summary>
        public void SetConfiguration(ConfigurationStatus status, TerminalConfiguration config, ConfigErrors errors)
        {
            ConfigStatus = status;
            TerminalId = config.TerminalId;
            Mode = config.Mode;
            ListMaxAgeHours = config.ListMaxAgeHours;
            ConfigErrorCount = errors.Count + errors.Dropped;
            FirstConfigError = errors.Count > 0 ? errors[0].ToString() : null;
        }

        /// <summary>True when the list is older than <see cref="ListMaxAgeHours"/>.</summary>
        public bool ListIsStale => ListPresent && ListAgeMinutes != Unknown && ListAgeMinutes > (long)ListMaxAgeHours * 60;

        /// <summary>True when at least 80 % of the journal awaits upload: the terminal will soon refuse offline sales.</summary>
        public bool JournalNearlyFull => IsJournalNearlyFull(JournalPending, JournalCapacity);

        /// <summary>
        /// The one "journal nearly full" rule (LED code red+green x5, and the tap loop's early sync request): at
        /// least 80 % of the capacity awaits upload, leaving room for a lunch rush while the sync catches up.
        /// </summary>
        public static bool IsJournalNearlyFull(int pending, int capacity)
        {
            return capacity > 0 && (long)pending * 5 >= (long)capacity * 4;
        }
    }
}
