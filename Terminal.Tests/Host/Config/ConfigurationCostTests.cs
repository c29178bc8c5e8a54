using System;
using System.IO;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Diagnostics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Config;

/// <summary>
/// What the boot-time configuration step costs in heap, measured on the host (the device's own allocator differs,
/// but the count of strings and arrays is the same code): printed as a figure, bounded well below the ~100 KB
/// managed heap of a plain ESP32 so the parse can never be the reason a terminal fails to boot.
/// </summary>
[TestClass]
public class ConfigurationCostTests
{
    [TestMethod]
    [DataRow("restaurant.conf")]
    [DataRow("vending.conf")]
    public void ParsingASampleAllocatesAFewKilobytes(string sample)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(ConfigValidatorTests.Samples, sample));
        var config = new TerminalConfiguration();
        var errors = new ConfigErrors();
        Assert.IsTrue(ConfigurationParser.Parse(bytes, bytes.Length, config, errors)); // warm-up (JIT, statics)

        long before = GC.GetAllocatedBytesForCurrentThread();
        ConfigurationParser.Parse(bytes, bytes.Length, config, errors);
        long parse = GC.GetAllocatedBytesForCurrentThread() - before;

        var report = new SelfTestReport();
        int lines = 0;
        SelfTestFormatter.Write(report, line => { }); // warm-up (LED table statics)
        before = GC.GetAllocatedBytesForCurrentThread();
        SelfTestFormatter.Write(report, line => lines++);
        long format = GC.GetAllocatedBytesForCurrentThread() - before;

        Console.WriteLine($"{sample}: {bytes.Length} bytes of file, parse allocates {parse} bytes on the host; "
            + $"self-test report: {lines} lines, {format} bytes");
        Assert.IsTrue(parse < 64 * 1024, "parse allocates " + parse + " bytes");
        Assert.IsTrue(format < 16 * 1024, "formatting allocates " + format + " bytes");
    }
}
