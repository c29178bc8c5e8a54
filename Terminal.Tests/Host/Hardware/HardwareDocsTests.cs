using System;
using System.IO;
using System.Linq;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Tests.Conformance;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Hardware;

/// <summary>The technician documents in hardware/ describe exactly what the firmware does.</summary>
[TestClass]
public class HardwareDocsTests
{
    private static string Read(string name) =>
        File.ReadAllText(Path.Combine(ConformanceCheckerTests.Metadata("RepoRoot"), "hardware", name));

    /// <summary>nanoFramework's ESP32 SPI bus 1 is the HSPI controller (SPI1_* pin functions), bus 2 is VSPI: no
    /// document or comment may call bus 1 VSPI again (it did, in the pin table and the driver).</summary>
    [TestMethod]
    public void SpiBusOneIsCalledHspiEverywhere()
    {
        string root = ConformanceCheckerTests.Metadata("RepoRoot");
        var wrong = new System.Text.RegularExpressions.Regex(@"VSPI[ (]*(SPI )?bus 1|bus 1\)? *(=|is) *VSPI|1 = VSPI|VSPI \(SPI bus 1\)");
        var offenders = Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/packages/") && !f.EndsWith("HardwareDocsTests.cs", StringComparison.Ordinal))
            .Where(f => wrong.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();
        Assert.AreEqual(0, offenders.Count, "SPI bus 1 called VSPI in: " + string.Join(", ", offenders));
        StringAssert.Contains(Read("README.md"), "| SPI_SCK | 18 | SPI bus 1 (HSPI) clock |");
    }

    [TestMethod]
    public void ConfigurationMdDocumentsEveryFieldInItsSection()
    {
        string doc = Read("configuration.md");
        foreach (string field in ConfigurationParser.Fields)
        {
            string section = field.Substring(0, field.IndexOf('.'));
            string key = field.Substring(field.IndexOf('.') + 1);
            int heading = doc.IndexOf("## `[" + section + "]`", StringComparison.Ordinal);
            Assert.IsTrue(heading >= 0, "configuration.md has a section for [" + section + "]");
            int next = doc.IndexOf("\n## ", heading + 1, StringComparison.Ordinal);
            string body = next < 0 ? doc.Substring(heading) : doc.Substring(heading, next - heading);
            StringAssert.Contains(body, "| `" + key + "` |", field + " is documented under [" + section + "]");
        }

        foreach (string section in ConfigurationParser.Sections)
        {
            StringAssert.Contains(doc, "## `[" + section + "]`");
        }
    }

    [TestMethod]
    public void DiagnosticsMdLedTableIsTheFirmwaresTable()
    {
        string[] rows = Read("diagnostics.md").Split('\n').Where(l => l.StartsWith("| red", StringComparison.Ordinal)).ToArray();
        Assert.AreEqual(LedCodeTable.Count - 1, rows.Length, "one documented row per fault code");
        for (int i = 1; i < LedCodeTable.Count; i++)
        {
            LedCode code = LedCodeTable.At(i);
            string row = "| " + code.Describe() + " | " + code.Name + " | " + (code.Fatal ? "fatal" : "degraded") + " |";
            Assert.IsTrue(rows.Any(r => r.StartsWith(row, StringComparison.Ordinal)), "diagnostics.md has the row " + row);
        }

        // The rows are in priority order, as the LEDs choose.
        for (int i = 1; i < LedCodeTable.Count; i++)
        {
            StringAssert.Contains(rows[i - 1], "| " + LedCodeTable.At(i).Name + " |");
        }
    }

    [TestMethod]
    public void TheFlashingGuideUsesTheBoardsFirmwareTargetAndTheConfigurationFileName()
    {
        string readme = Read("README.md");
        string flashing = Read("flashing.md");
        StringAssert.Contains(readme, "`ESP32_PSRAM_REV3`");
        StringAssert.Contains(flashing, "nanoff flash target ESP32_PSRAM_REV3 serialport COM5 masserase");
        StringAssert.Contains(flashing, "--target ESP32_PSRAM_REV3 --serialport COM5 --update --masserase");
        StringAssert.Contains(flashing, "I:\\\\" + TerminalConfiguration.FileName);
        StringAssert.Contains(flashing, "nanoff deploy file deploy.json serialport COM5");
    }

    [TestMethod]
    public void EveryLinkedHardwareDocumentExists()
    {
        string dir = Path.Combine(ConformanceCheckerTests.Metadata("RepoRoot"), "hardware");
        foreach (string doc in Directory.GetFiles(dir, "*.md"))
        {
            foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(doc), @"\]\(([^)#:]+)(#[^)]*)?\)"))
            {
                string target = Path.GetFullPath(Path.Combine(dir, link.Groups[1].Value));
                if (target.StartsWith(Path.GetFullPath(dir), StringComparison.Ordinal))
                {
                    Assert.IsTrue(File.Exists(target) || Directory.Exists(target), Path.GetFileName(doc) + " links to a missing " + link.Groups[1].Value);
                }
            }
        }
    }
}
