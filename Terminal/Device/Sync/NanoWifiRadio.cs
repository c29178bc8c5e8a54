// Device-only (nanoFramework System.Device.Wifi 1.5.147, System.Net 1.11.54): not part of the host or
// conformance builds.
using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Threading;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// <see cref="IWifiRadio"/> on the ESP32 station interface: one <see cref="WifiAdapter"/> for the life of the
    /// terminal (created at the first join, never again: in 1.5.147 every WifiAdapter does a native init and is
    /// kept by the adapter event listener's static list), credentials in Wireless80211Configuration (flash),
    /// DHCP, and automatic reconnection by the native driver. The join policy is <see cref="WifiJoin"/>.
    /// </summary>
    public sealed class NanoWifiRadio : IWifiRadio
    {
        private const int AddressPollMilliseconds = 100;
        private WifiAdapter adapter;

        /// <summary>Status of the last association request, for the debug output.</summary>
        public WifiConnectionStatus LastStatus { get; private set; }

        public bool HasAddress
        {
            get
            {
                try
                {
                    NetworkInterface station = Station();
                    if (station == null)
                    {
                        return false;
                    }

                    string address = station.IPv4Address;
                    return address != null && address.Length > 0 && address != "0.0.0.0";
                }
                catch (Exception)
                {
                    return false;
                }
            }
        }

        public bool StoredCredentialsAre(string ssid, string password)
        {
            try
            {
                Wireless80211Configuration stored = StoredConfiguration();
                return stored != null && stored.Ssid == ssid && (stored.Password == null ? string.Empty : stored.Password) == password;
            }
            catch (Exception)
            {
                return false;
            }
        }

        public void StoreCredentials(string ssid, string password)
        {
            try
            {
                Wireless80211Configuration stored = StoredConfiguration();
                if (stored == null)
                {
                    return;
                }

                stored.Ssid = ssid;
                stored.Password = password;
                stored.SaveConfiguration();

                NetworkInterface station = Station();
                if (station != null && !station.IsDhcpEnabled)
                {
                    station.EnableDhcp();
                }
            }
            catch (Exception)
            {
                // Flash busy or full: the join below still uses the credentials given to it.
            }
        }

        public bool Join(string ssid, string password, int timeoutMilliseconds)
        {
            try
            {
                if (adapter == null)
                {
                    WifiAdapter[] adapters = WifiAdapter.FindAllAdapters();
                    adapter = adapters[0];
                    for (int i = 1; i < adapters.Length; i++)
                    {
                        adapters[i].Dispose();
                    }
                }

                WifiConnectionResult result = adapter.Connect(ssid, WifiReconnectionKind.Automatic, password);
                LastStatus = result.ConnectionStatus;
                if (result.ConnectionStatus != WifiConnectionStatus.Success)
                {
                    return false;
                }

                // Associated: wait for DHCP (bounded; the supervisor retries with backoff otherwise).
                for (int waited = 0; waited < timeoutMilliseconds; waited += AddressPollMilliseconds)
                {
                    if (HasAddress)
                    {
                        return true;
                    }

                    Thread.Sleep(AddressPollMilliseconds);
                }

                return HasAddress;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static NetworkInterface Station()
        {
            NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
            for (int i = 0; i < interfaces.Length; i++)
            {
                if (interfaces[i].NetworkInterfaceType == NetworkInterfaceType.Wireless80211)
                {
                    return interfaces[i];
                }
            }

            return null;
        }

        private static Wireless80211Configuration StoredConfiguration()
        {
            NetworkInterface station = Station();
            if (station == null)
            {
                return null;
            }

            Wireless80211Configuration[] all = Wireless80211Configuration.GetAllWireless80211Configurations();
            uint id = station.SpecificConfigId;
            return id < all.Length ? all[id] : null;
        }
    }
}
