namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// The ESP32's Wi-Fi station, as <see cref="WifiJoin"/> drives it. Device: Terminal/Device/Sync/NanoWifiRadio
    /// (one WifiAdapter for the life of the terminal, Wireless80211Configuration for the stored credentials).
    /// </summary>
    public interface IWifiRadio
    {
        /// <summary>True when the station interface has an IPv4 address.</summary>
        bool HasAddress { get; }

        /// <summary>True when the credentials stored in flash are exactly these.</summary>
        bool StoredCredentialsAre(string ssid, string password);

        /// <summary>Writes the credentials to flash (one flash write; the native driver uses them to reconnect by itself).</summary>
        void StoreCredentials(string ssid, string password);

        /// <summary>Asks the access point to associate and waits, at most <paramref name="timeoutMilliseconds"/>,
        /// for an address; true when the interface has one.</summary>
        bool Join(string ssid, string password, int timeoutMilliseconds);
    }

    /// <summary>
    /// <see cref="INetworkLink"/> over an <see cref="IWifiRadio"/>. Replaces nanoFramework's
    /// WifiNetworkHelper.ConnectDhcp, which on every call (System.Device.Wifi 1.5.147, ScanAndConnect) creates a
    /// new WifiAdapter through FindAllAdapters — native init, and a reference kept for ever by the adapter event
    /// listener's static list — and, when not connected, rewrites the Wi-Fi configuration to flash
    /// (StoreWifiConfiguration → SaveConfiguration). With <see cref="WifiSupervisor"/> retrying every 2 s to 2 min
    /// during an outage that was hundreds of adapters and flash writes a day. Here the credentials are written only
    /// when they differ from what flash holds (once per provisioning) and every retry is a Join on the same radio.
    /// </summary>
    public sealed class WifiJoin : INetworkLink
    {
        private readonly IWifiRadio radio;
        private readonly string ssid;
        private readonly string password;
        private readonly int timeoutMilliseconds;
        private bool credentialsChecked;

        public WifiJoin(IWifiRadio radio, string ssid, string password, int timeoutMilliseconds)
        {
            this.radio = radio;
            this.ssid = ssid;
            this.password = password == null ? string.Empty : password;
            this.timeoutMilliseconds = timeoutMilliseconds;
        }

        /// <summary>Credential writes to flash made by this link.</summary>
        public int CredentialWrites { get; private set; }

        /// <summary>Join requests made by this link.</summary>
        public int Joins { get; private set; }

        public bool IsUp => radio.HasAddress;

        public bool Connect()
        {
            if (radio.HasAddress)
            {
                return true;
            }

            if (!credentialsChecked)
            {
                if (!radio.StoredCredentialsAre(ssid, password))
                {
                    radio.StoreCredentials(ssid, password);
                    CredentialWrites++;
                }

                credentialsChecked = true;
            }

            Joins++;
            return radio.Join(ssid, password, timeoutMilliseconds);
        }
    }
}
