#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Tests.Support
{
    /// <summary>The name functions the shared tests' failures print (nanoFramework 1.x prints enums as numbers).</summary>
    [TestClass]
    public class EnumNamesTests
    {
        [TestMethod]
        public void EveryResultEnumNamesItsMembersAndAnUnknownValue()
        {
            Assert.AreEqual("Ok", ListUpdateResultNames.Of(ListUpdateResult.Ok));
            Assert.AreEqual("ListUpdateResult 250", ListUpdateResultNames.Of((ListUpdateResult)250));
            Assert.AreEqual("CycleCompleted", SyncStepResultNames.Of(SyncStepResult.CycleCompleted));
            Assert.AreEqual("Approved", ReasonCodeNames.Of(ReasonCode.Approved));
            Assert.AreEqual("NewCard", CardEventNames.Of(CardEvent.NewCard));
            Assert.AreEqual("chip fault", ReaderResults.Name(ReaderResult.ChipFault));
            Assert.AreEqual("presence check", ReaderSteps.Name(ReaderStep.PresenceCheck));
        }

        [TestMethod]
        public void EqualEnumsPass()
        {
            ExpectEnum.Equal(SyncStepResult.Idle, SyncStepResult.Idle);
            ExpectEnum.Equal(ReasonCode.Lost, ReasonCode.Lost, "same reason");
        }
    }
}
