using System;

namespace LeoCarte.Terminal.Sync
{
    // SyncedClock, part: the rules — offers accepted, refused or corroborated, anchoring, the persisted
    // trusted floor, tolerance.
    public sealed partial class SyncedClock
    {
        private bool Offer(long ticks, bool trusted, ClockSource from, long now)
        {
            if (!anchored)
            {
                return OfferUnanchored(ticks, trusted, from, now);
            }

            long expected = anchorTicks + (now - anchorMonotonic) * TimeSpan.TicksPerMillisecond;
            long difference = ticks - expected;
            lastSkewSeconds = difference / TimeSpan.TicksPerSecond;
            if (Abs(difference) <= Tolerance(now))
            {
                lastAgreementMonotonic = now;
                if (trusted)
                {
                    confirmed = true;
                }

                bool moved = false;
                if (from == ClockSource.Gateway && trusted)
                {
                    // The authenticated reference SNTP is also held to (so SNTP cannot walk the clock away by
                    // steps each under the tolerance); a whole-second difference re-anchors on it.
                    hasGatewayReference = true;
                    gatewayReferenceTicks = ticks;
                    gatewayReferenceMonotonic = now;
                    if (Abs(difference) >= TimeSpan.TicksPerSecond && source != ClockSource.Sntp)
                    {
                        Anchor(ticks, now, ClockSource.Gateway, true);
                        moved = true;
                    }
                }
                else if (from == ClockSource.Sntp && hasGatewayReference
                    && Abs(ticks - Project(gatewayReferenceTicks, gatewayReferenceMonotonic, now)) > Tolerance(now, gatewayReferenceMonotonic))
                {
                    Refuse(ticks, from, now, "sntp disagrees with the gateway");
                    WriteHardware(expected, now);
                    return false;
                }

                if (from == ClockSource.Sntp)
                {
                    // SNTP is finer than the header's whole seconds: re-anchor on it (a small step back is absorbed
                    // by UtcNow never decreasing).
                    Anchor(ticks, now, ClockSource.Sntp, false);
                    moved = true;
                }

                PersistIfDue(now, false);
                return moved;
            }

            // A step. A step back is applied only when the other source refused the same step independently (both
            // agree: this clock ran fast); the decision engine keeps the counters of the later period it already
            // counted in. A step forward is never applied while running (it would open a new period and empty the
            // counters): the clock stays suspect, and a reboot takes the gateway's authenticated time.
            if (difference < 0 && Corroborated(ticks, from, now))
            {
                Anchor(ticks, now, from, from == ClockSource.Gateway);
                lastReturnedTicks = ticks;
                confirmed = true;
                refusedSntp = false;
                refusedGateway = false;
                suspect = false;
                suspectReason = null;
                PersistIfDue(now, true);
                return true;
            }

            Refuse(ticks, from, now, from == ClockSource.Sntp ? "sntp step refused" : "gateway step refused");
            if (from == ClockSource.Sntp)
            {
                // The native SNTP service already stepped the system time: put the trusted time back (mbedTLS and
                // anything else reading DateTime.UtcNow).
                WriteHardware(expected, now);
            }

            return false;
        }

        private bool OfferUnanchored(long ticks, bool trusted, ClockSource from, long now)
        {
            long tolerance = (long)MaxSkewSeconds * TimeSpan.TicksPerSecond;
            if (floorTicks > 0 && ticks < floorTicks - tolerance)
            {
                // Earlier than a time this terminal already trusted: a wound-back RTC, a replay or a spoofed answer.
                lastSkewSeconds = (ticks - floorTicks) / TimeSpan.TicksPerSecond;
                if (Corroborated(ticks, from, now))
                {
                    // Both sources agree on a time before the persisted one (it was set from a clock running fast):
                    // taken; the decision engine still never goes back to an earlier period.
                    AnchorFirst(ticks, now, from, true);
                    lastReturnedTicks = ticks;
                    PersistIfDue(now, true);
                    return true;
                }

                Refuse(ticks, from, now, "time before the last trusted time refused");
                return false;
            }

            if (!trusted && floorTicks > 0 && ticks > floorTicks + (long)MaxUnconfirmedAdvanceSeconds * TimeSpan.TicksPerSecond)
            {
                // Unauthenticated and far past the last trusted time: held until the gateway's time confirms it.
                sntpHeld = true;
                refusedSntp = true;
                refusedSntpTicks = ticks;
                refusedSntpMonotonic = now;
                lastSkewSeconds = (ticks - floorTicks) / TimeSpan.TicksPerSecond;
                return false;
            }

            if (trusted && refusedSntp && Abs(ticks - Project(refusedSntpTicks, refusedSntpMonotonic, now)) <= tolerance)
            {
                // The gateway confirms the SNTP answer held at boot: keep SNTP's finer time.
                AnchorFirst(Project(refusedSntpTicks, refusedSntpMonotonic, now), now, ClockSource.Sntp, true);
                refusedSntp = false;
                PersistIfDue(now, true);
                return true;
            }

            if (trusted && refusedSntp)
            {
                // SNTP's held answer and the gateway disagree: the authenticated time wins, and it is reported.
                suspect = true;
                suspectReason = "sntp disagrees with the gateway";
                refusedSteps++;
                refusedSntp = false;
            }

            AnchorFirst(ticks, now, from, trusted || floorTicks == 0);
            PersistIfDue(now, true);
            return true;
        }

