using System;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// The terminal's wall clock, built so that it cannot be wound back (issue 13, item 3: flipping the date over
    /// unauthenticated SNTP reset the meal and daily counters).
    ///
    /// Wall time = a trusted anchor + the monotonic tick elapsed since (Environment.TickCount64 on the device: it
    /// does not move when anybody sets the system time), and what <see cref="UtcNow"/> returns never decreases.
    /// Two sources offer time: SNTP (unauthenticated UDP; the device adapter calls <see cref="ReportSntpTime"/>
    /// after the native service stepped the system time) and the gateway (<see cref="OfferGatewayTime(long, bool)"/>:
    /// the time of an authenticated answer — today the X-LeoCarte-Time header of a response received over TLS
    /// with the pinned CA; the signed "up to date" answer is the seam for a time carried inside a signature).
    ///
    /// Rules (tolerance = <see cref="MaxSkewSeconds"/> plus <see cref="DriftPartsPerMillion"/> of the time since
    /// the last agreement):
    /// - Once anchored, an offer within the tolerance is a correction and is applied (SNTP re-anchors: finer than
    ///   the header's seconds); an offer beyond it is a step and is NOT applied: the clock keeps counting from
    ///   its anchor, is marked <see cref="IsSuspect"/> (until reboot) and SNTP's step is undone on the system
    ///   time. A step back is applied only when both sources independently agree on it (a clock that ran fast;
    ///   the decision engine keeps the later period's counters); a step forward never while running (it would
    ///   empty the counters): a reboot takes the gateway's authenticated time.
    /// - The last trusted time is persisted (crash-safe two-slot file, <see cref="TrustedTimeFileName"/>) at most
    ///   every <see cref="PersistIntervalMilliseconds"/>; after a reboot no offer earlier than it is accepted, and
    ///   SNTP alone may carry the clock past it by at most <see cref="MaxUnconfirmedAdvanceSeconds"/> (a reboot
    ///   takes seconds; a longer power cut needs the gateway's authenticated time to confirm the date).
    /// - The very first boot (nothing persisted) takes the first plausible time (year ≥ 2021) from either source.
    ///
    /// Threads: the tap loop reads <see cref="UtcNow"/>; the sync thread offers times. One lock.
    /// </summary>
    public sealed partial class SyncedClock : IClock
    {
        /// <summary>First year a synced clock can show (same test as nanoFramework's NetworkHelper).</summary>
        public const int MinimumValidYear = 2021;

        /// <summary>The file holding the last trusted time (UTC ticks, <see cref="DualSlotValue"/>).</summary>
        public const string TrustedTimeFileName = "clock.trusted";

        /// <summary>A system time this close to what the clock last wrote (carried to now) is no SNTP answer: 50 ms.</summary>
        private const long SameTimeTicks = 50 * TimeSpan.TicksPerMillisecond;

        private readonly object sync = new object();
        private readonly IClockHardware hardware;
        private DualSlotValue trustedStore;

        private ClockSource source;
        private bool anchored;
        private long anchorTicks;
        private long anchorMonotonic;
        private long lastReturnedTicks;
        private long lastAgreementMonotonic;
        private bool confirmed;

        // What this clock last wrote to the system time, so an unchanged system time is not taken for an SNTP answer.
        private bool hardwareWritten;
        private long hardwareWrittenTicks;
        private long hardwareWrittenMonotonic;

        private long floorTicks;
        private long persistedTicks;
        private long persistedMonotonic = long.MinValue;

        // The last step refused from each source, kept to recognise a corroborated correction.
        private bool refusedSntp;
        private long refusedSntpTicks;
        private long refusedSntpMonotonic;
        private bool refusedGateway;
        private long refusedGatewayTicks;
        private long refusedGatewayMonotonic;

        private bool suspect;
        private string suspectReason;
        private int refusedSteps;
        private long lastSkewSeconds;
        private long lastSetMonotonic = -1;
        private bool sntpHeld;
        private bool gatewaySeen;
        private long gatewaySeenSeconds;
        private long gatewaySeenMonotonic;
        private bool hasGatewayReference;
        private long gatewayReferenceTicks;
        private long gatewayReferenceMonotonic;

        /// <summary>Disagreement tolerated as drift (header has 1 s resolution plus network delay; SNTP a few ms).</summary>
        public int MaxSkewSeconds = 30;

        /// <summary>Extra tolerance per elapsed time since the last agreement (ESP32 crystal ±40 ppm; 1000 is generous).</summary>
        public int DriftPartsPerMillion = 1000;

        /// <summary>How far SNTP alone may carry a rebooted clock past the persisted trusted time (seconds).</summary>
        public int MaxUnconfirmedAdvanceSeconds = 20 * 60;

        /// <summary>Persist the trusted time at most this often (flash wear: ≤ 144 writes a day).</summary>
        public long PersistIntervalMilliseconds = 10L * 60 * 1000;

        public SyncedClock(IClockHardware hardware)
        {
            this.hardware = hardware;
        }

        /// <summary>
        /// The current time: anchor + monotonic time elapsed, never less than a time already returned (nor than
        /// the persisted trusted time). Unanchored (not synced): the hardware's time, which nobody trusts.
        /// </summary>
        public DateTime UtcNow
        {
            get
            {
                lock (sync)
                {
                    if (!anchored)
                    {
                        return hardware.UtcNow;
                    }

                    long ticks = anchorTicks + (hardware.MonotonicMilliseconds - anchorMonotonic) * TimeSpan.TicksPerMillisecond;
                    if (ticks < lastReturnedTicks)
                    {
                        ticks = lastReturnedTicks;
                    }
                    else
                    {
                        lastReturnedTicks = ticks;
                    }

                    return new DateTime(ticks, DateTimeKind.Utc);
                }
            }
        }

        /// <summary>
        /// The timestamp to sign a gateway request with: the gateway's own time as last seen in a response header,
        /// plus the uptime elapsed since; before any response, <see cref="UtcNow"/>. The timestamp only serves the
        /// gateway's replay window (API.md), so it follows the gateway's clock even when that clock was refused for
        /// decisions: a terminal whose clock is suspect keeps syncing (and reporting it) instead of being locked
        /// out by 401s once the two clocks are further apart than the window. A forged header can only make the
        /// gateway refuse requests, which whoever forges it can do anyway.
        /// </summary>
        public long RequestUnixSeconds
        {
            get
            {
                lock (sync)
                {
                    if (gatewaySeen)
                    {
                        return gatewaySeenSeconds + (hardware.MonotonicMilliseconds - gatewaySeenMonotonic) / 1000;
                    }
                }

                return UnixTime.ToSeconds(UtcNow);
            }
        }

        public bool IsSynced
        {
            get { lock (sync) { return anchored; } }
        }

        public long MonotonicMilliseconds => hardware.MonotonicMilliseconds;

        public ClockSource Source
        {
            get { lock (sync) { return source; } }
        }

        /// <summary>True when a step was refused since boot: the clock disagreed with a source beyond the tolerance.</summary>
        public bool IsSuspect
        {
            get { lock (sync) { return suspect; } }
        }

        /// <summary>Kept for the heartbeat's older wording: the same as <see cref="IsSuspect"/>.</summary>
        public bool IsSkewed => IsSuspect;

        /// <summary>Why the clock is suspect ("sntp step refused", …), or null.</summary>
        public string SuspectReason
        {
            get { lock (sync) { return suspectReason; } }
        }

        /// <summary>Steps refused since boot.</summary>
        public int RefusedSteps
        {
            get { lock (sync) { return refusedSteps; } }
        }

        /// <summary>Offered time minus this clock's time at the last comparison, in seconds (the refused step, when suspect).</summary>
        public long LastSkewSeconds
        {
            get { lock (sync) { return lastSkewSeconds; } }
        }

        /// <summary>Monotonic time of the last time-setting event, or -1.</summary>
        public long LastSetMonotonicMilliseconds
        {
            get { lock (sync) { return lastSetMonotonic; } }
        }

        /// <summary>True when the time is confirmed by the gateway (or is the first boot's): it may raise the persisted trusted time.</summary>
        public bool IsConfirmed
        {
            get { lock (sync) { return confirmed; } }
        }

        /// <summary>The persisted last trusted time (UTC ticks), 0 when none.</summary>
        public long TrustedFloorTicks
        {
            get { lock (sync) { return floorTicks; } }
        }

        /// <summary>
        /// Boot: reads the last trusted time from <paramref name="store"/> (never earlier times from then on). A
        /// damaged or missing file means a first boot. Returns false on a storage failure (then no floor).
        /// </summary>
        public bool OpenTrustedTimeStore(IFileStore store, string fileName)
        {
            lock (sync)
            {
                trustedStore = new DualSlotValue(store, fileName);
                try
                {
                    long loaded = trustedStore.Load(0);
                    floorTicks = loaded > 0 ? loaded : 0;
                    persistedTicks = floorTicks;
                    if (floorTicks > lastReturnedTicks)
                    {
                        lastReturnedTicks = floorTicks;
                    }

                    return true;
                }
                catch (Exception)
                {
                    floorTicks = 0;
                    return false;
                }
            }
        }

        /// <summary>
        /// Device boot, after <see cref="OpenTrustedTimeStore"/>: sets the system time to the last trusted time
        /// (instead of 1970 or whatever the RTC kept through a reset), remembering it wrote it so it is not taken
        /// for an SNTP answer. mbedTLS checks certificate dates against the system time (ESP32 firmware:
        /// CONFIG_MBEDTLS_HAVE_TIME_DATE=y), so from 1970 every certificate would be "not yet valid" and the
        /// gateway, whose time the clock needs, unreachable; from the last trusted time an expired certificate
        /// is still refused. Returns false (nothing written) on a first boot (no trusted time yet).
        /// </summary>
        public bool PresetHardwareToTrustedTime()
        {
            lock (sync)
            {
                if (floorTicks <= 0 || anchored)
                {
                    return false;
                }

                WriteHardware(floorTicks, hardware.MonotonicMilliseconds);
                return true;
            }
        }

        /// <summary>
        /// Called after SNTP ran (Sntp.UpdateNow or its hourly update). Returns true when the SNTP time was
        /// applied (anchored or corrected the clock). A system time still at what this clock wrote, or before
        /// 2021, is no SNTP answer.
        /// </summary>
        public bool ReportSntpTime()
        {
            lock (sync)
            {
                DateTime reported = hardware.UtcNow;
                if (reported.Year < MinimumValidYear)
                {
                    return false;
                }

                long now = hardware.MonotonicMilliseconds;
                long ticks = reported.Ticks;
                if (hardwareWritten && Abs(ticks - (hardwareWrittenTicks + (now - hardwareWrittenMonotonic) * TimeSpan.TicksPerMillisecond)) < SameTimeTicks)
                {
                    return false;
                }

                return Offer(ticks, false, ClockSource.Sntp, now);
            }
        }

        /// <summary>The gateway's time from an authenticated exchange (see <see cref="OfferGatewayTime(long, bool)"/>).</summary>
        public bool OfferGatewayTime(long gatewayUnixSeconds)
        {
            return OfferGatewayTime(gatewayUnixSeconds, true);
        }

        /// <summary>
        /// Offers the gateway's time (Unix seconds). <paramref name="authenticated"/>: the value came from an
        /// exchange that authenticates the gateway (TLS with the pinned CA, or a signed answer); an
        /// unauthenticated one weighs like SNTP. Returns true when the clock was set from it. Values before 2021
        /// or past what DateTime holds are ignored (such a header used to throw in the conversion and wedge the sync
        /// thread in its retry loop).
        /// </summary>
        public bool OfferGatewayTime(long gatewayUnixSeconds, bool authenticated)
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

            lock (sync)
            {
                long now = hardware.MonotonicMilliseconds;
                gatewaySeen = true;
                gatewaySeenSeconds = gatewayUnixSeconds;
                gatewaySeenMonotonic = now;
                return Offer(gatewayTime.Ticks, authenticated, ClockSource.Gateway, now);
            }
        }

        /// <summary>Short text for the heartbeat and self-test: "unsynced", "sntp-unconfirmed", "sntp", "gateway" or "suspect".</summary>
        public string StateText
        {
            get
            {
                lock (sync)
                {
                    if (suspect)
                    {
                        return "suspect";
                    }

                    if (!anchored)
                    {
                        return sntpHeld ? "sntp-unconfirmed" : "unsynced";
                    }

                    return source == ClockSource.Sntp ? "sntp" : "gateway";
                }
            }
        }
    }
}
