// Device-only (nanoFramework.Networking.Sntp 1.6.42, nanoFramework.Runtime.Native 1.7.11): not part of the host
// or conformance builds.
using System;
using nanoFramework.Networking;
using nanoFramework.Runtime.Native;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// The ESP32's clock for <see cref="SyncedClock"/>: DateTime.UtcNow (which SNTP sets), Rtc.SetSystemTime when
    /// the gateway's time must be used, and Environment.TickCount64 as the monotonic tick (it does not move when
    /// the wall clock is set).
    ///
    /// At construction (first line of Main) the system time is set to 1970-01-01: the ESP32's RTC keeps running
    /// through a software or watchdog reset, so whatever it held (a time an attacker set by SNTP before the
    /// reboot) would otherwise pass SyncedClock's "year ≥ 2021 means SNTP answered" test. From then on a
    /// plausible year can only come from SNTP or from SyncedClock itself (which remembers what it wrote).
    /// </summary>
    public sealed class NanoClockHardware : IClockHardware
    {
        public NanoClockHardware()
        {
            // 1970-01-01: no source has spoken yet (a constructed value, not a static readonly DateTime field, which
            // held a wrong value on nanoCLR: Builds/README.md).
            Rtc.SetSystemTime(new DateTime(1970, 1, 1, 0, 0, 0));
        }

        public DateTime UtcNow => DateTime.UtcNow;

        public long MonotonicMilliseconds => Environment.TickCount64;

        public void SetUtc(DateTime utc)
        {
            Rtc.SetSystemTime(utc);
        }
    }

    /// <summary>
    /// SNTP through nanoFramework.Networking.Sntp: the native service re-syncs hourly once started. It has no
    /// "time set" event, so <see cref="Poll"/> asks the clock to check the system time (SyncedClock.ReportSntpTime:
    /// a step against the clock's own count is refused and put back) — the sync thread calls it every loop until
    /// the clock is synced from SNTP, then every 10 minutes, so a step the native service makes in between is
    /// undone within minutes (it also matters to mbedTLS, which reads the system time).
    /// </summary>
    public sealed class SntpTimeSource
    {
        private const long RecheckMilliseconds = 10L * 60 * 1000;
        private readonly SyncedClock clock;
        private long lastCheck = -RecheckMilliseconds;
        private bool started;

        /// <param name="server1">Primary NTP server (the campus one when the outside is firewalled), or null for the default pool.</param>
        public SntpTimeSource(SyncedClock clock, string server1, string server2)
        {
            this.clock = clock;
            if (server1 != null)
            {
                Sntp.Server1 = server1;
            }

            if (server2 != null)
            {
                Sntp.Server2 = server2;
            }
        }

        /// <summary>Starts SNTP once the network is up, and reports its time to the clock when due.</summary>
        public void Poll(bool networkUp, long nowMilliseconds)
        {
            if (!networkUp)
            {
                return;
            }

            try
            {
                if (!started)
                {
                    Sntp.Start();
                    Sntp.UpdateNow();
                    started = true;
                }

                bool due = !clock.IsSynced || clock.Source != ClockSource.Sntp || nowMilliseconds - lastCheck >= RecheckMilliseconds;
                if (due)
                {
                    lastCheck = nowMilliseconds;
                    clock.ReportSntpTime();
                }
            }
            catch (Exception)
            {
                // SNTP blocked or no DNS: the gateway's time header keeps the clock usable.
            }
        }
    }
}
