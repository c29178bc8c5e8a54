using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Tests.Conformance;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Hardware;

/// <summary>hardware/README.md's pin table is the source of truth; the firmware defaults must match it.</summary>
[TestClass]
public class PinMapTests
{
    internal static Dictionary<string, int> ReadPinTable()
    {
        string path = Path.Combine(ConformanceCheckerTests.Metadata("RepoRoot"), "hardware", "README.md");
        var pins = new Dictionary<string, int>();
        foreach (var line in File.ReadAllLines(path))
        {
            var match = Regex.Match(line, @"^\|\s*([A-Z_]+)\s*\|\s*(\d+)\s*\|");
            if (match.Success)
            {
                pins.Add(match.Groups[1].Value, int.Parse(match.Groups[2].Value));
            }
        }

        return pins;
    }

    [TestMethod]
    public void FirmwareDefaultsMatchTheDocumentedPinTable()
    {
        var table = ReadPinTable();
        var defaults = PinAssignment.Defaults();
        var expected = new Dictionary<string, int>
        {
            ["SPI_SCK"] = defaults.SpiClock,
            ["SPI_MISO"] = defaults.SpiMiso,
            ["SPI_MOSI"] = defaults.SpiMosi,
            ["READER_CS"] = defaults.ReaderChipSelect,
            ["READER_RST"] = defaults.ReaderReset,
            ["READER_IRQ"] = defaults.ReaderIrq,
            ["LED_GREEN"] = defaults.LedGreen,
            ["LED_RED"] = defaults.LedRed,
            ["BUZZER"] = defaults.Buzzer,
            ["VEND_PULSE"] = defaults.VendPulse,
            ["MDB_TX"] = defaults.MdbTx,
            ["MDB_RX"] = defaults.MdbRx,
        };
        foreach (var pair in expected)
        {
            Assert.IsTrue(table.ContainsKey(pair.Key), "hardware/README.md lists " + pair.Key);
            Assert.AreEqual(table[pair.Key], pair.Value, pair.Key);
        }

        Assert.AreEqual(expected.Count, table.Count, "every documented signal has a firmware default");
    }

    [TestMethod]
    public void NoSignalUsesAReservedOrSharedPin()
    {
        var table = ReadPinTable();
        var used = new HashSet<int>();
        foreach (var pair in table)
        {
            // GPIO6-11: SPI flash; GPIO16/17: PSRAM on WROVER; GPIO34-39 are input-only.
            Assert.IsFalse(pair.Value is >= 6 and <= 11 or 16 or 17, pair.Key + " uses a flash/PSRAM pin");
            Assert.IsTrue(used.Add(pair.Value), pair.Key + " shares GPIO " + pair.Value);
        }
    }

    [TestMethod]
    public void OutputsAvoidInputOnlyPinsAndTheFirmwareAgreesWhichPinsAreReserved()
    {
        var inputs = new HashSet<string> { "SPI_MISO", "READER_IRQ", "MDB_RX" };
        foreach (var pair in ReadPinTable())
        {
            Assert.IsFalse(PinAssignment.IsReserved(pair.Value), pair.Key + " is on a pin the firmware rejects");
            if (!inputs.Contains(pair.Key))
            {
                Assert.IsFalse(PinAssignment.IsInputOnly(pair.Value), pair.Key + " drives an input-only GPIO");
            }
        }

        // The strapping pins stay free: GPIO12 high at reset selects 1.8 V flash and the board does not boot.
        foreach (int strapping in new[] { 0, 2, 12, 15 })
        {
            Assert.IsFalse(ReadPinTable().ContainsValue(strapping), "GPIO" + strapping + " is a boot strapping pin");
        }
    }

    [TestMethod]
    public void TheWiringDiagramShowsEverySignalOnItsGpio()
    {
        string svg = File.ReadAllText(Path.Combine(ConformanceCheckerTests.Metadata("RepoRoot"), "hardware", "wiring.svg"));
        foreach (var pair in ReadPinTable())
        {
            Assert.IsTrue(Regex.IsMatch(svg, @"GPIO" + pair.Value + @"\b"), "wiring.svg labels GPIO" + pair.Value + " (" + pair.Key + ")");
        }
    }

    [TestMethod]
    public void TheConfigurationDefaultsAreTheDocumentedWiring()
    {
        var fromFile = TerminalConfiguration.Defaults().Pins;
        var table = ReadPinTable();
        Assert.AreEqual(table["LED_RED"], fromFile.LedRed);
        Assert.AreEqual(table["MDB_RX"], fromFile.MdbRx);
        var copy = PinAssignment.Defaults().Copy();
        Assert.AreEqual(table["VEND_PULSE"], copy.VendPulse);
        Assert.AreEqual(table["READER_CS"], copy.ReaderChipSelect);
    }
}
