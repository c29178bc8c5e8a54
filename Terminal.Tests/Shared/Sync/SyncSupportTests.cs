#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Time;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Sync
{
    [TestClass]
    public class SyncSupportTests
    {
        [TestMethod]
        public void BackoffDoublesWithinJitterBoundsAndIsCapped()
        {
            Backoff backoff = new Backoff(99);
            backoff.BaseMilliseconds = 1000;
            backoff.MaxMilliseconds = 16000;
            int bound = 1000;
            for (int failure = 1; failure <= 12; failure++)
            {
                int delay = backoff.NextDelay();
                Assert.IsTrue(delay >= bound / 2 && delay <= bound, "failure " + failure.ToString() + ": " + delay.ToString());
                bound = bound * 2 > 16000 ? 16000 : bound * 2;
            }

            backoff.Reset();
            Assert.IsTrue(backoff.NextDelay() <= 1000);
        }

        [TestMethod]
        public void BackoffJitterSpreadsTerminalsWithDifferentSeeds()
        {
            int same = 0;
            for (uint seed = 1; seed <= 20; seed++)
            {
                Backoff a = new Backoff(seed);
                Backoff b = new Backoff(seed + 1000);
                a.NextDelay();
                b.NextDelay();
                if (a.NextDelay() == b.NextDelay())
                {
                    same++;
                }
            }

            Assert.IsTrue(same < 3);
        }

        [TestMethod]
        public void SntpNeedsAPlausibleYear()
        {
            TestClockHardware hardware = new TestClockHardware(new DateTime(1970, 1, 1, 0, 0, 5));
            SyncedClock clock = new SyncedClock(hardware);
            Assert.IsFalse(clock.ReportSntpTime());
            Assert.IsFalse(clock.IsSynced);
            Assert.AreEqual("unsynced", clock.StateText);
            hardware.Utc = new DateTime(2026, 11, 26, 8, 0, 0);
            Assert.IsTrue(clock.ReportSntpTime());
            Assert.AreEqual("sntp", clock.StateText);
        }

        [TestMethod]
        public void AGatewayStepAgainstSntpIsRefusedAndReported()
        {
            DateTime now = new DateTime(2026, 11, 26, 8, 0, 0);
            TestClockHardware hardware = new TestClockHardware(now);
            SyncedClock clock = new SyncedClock(hardware);
            clock.ReportSntpTime();
            long nowSeconds = UnixTime.ToSeconds(now);

            Assert.IsFalse(clock.OfferGatewayTime(nowSeconds + 5));
            Assert.IsFalse(clock.IsSuspect);
            Assert.IsFalse(clock.OfferGatewayTime(nowSeconds + 600));
            Assert.IsTrue(clock.IsSuspect);
            Assert.AreEqual("suspect", clock.StateText);
            Assert.AreEqual(600L, clock.LastSkewSeconds);
            Assert.AreEqual(0, hardware.SetCount);

            // Hours without SNTP do not make one source's step acceptable: the clock keeps its own count.
            hardware.AdvanceMilliseconds(3L * 3600 * 1000);
            Assert.IsFalse(clock.OfferGatewayTime(UnixTime.ToSeconds(hardware.Utc) + 600));
            ExpectEnum.Equal(ClockSource.Sntp, clock.Source);
            Assert.AreEqual(hardware.Utc.Ticks, clock.UtcNow.Ticks);
        }

        [TestMethod]
        public void GatewayTimeBefore2021IsIgnored()
        {
            TestClockHardware hardware = new TestClockHardware(new DateTime(1970, 1, 1, 0, 0, 5));
            SyncedClock clock = new SyncedClock(hardware);
            Assert.IsFalse(clock.OfferGatewayTime(1000));
            Assert.IsFalse(clock.OfferGatewayTime(-1));
            Assert.IsFalse(clock.IsSynced);
        }

        [TestMethod]
        public void AsciiNumbersAndJsonFieldsRoundTrip()
        {
            byte[] buffer = new byte[40];
            int end = Ascii.WriteInt64(-1234567890123L, buffer, 0);
            Assert.AreEqual(14, end);
            Assert.AreEqual((byte)'-', buffer[0]);
            Assert.AreEqual(-1, Ascii.WriteInt64(12345, new byte[4], 0));
            Assert.AreEqual(42L, Ascii.ParseNonNegative(" 42 "));
            Assert.AreEqual(-1L, Ascii.ParseNonNegative("4x2"));
            Assert.AreEqual(-1L, Ascii.ParseNonNegative(null));

            byte[] json = new byte[64];
            int length = Ascii.Write("{\"stored\":3, \"ackedUpTo\" : 1234}", json, 0);
            Assert.AreEqual(1234L, Ascii.FindJsonInteger(json, 0, length, "ackedUpTo"));
            Assert.AreEqual(3L, Ascii.FindJsonInteger(json, 0, length, "stored"));
            Assert.AreEqual(-1L, Ascii.FindJsonInteger(json, 0, length, "missing"));
            Assert.AreEqual("00ff10", Ascii.ToHex(new byte[] { 0, 255, 16 }, 0, 3));
        }

        [TestMethod]
        public void UnixSecondsRoundTrip()
        {
            DateTime t = new DateTime(2026, 11, 26, 14, 30, 0);
            long s = UnixTime.ToSeconds(t);
            Assert.AreEqual(1795703400L, s);
            Assert.AreEqual(t.Ticks, UnixTime.FromSeconds(s).Ticks);
            Assert.AreEqual(s * 1000 + 250, UnixTime.ToMilliseconds(t.AddTicks(250 * TimeSpan.TicksPerMillisecond)));
            Assert.AreEqual(t.Ticks + 250 * TimeSpan.TicksPerMillisecond, UnixTime.FromMilliseconds(s * 1000 + 250).Ticks);
        }

        [TestMethod]
        public void UnixTimeFromOutsideIsClampedNeverThrown()
        {
            // DateTime ends in 9999 on .NET and earlier on nanoFramework: the clamp follows the runtime.
            int lastYear = DateTime.MaxValue.Year;
            Assert.AreEqual(lastYear, UnixTime.FromSeconds(long.MaxValue).Year);
            Assert.AreEqual(lastYear, UnixTime.FromSeconds(UnixTime.MaxSeconds + 1).Year);
            Assert.AreEqual(1970, UnixTime.FromSeconds(long.MinValue).Year);
            Assert.AreEqual(lastYear, UnixTime.FromMilliseconds(long.MaxValue).Year);
            Assert.AreEqual(1970, UnixTime.FromMilliseconds(-1).Year);
            Assert.AreEqual(UnixTime.MaxSeconds, UnixTime.ToSeconds(UnixTime.FromSeconds(UnixTime.MaxSeconds)));
        }
    }
}
