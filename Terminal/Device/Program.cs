// Device-only: the nanoFramework entry point of Terminal.nfproj (an Exe). Not part of the host or conformance builds.
using System;
using System.Threading;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Device.App;
using LeoCarte.Terminal.Device.Storage;
using LeoCarte.Terminal.Device.Sync;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.Terminal.Device
{
    /// <summary>
    /// Boots the terminal and runs it forever: the application core (Terminal/App/TerminalApplication) on the ESP32
    /// adapters, the tap loop on this thread, sync (Wi-Fi, SNTP, lists, journal upload, heartbeat) on its own
    /// thread, and a software watchdog on a timer.
    /// </summary>
    public static class Program
    {
        /// <summary>Root of the terminal's files on the internal flash (terminal.conf is I:\terminal.conf): "I:\\",
        /// not "I:", which the file system does not treat as a directory (FlashPaths).</summary>
        public const string FlashRoot = FlashPaths.InternalFlashRoot;

        /// <summary>How often the watchdog timer checks that the tap loop still feeds it.</summary>
        public const int WatchdogCheckMilliseconds = 1000;

        private static TerminalApplication application;

        // Held in a static field: a Timer nobody references may be collected, and the watchdog with it.
        private static Timer watchdogTimer;

        public static void Main()
        {
            FlashFileStore files = new FlashFileStore(FlashRoot);
            NanoClockHardware clockHardware = new NanoClockHardware();
            ApplicationOptions options = new ApplicationOptions();
            options.SyncSeed = (uint)Environment.TickCount64 ^ 0x5A17u;

            // Request signatures by the firmware's native HMAC-SHA256 instead of interpreted IL (see NativeMessageHasher).
            options.MessageHasher = new NativeMessageHasher();

            // DESFire AES (policy desfire-aes) on the firmware's native AES instead of the interpreted subset AES: session
            // card key, encryption and MAC keys, and the AN10922 diversification (Tools/DesfireOpCount: ~208,000 IL less per tap).
            options.CardCiphers = new LeoCarte.Drivers.Desfire.IBlockCipher[]
            {
                new LeoCarte.Drivers.Device.NativeAesBlockCipher(), new LeoCarte.Drivers.Device.NativeAesBlockCipher(),
                new LeoCarte.Drivers.Device.NativeAesBlockCipher(), new LeoCarte.Drivers.Device.NativeAesBlockCipher(),
            };

            // The DESFire challenge RndA from the ESP32's hardware RNG (esp_random() behind System.Random on this firmware,
            // HardwareChallengeSource); host and nanoCLR keep the boot-seeded ChallengeGenerator.
            options.Challenges = new HardwareChallengeSource((int)Environment.TickCount64);

            application = new TerminalApplication(new DevicePlatform(), files, clockHardware, new LineWriter(Console.WriteLine), options);
            application.Boot();

            // The system time (which mbedTLS checks certificates against) starts at the last trusted time, not at
            // 1970 or a leftover RTC value (SyncedClock.PresetHardwareToTrustedTime, hardware/security.md).
            application.Clock.PresetHardwareToTrustedTime();

            // The watchdog checks from a timer thread: if the loop below stops feeding it, it counts the stall and
            // finally reboots (the journal and counters recover at the next boot).
            watchdogTimer = new Timer(CheckWatchdog, null, WatchdogCheckMilliseconds, WatchdogCheckMilliseconds);

            if (application.Sync != null)
            {
                TerminalConfiguration configuration = application.Configuration;
                SntpTimeSource sntp = new SntpTimeSource(application.Clock, configuration.NtpServer, null);
                SyncThread syncThread = new SyncThread(application.Sync, sntp, application.Wifi, application.Clock);
                syncThread.Start();
            }
            else
            {
                Console.WriteLine("sync: not started (terminal not provisioned or no gateway transport)");
            }

            int pause = application.PollIntervalMilliseconds;
            while (true)
            {
                application.Step();
                Thread.Sleep(pause);
            }
        }

        private static void CheckWatchdog(object state)
        {
            application.CheckWatchdog();
        }
    }
}
