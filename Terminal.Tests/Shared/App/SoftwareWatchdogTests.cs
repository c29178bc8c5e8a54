#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.App
{
    [TestClass]
    public class SoftwareWatchdogTests
    {
        [TestMethod]
        public void FedLoop_StaysAlive()
        {
            SoftwareWatchdog watchdog = new SoftwareWatchdog(1000, 30000, 0);
            for (long t = 20; t < 100000; t += 20)
            {
                watchdog.Feed(t);
                if (t % 1000 == 0)
                {
                    ExpectEnum.Equal(WatchdogVerdict.Alive, watchdog.Check(t));
                }
            }

            Assert.AreEqual(0, watchdog.Stalls);
            Assert.AreEqual(20L, watchdog.LongestGapMilliseconds);
            Assert.IsFalse(watchdog.HasExpired);
        }

        [TestMethod]
        public void Stall_IsCountedOnceWhileItLasts()
        {
            SoftwareWatchdog watchdog = new SoftwareWatchdog(1000, 30000, 0);
            watchdog.Feed(100);
            ExpectEnum.Equal(WatchdogVerdict.Stalled, watchdog.Check(1500));
            ExpectEnum.Equal(WatchdogVerdict.Stalled, watchdog.Check(2500));
            watchdog.Feed(2600);
            Assert.AreEqual(1, watchdog.Stalls);
            ExpectEnum.Equal(WatchdogVerdict.Alive, watchdog.Check(2700));
        }

        [TestMethod]
        public void StallBetweenChecks_IsCountedByTheFeed()
        {
            SoftwareWatchdog watchdog = new SoftwareWatchdog(1000, 30000, 0);
            watchdog.Feed(100);
            watchdog.Feed(1400);
            Assert.AreEqual(1, watchdog.Stalls);
            Assert.AreEqual(1300L, watchdog.LongestGapMilliseconds);
        }

        [TestMethod]
        public void DeadLoop_Expires()
        {
            SoftwareWatchdog watchdog = new SoftwareWatchdog(1000, 30000, 0);
            watchdog.Feed(10);
            ExpectEnum.Equal(WatchdogVerdict.Stalled, watchdog.Check(29000));
            ExpectEnum.Equal(WatchdogVerdict.Expired, watchdog.Check(30010));
            Assert.IsTrue(watchdog.HasExpired);
        }
    }
}