        private void AnchorFirst(long ticks, long now, ClockSource from, bool isConfirmed)
        {
            Anchor(ticks, now, from, from == ClockSource.Gateway);
            sntpHeld = false;
            confirmed = isConfirmed;
        }

        private void Anchor(long ticks, long now, ClockSource from, bool writeHardware)
        {
            anchored = true;
            anchorTicks = ticks;
            anchorMonotonic = now;
            lastAgreementMonotonic = now;
            source = from;
            lastSetMonotonic = now;
            if (writeHardware)
            {
                WriteHardware(ticks, now);
            }
        }

        private void WriteHardware(long ticks, long now)
        {
            hardware.SetUtc(new DateTime(ticks, DateTimeKind.Utc));
            hardwareWritten = true;
            hardwareWrittenTicks = ticks;
            hardwareWrittenMonotonic = now;
        }

        /// <summary>True when the other source's last refused step, carried to now, agrees with <paramref name="ticks"/>.</summary>
        private bool Corroborated(long ticks, ClockSource from, long now)
        {
            long tolerance = (long)MaxSkewSeconds * TimeSpan.TicksPerSecond;
            if (from == ClockSource.Sntp)
            {
                return refusedGateway && Abs(ticks - Project(refusedGatewayTicks, refusedGatewayMonotonic, now)) <= tolerance;
            }

            return refusedSntp && Abs(ticks - Project(refusedSntpTicks, refusedSntpMonotonic, now)) <= tolerance;
        }

        private void Refuse(long ticks, ClockSource from, long now, string reason)
        {
            if (from == ClockSource.Sntp)
            {
                refusedSntp = true;
                refusedSntpTicks = ticks;
                refusedSntpMonotonic = now;
            }
            else
            {
                refusedGateway = true;
                refusedGatewayTicks = ticks;
                refusedGatewayMonotonic = now;
            }

            suspect = true;
            suspectReason = reason;
            refusedSteps++;
        }

        /// <summary>Raises the persisted trusted time to now when the time is confirmed and the interval passed (or <paramref name="force"/>).</summary>
        private void PersistIfDue(long now, bool force)
        {
            if (trustedStore == null || !anchored || !confirmed)
            {
                return;
            }

            if (!force && persistedMonotonic != long.MinValue && now - persistedMonotonic < PersistIntervalMilliseconds)
            {
                return;
            }

            long ticks = anchorTicks + (now - anchorMonotonic) * TimeSpan.TicksPerMillisecond;
            if (ticks < persistedTicks && !force)
            {
                return;
            }

            try
            {
                trustedStore.Store(ticks);
                persistedTicks = ticks;
                persistedMonotonic = now;
                floorTicks = ticks;
            }
            catch (Exception)
            {
                // Only the after-reboot floor lags; the next offer retries.
            }
        }

        private long Tolerance(long now)
        {
            return Tolerance(now, lastAgreementMonotonic);
        }

        private long Tolerance(long now, long since)
        {
            long elapsed = now - since;
            return (long)MaxSkewSeconds * TimeSpan.TicksPerSecond + elapsed * TimeSpan.TicksPerMillisecond / 1000000 * DriftPartsPerMillion;
        }

        private static long Project(long ticks, long atMonotonic, long now)
        {
            return ticks + (now - atMonotonic) * TimeSpan.TicksPerMillisecond;
        }

        private static long Abs(long value)
        {
            return value < 0 ? -value : value;
        }
    }
}
