#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;

namespace LeoCarte.Terminal.Tests.App
{
    [TestClass]
    public class ConfigurationMappingTests
    {
        [TestMethod]
        public void Restaurant_WindowsLimitsAndTimeZoneReachTheDecisionEngine()
        {
            TerminalConfiguration configuration = new TerminalConfiguration();
            configuration.Mode = LeoCarte.Terminal.Config.TerminalMode.Restaurant;
            configuration.ServiceWindows = new LeoCarte.Terminal.Config.ServiceWindow[]
            {
                new LeoCarte.Terminal.Config.ServiceWindow("lunch", 690, 840),
                new LeoCarte.Terminal.Config.ServiceWindow("dinner", 1110, 1230),
            };
            configuration.DoubleTapSeconds = 7;
            configuration.ListMaxAgeHours = 48;
            ApplicationOptions options = new ApplicationOptions();
            options.MealPriceCents = 330;

            DecisionSettings settings = ConfigurationMapping.ToDecisionSettings(configuration, options);
            Assert.IsNull(settings.Validate());
            Assert.AreEqual((int)LeoCarte.Terminal.Decisions.TerminalMode.Restaurant, (int)settings.Mode);
            Assert.AreEqual(2, settings.Restaurant.Windows.Length);
            Assert.AreEqual("dinner", settings.Restaurant.Windows[1].Name);
            Assert.AreEqual(1110, settings.Restaurant.Windows[1].StartMinute);
            Assert.AreEqual(840, settings.Restaurant.Windows[0].EndMinute);
            Assert.AreEqual(330, settings.Restaurant.Windows[0].MealPriceCents);
            Assert.AreEqual(7, settings.RepeatTapSeconds);
            Assert.AreEqual(48 * 60, settings.Staleness.MaxMinutesWithoutConfirmation);
            Assert.AreEqual(60, settings.LocalTime.UtcOffsetMinutes);
            Assert.IsTrue(settings.LocalTime.EuropeanSummerTime);
        }

        [TestMethod]
        public void Vending_CapsAndSyncInterval()
        {
            TerminalConfiguration configuration = new TerminalConfiguration();
            configuration.Mode = LeoCarte.Terminal.Config.TerminalMode.Vending;
            configuration.CardDailyOfflineCapCents = 500;
            configuration.TerminalDailyOfflineCapCents = 20000;
            configuration.SyncIntervalSeconds = 600;
            ApplicationOptions options = new ApplicationOptions();

            DecisionSettings settings = ConfigurationMapping.ToDecisionSettings(configuration, options);
            Assert.IsNull(settings.Validate());
            Assert.AreEqual((int)LeoCarte.Terminal.Decisions.TerminalMode.Vending, (int)settings.Mode);
            Assert.AreEqual(500, settings.Vending.CardDailyCapCents);
            Assert.AreEqual(20000, settings.Vending.TerminalDailyCapCents);
            Assert.AreEqual(600, ConfigurationMapping.ToSyncOptions(configuration, options).IntervalSeconds);
        }
    }
}
