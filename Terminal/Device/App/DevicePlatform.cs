// Device-only (nanoFramework: System.Device.Gpio 1.1.62, System.Device.Spi 1.3.89, Hardware.Esp32 1.6.40,
// System.Net.Http 1.5.209, System.Device.Wifi 1.5.147, Runtime.Native 1.7.11): not part of the host or conformance builds.
using System;
using System.Device.Gpio;
using LeoCarte.Drivers.Device;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Device.Io;
using LeoCarte.Terminal.Device.Sync;
using LeoCarte.Terminal.Sync;
using nanoFramework.Runtime.Native;

namespace LeoCarte.Terminal.Device.App
{
    /// <summary>
    /// The ESP32 as the application's <see cref="ITerminalPlatform"/>: the MFRC522 on SPI bus 1 (HSPI) and the LEDs, buzzer and
    /// vend output on the pins of the configuration (hardware/README.md defaults), the HTTPS transport with the
    /// pinned CA, Wi-Fi in station mode, and Power.RebootDevice for the software watchdog.
    /// </summary>
    public sealed class DevicePlatform : ITerminalPlatform
    {
        /// <summary>Connect and read/write timeout of one HTTP exchange: long enough for campus Wi-Fi, short enough for the sync thread to notice an outage.</summary>
        public const int HttpTimeoutMilliseconds = 15000;

        /// <summary>Bound of one Wi-Fi connection attempt (the supervisor retries with backoff).</summary>
        public const int WifiConnectTimeoutMilliseconds = 20000;

        private GpioController gpio;

        public CardReader CreateReader(TerminalConfiguration configuration)
        {
            PinAssignment pins = configuration.Pins;
            return ReaderFactory.Create(pins.SpiBus, pins.ReaderChipSelect, pins.SpiClock, pins.SpiMiso, pins.SpiMosi,
                pins.ReaderReset, pins.ReaderIrq, null, null);
        }

        public IDigitalOutputs CreateOutputs(TerminalConfiguration configuration)
        {
            if (gpio == null)
            {
                gpio = new GpioController();
            }

            return new GpioOutputs(gpio, configuration.Pins);
        }

        public IDisplay CreateDisplay(TerminalConfiguration configuration)
        {
            // No character display is fitted on the reference build (hardware/bom.md): the messages go to the
            // serial output, where a till PC or a technician reads them.
            return new SerialDisplay();
        }

        public IHttpTransport CreateTransport(TerminalConfiguration configuration)
        {
            if (configuration.GatewayUrl == null || configuration.GatewayUrl.Length == 0)
            {
                return null;
            }

            string url = configuration.GatewayUrl;
            if (url[url.Length - 1] == '/')
            {
                url = url.Substring(0, url.Length - 1);
            }

            if (configuration.CaCertificatePem != null || url.StartsWith("https:"))
            {
                // Exactly one pinned CA (hardware/security.md, "TLS trust"): unreadable, several certificates or
                // expired means no sync rather than a wider trust. Its dates are checked against the clock once it is
                // trusted (self-test); mbedTLS checks the gateway's chain against the system time, which boots at the
                // last trusted time (SyncedClock.PresetHardwareToTrustedTime).
                PinnedCertificate pinned = new PinnedCertificate();
                PinnedCertificateStatus status = pinned.Read(configuration.CaCertificatePem);
                Console.WriteLine("tls: pinned CA " + PinnedCertificate.StatusText(status) + ": " + pinned.Describe());
                if (!PinnedCertificate.Usable(status))
                {
                    return null;
                }

                if (!CaStoreGuard.PinDeviceStore(configuration.CaCertificatePem))
                {
                    Console.WriteLine("tls: the device CA store could not be replaced by the pinned CA: no sync");
                    return null;
                }
            }

            try
            {
                return new NanoHttpTransport(url, configuration.CaCertificatePem, HttpTimeoutMilliseconds);
            }
            catch (Exception)
            {
                // An unparsable CA certificate: no sync rather than an unauthenticated one.
                return null;
            }
        }

        public INetworkLink CreateNetworkLink(TerminalConfiguration configuration)
        {
            return new WifiJoin(new NanoWifiRadio(), configuration.WifiSsid, configuration.WifiPassword, WifiConnectTimeoutMilliseconds);
        }

        /// <summary>System.IO.FileSystem 1.1.93 gives no free-space figure for the internal drive.</summary>
        public long StorageFreeBytes => -1;

        /// <summary>nanoFramework 1.x does not expose the ESP32 reset reason to C#.</summary>
        public string LastResetReason => null;

        public void Reboot(string reason)
        {
            Console.WriteLine("rebooting: " + reason);
            Power.RebootDevice();
        }
    }

    /// <summary>Customer messages on the serial output (two lines, French then English; no string is built).</summary>
    public sealed class SerialDisplay : IDisplay
    {
        public void Show(string french, string english)
        {
            Console.WriteLine(french);
            Console.WriteLine(english);
        }
    }
}
