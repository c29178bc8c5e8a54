using System;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>Where the wall-clock time last came from.</summary>
    public enum ClockSource
    {
        /// <summary>Not set since boot: the ESP32 starts at 1970 (or whatever the RTC kept), so times are untrusted.</summary>
        None = 0,
        /// <summary>SNTP (nanoFramework.Networking.Sntp) has set the system time.</summary>
        Sntp = 1,
        /// <summary>Taken from the gateway's X-LeoCarte-Time header (SNTP blocked or not answered yet).</summary>
        Gateway = 2,
    }

    /// <summary>
    /// The hardware side of the clock: the system time that SNTP sets on the device, a way to set it by hand
    /// (nanoFramework Rtc.SetSystemTime) and a monotonic tick (Environment.TickCount64). Host: machine clock
    /// plus an offset, or a test clock.
    /// </summary>
    public interface IClockHardware
    {
        DateTime UtcNow { get; }

        long MonotonicMilliseconds { get; }

        /// <summary>Sets the system wall-clock time.</summary>
        void SetUtc(DateTime utc);
    }

    /// <summary>
    /// An <see cref="IClock"/> that knows whether it can be trusted. Two sources feed it: SNTP (the device
    /// adapter calls <see cref="ReportSntpTime"/> after Sntp.UpdateNow; nanoFramework has no "time set" event,
    /// so like nanoFramework's own network helper it accepts the time only once the year is 2021 or later),
    /// and the gateway's time header on every response (<see cref="OfferGatewayTime"/>). SNTP wins when both
    /// are present; the gateway time sets an unsynced clock and is otherwise only a sanity check: a
    /// disagreement beyond <see cref="MaxSkewSeconds"/> is reported as <see cref="IsSkewed"/> in the
    /// heartbeat and, when SNTP has not confirmed the time within <see cref="SntpTrustMilliseconds"/>, corrects it.
    /// </summary>
    public sealed class SyncedClock : IClock
    {
        /// <summary>First year a synced clock can show (same test as nanoFramework's NetworkHelper).</summary>
        public const int MinimumValidYear = 2021;

        private readonly IClockHardware hardware;
        private ClockSource source;
        private long lastSetMonotonic = -1;
        private long lastSntpMonotonic = -1;
        private bool skewed;
        private long lastSkewSeconds;

        /// <summary>Disagreement with the gateway tolerated before the clock is called skewed (header has 1 s resolution plus network delay).</summary>
        public int MaxSkewSeconds = 30;

        /// <summary>How long an SNTP answer outranks the gateway's time (default 2 h: SNTP re-syncs hourly).</summary>
        public long SntpTrustMilliseconds = 2L * 3600 * 1000;

        public SyncedClock(IClockHardware hardware)
        {
            this.hardware = hardware;
        }

        public DateTime UtcNow => hardware.UtcNow;

        public bool IsSynced => source != ClockSource.None;

        public long MonotonicMilliseconds => hardware.MonotonicMilliseconds;

        public ClockSource Source => source;

        /// <summary>True when the last gateway time disagreed with a synced clock by more than <see cref="MaxSkewSeconds"/>.</summary>
        public bool IsSkewed => skewed;

        /// <summary>Gateway time minus terminal time at the last comparison, in seconds.</summary>
        public long LastSkewSeconds => lastSkewSeconds;

        /// <summary>Monotonic time of the last time-setting event, or -1.</summary>
        public long LastSetMonotonicMilliseconds => lastSetMonotonic;

        /// <summary>
        /// Called after SNTP ran (Sntp.UpdateNow or its hourly update). Returns true when the system time now
        /// looks set (year ≥ 2021) and the clock is marked synced from SNTP.
        /// </summary>
        public bool ReportSntpTime()
        {
            if (hardware.UtcNow.Year < MinimumValidYear)
            {
                return false;
            }

            source = ClockSource.Sntp;
            lastSntpMonotonic = hardware.MonotonicMilliseconds;
            lastSetMonotonic = lastSntpMonotonic;
            skewed = false;
            return true;
        }

        /// <summary>
        /// Offers the gateway's time (Unix seconds from the X-LeoCarte-Time header). Returns true when the clock
        /// was set from it. Values before 2021 are ignored (a broken or hostile header cannot send the clock back
        /// to 1970), and so are values past what DateTime holds (year 9999): such a header used to throw in the
        /// conversion, failing every exchange and wedging the sync thread in its retry loop.
        /// </summary>
        public bool OfferGatewayTime(long gatewayUnixSeconds)
        {
            if (gatewayUnixSeconds <= 0 || gatewayUnixSeconds > UnixTime.MaxSeconds)
            {
                return false;
            }

            DateTime gatewayTime = UnixTime.FromSeconds(gatewayUnixSeconds);
            if (gatewayTime.Year < MinimumValidYear)
            {
                return false;
            }

            long difference = gatewayUnixSeconds - UnixTime.ToSeconds(hardware.UtcNow);
            lastSkewSeconds = difference;
            long magnitude = difference < 0 ? -difference : difference;
            long now = hardware.MonotonicMilliseconds;

            if (source == ClockSource.None)
            {
                Set(gatewayTime, ClockSource.Gateway, now);
                return true;
            }

            if (magnitude <= MaxSkewSeconds)
            {
                skewed = false;
                return false;
            }

            bool sntpFresh = source == ClockSource.Sntp && lastSntpMonotonic >= 0 && now - lastSntpMonotonic < SntpTrustMilliseconds;
            if (sntpFresh)
            {
                // Fresh SNTP outranks the gateway: keep the time, report the disagreement.
                skewed = true;
                return false;
            }

            Set(gatewayTime, ClockSource.Gateway, now);
            return true;
        }

        private void Set(DateTime utc, ClockSource newSource, long now)
        {
            hardware.SetUtc(utc);
            source = newSource;
            lastSetMonotonic = now;
            skewed = false;
        }

        /// <summary>Short text for the heartbeat: "unsynced", "sntp", "gateway", or "skewed".</summary>
        public string StateText
        {
            get
            {
                if (skewed)
                {
                    return "skewed";
                }

                switch (source)
                {
                    case ClockSource.Sntp:
                        return "sntp";
                    case ClockSource.Gateway:
                        return "gateway";
                    default:
                        return "unsynced";
                }
            }
        }
    }
}
