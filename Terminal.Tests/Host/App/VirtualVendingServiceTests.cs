using System;
using System.IO;
using LeoCarte.VirtualTerminal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// <c>dotnet run --project VirtualTerminal -- --vending --mdb</c> as a test: the real terminal application as MDB
/// cashless device in a simulated vending machine, gateway over real HTTP. Its own checks must hold (exit code 0),
/// and the printout shows every kind of session the run promises.
/// </summary>
[TestClass]
public class VirtualVendingServiceTests
{
    [TestMethod]
    public void VendingMachineOnMdbEndsWithItsChecksHeld()
    {
        var output = new StringWriter();
        int exit = VendingService.Run(new VirtualTerminalOptions { Seed = 2026 }, output, 2026);
        string text = output.ToString();
        Console.WriteLine(text[Math.Max(0, text.IndexOf("==== vending (MDB) summary", StringComparison.Ordinal))..]);
        Assert.AreEqual(0, exit, "the run's checks");
        StringAssert.Contains(text, "BEGIN SESSION, funds 10.00 €");
        StringAssert.Contains(text, "vend voided: VendFailed → not charged");
        StringAssert.Contains(text, "vend voided: VendCancelled → not charged");
        StringAssert.Contains(text, "is more than the session's funds 1.50 €: not requested");
        StringAssert.Contains(text, "DENIED Lost");
        StringAssert.Contains(text, "DENIED UnknownCard");
        StringAssert.Contains(text, "1 ended by the session timeout");
        StringAssert.Contains(text, "every record at the gateway exactly once: yes");
    }
}
