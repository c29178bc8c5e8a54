using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Support;

/// <summary>A failing shared-test enum assertion reads in names, not numbers.</summary>
[TestClass]
public class ExpectEnumMessageTests
{
    [TestMethod]
    public void AFailureNamesBothMembersAndKeepsTheMessage()
    {
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => ExpectEnum.Equal(ReasonCode.Approved, ReasonCode.Stolen, "tap 3"));
        StringAssert.Contains(failure.Message, "expected Approved, actual Stolen: tap 3");
    }
}
