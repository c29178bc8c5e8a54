// Device-only (nanoFramework System.Device.Wifi 1.5.147, System.Net 1.11.54, System.Threading 1.1.52): not part
// of the host or conformance builds.
using System;
using System.Net.NetworkInformation;
using System.Threading;
using nanoFramework.Networking;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// Wi-Fi for <see cref="WifiSupervisor"/>: WifiNetworkHelper.ConnectDhcp (station mode, DHCP, automatic
    /// reconnection by the native driver) bounded by a cancellation timeout, and "up" meaning the interface has an
    /// IPv4 address. The supervisor adds its own backoff and jitter on top, so a dead access point is not
    /// hammered and a fleet does not reconnect in lock step.
    /// </summary>
    public sealed class WifiLink : INetworkLink
    {
        private readonly string ssid;
        private readonly string password;
        private readonly int connectTimeoutMilliseconds;

        public WifiLink(string ssid, string password, int connectTimeoutMilliseconds)
        {
            this.ssid = ssid;
            this.password = password;
            this.connectTimeoutMilliseconds = connectTimeoutMilliseconds;
        }

        /// <summary>Last helper status, for the debug output.</summary>
        public NetworkHelperStatus LastStatus { get; private set; }

        public bool IsUp
        {
            get
            {
                try
                {
                    NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
                    for (int i = 0; i < interfaces.Length; i++)
                    {
                        if (interfaces[i].NetworkInterfaceType == NetworkInterfaceType.Wireless80211)
                        {
                            string address = interfaces[i].IPv4Address;
                            return address != null && address.Length > 0 && address != "0.0.0.0";
                        }
                    }
                }
                catch (Exception)
                {
                }

                return false;
            }
        }

        public bool Connect()
        {
            try
            {
                using (CancellationTokenSource timeout = new CancellationTokenSource(connectTimeoutMilliseconds))
                {
                    // requiresDateTime false: the sync core takes time from SNTP or the gateway, never blocks on it.
                    bool connected = WifiNetworkHelper.ConnectDhcp(ssid, password, System.Device.Wifi.WifiReconnectionKind.Automatic, false, 0, timeout.Token);
                    LastStatus = WifiNetworkHelper.Status;
                    return connected;
                }
            }
            catch (Exception)
            {
                LastStatus = NetworkHelperStatus.ExceptionOccurred;
                return false;
            }
        }
    }
}
