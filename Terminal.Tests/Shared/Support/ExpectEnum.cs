// Shared test support: compiled for MSTest on the host and for nanoFramework.TestFramework on the device.
#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Tests.Support
{
    /// <summary>
    /// Enum assertions that print member names: "expected Ok, actual StorageError" instead of "expected 0, actual 5".
    /// No generics (nanoFramework 1.x), so one overload pair per enum, each over the enum's name function
    /// (<c>XxxNames.Of</c> beside the enum).
    /// </summary>
    public static class ExpectEnum
    {
        public static void Equal(ListUpdateResult expected, ListUpdateResult actual)
        {
            if (expected != actual)
            {
                Fail(ListUpdateResultNames.Of(expected), ListUpdateResultNames.Of(actual), null);
            }
        }

        public static void Equal(ListUpdateResult expected, ListUpdateResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(ListUpdateResultNames.Of(expected), ListUpdateResultNames.Of(actual), message);
            }
        }

        public static void Equal(ListKind expected, ListKind actual)
        {
            if (expected != actual)
            {
                Fail(ListKindNames.Of(expected), ListKindNames.Of(actual), null);
            }
        }

        public static void Equal(ListKind expected, ListKind actual, string message)
        {
            if (expected != actual)
            {
                Fail(ListKindNames.Of(expected), ListKindNames.Of(actual), message);
            }
        }

        public static void Equal(ReasonCode expected, ReasonCode actual)
        {
            if (expected != actual)
            {
                Fail(ReasonCodeNames.Of(expected), ReasonCodeNames.Of(actual), null);
            }
        }

        public static void Equal(ReasonCode expected, ReasonCode actual, string message)
        {
            if (expected != actual)
            {
                Fail(ReasonCodeNames.Of(expected), ReasonCodeNames.Of(actual), message);
            }
        }

        public static void Equal(SyncStepResult expected, SyncStepResult actual)
        {
            if (expected != actual)
            {
                Fail(SyncStepResultNames.Of(expected), SyncStepResultNames.Of(actual), null);
            }
        }

        public static void Equal(SyncStepResult expected, SyncStepResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(SyncStepResultNames.Of(expected), SyncStepResultNames.Of(actual), message);
            }
        }

        public static void Equal(TransportResult expected, TransportResult actual)
        {
            if (expected != actual)
            {
                Fail(TransportResultNames.Of(expected), TransportResultNames.Of(actual), null);
            }
        }

        public static void Equal(TransportResult expected, TransportResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(TransportResultNames.Of(expected), TransportResultNames.Of(actual), message);
            }
        }

        public static void Equal(LinkState expected, LinkState actual)
        {
            if (expected != actual)
            {
                Fail(LinkStateNames.Of(expected), LinkStateNames.Of(actual), null);
            }
        }

        public static void Equal(LinkState expected, LinkState actual, string message)
        {
            if (expected != actual)
            {
                Fail(LinkStateNames.Of(expected), LinkStateNames.Of(actual), message);
            }
        }

        public static void Equal(ClockSource expected, ClockSource actual)
        {
            if (expected != actual)
            {
                Fail(ClockSourceNames.Of(expected), ClockSourceNames.Of(actual), null);
            }
        }

        public static void Equal(ClockSource expected, ClockSource actual, string message)
        {
            if (expected != actual)
            {
                Fail(ClockSourceNames.Of(expected), ClockSourceNames.Of(actual), message);
            }
        }

        public static void Equal(JournalResult expected, JournalResult actual)
        {
            if (expected != actual)
            {
                Fail(JournalResultNames.Of(expected), JournalResultNames.Of(actual), null);
            }
        }

        public static void Equal(JournalResult expected, JournalResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(JournalResultNames.Of(expected), JournalResultNames.Of(actual), message);
            }
        }

        public static void Equal(CardState expected, CardState actual)
        {
            if (expected != actual)
            {
                Fail(CardStateNames.Of(expected), CardStateNames.Of(actual), null);
            }
        }

        public static void Equal(CardState expected, CardState actual, string message)
        {
            if (expected != actual)
            {
                Fail(CardStateNames.Of(expected), CardStateNames.Of(actual), message);
            }
        }

        public static void Equal(ConfigurationStatus expected, ConfigurationStatus actual)
        {
            if (expected != actual)
            {
                Fail(ConfigurationStatusNames.Of(expected), ConfigurationStatusNames.Of(actual), null);
            }
        }

        public static void Equal(ConfigurationStatus expected, ConfigurationStatus actual, string message)
        {
            if (expected != actual)
            {
                Fail(ConfigurationStatusNames.Of(expected), ConfigurationStatusNames.Of(actual), message);
            }
        }

        public static void Equal(FaultClass expected, FaultClass actual)
        {
            if (expected != actual)
            {
                Fail(FaultClassNames.Of(expected), FaultClassNames.Of(actual), null);
            }
        }

        public static void Equal(FaultClass expected, FaultClass actual, string message)
        {
            if (expected != actual)
            {
                Fail(FaultClassNames.Of(expected), FaultClassNames.Of(actual), message);
            }
        }

        public static void Equal(CheckResult expected, CheckResult actual)
        {
            if (expected != actual)
            {
                Fail(CheckResultNames.Of(expected), CheckResultNames.Of(actual), null);
            }
        }

        public static void Equal(CheckResult expected, CheckResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(CheckResultNames.Of(expected), CheckResultNames.Of(actual), message);
            }
        }

        public static void Equal(WatchdogVerdict expected, WatchdogVerdict actual)
        {
            if (expected != actual)
            {
                Fail(WatchdogVerdictNames.Of(expected), WatchdogVerdictNames.Of(actual), null);
            }
        }

        public static void Equal(WatchdogVerdict expected, WatchdogVerdict actual, string message)
        {
            if (expected != actual)
            {
                Fail(WatchdogVerdictNames.Of(expected), WatchdogVerdictNames.Of(actual), message);
            }
        }

        public static void Equal(TapKind expected, TapKind actual)
        {
            if (expected != actual)
            {
                Fail(TapKindNames.Of(expected), TapKindNames.Of(actual), null);
            }
        }

        public static void Equal(TapKind expected, TapKind actual, string message)
        {
            if (expected != actual)
            {
                Fail(TapKindNames.Of(expected), TapKindNames.Of(actual), message);
            }
        }

        public static void Equal(CsnParseResult expected, CsnParseResult actual)
        {
            if (expected != actual)
            {
                Fail(CsnParseResultNames.Of(expected), CsnParseResultNames.Of(actual), null);
            }
        }

        public static void Equal(CsnParseResult expected, CsnParseResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(CsnParseResultNames.Of(expected), CsnParseResultNames.Of(actual), message);
            }
        }

        public static void Equal(CardEvent expected, CardEvent actual)
        {
            if (expected != actual)
            {
                Fail(CardEventNames.Of(expected), CardEventNames.Of(actual), null);
            }
        }

        public static void Equal(CardEvent expected, CardEvent actual, string message)
        {
            if (expected != actual)
            {
                Fail(CardEventNames.Of(expected), CardEventNames.Of(actual), message);
            }
        }

        public static void Equal(CardType expected, CardType actual)
        {
            if (expected != actual)
            {
                Fail(CardTypeNames.Of(expected), CardTypeNames.Of(actual), null);
            }
        }

        public static void Equal(CardType expected, CardType actual, string message)
        {
            if (expected != actual)
            {
                Fail(CardTypeNames.Of(expected), CardTypeNames.Of(actual), message);
            }
        }

        public static void Equal(ReaderResult expected, ReaderResult actual)
        {
            if (expected != actual)
            {
                Fail(ReaderResults.Name(expected), ReaderResults.Name(actual), null);
            }
        }

        public static void Equal(ReaderResult expected, ReaderResult actual, string message)
        {
            if (expected != actual)
            {
                Fail(ReaderResults.Name(expected), ReaderResults.Name(actual), message);
            }
        }

        public static void Equal(ReaderStep expected, ReaderStep actual)
        {
            if (expected != actual)
            {
                Fail(ReaderSteps.Name(expected), ReaderSteps.Name(actual), null);
            }
        }

        public static void Equal(ReaderStep expected, ReaderStep actual, string message)
        {
            if (expected != actual)
            {
                Fail(ReaderSteps.Name(expected), ReaderSteps.Name(actual), message);
            }
        }

        private static void Fail(string expected, string actual, string message)
        {
            Assert.IsTrue(false, "expected " + expected + ", actual " + actual + (message == null || message.Length == 0 ? "" : ": " + message));
        }
    }
}
