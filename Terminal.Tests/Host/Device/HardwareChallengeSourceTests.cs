using System;
using System.IO;
using System.Linq;
using System.Reflection;
using LeoCarte.Terminal.Tests.Conformance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Device;

/// <summary>
/// The ESP32 challenge source (Terminal/Device/App/HardwareChallengeSource.cs) compiled from its source and run with
/// .NET's System.Random standing in for nanoFramework's (same API: parameterless constructor, Next, NextBytes(byte[]);
/// on the ESP32 firmware every byte is an esp_random() read). What is checked here is the adapter's own logic: any
/// count and offset filled, nothing written outside, no two challenges alike.
/// </summary>
[TestClass]
public class HardwareChallengeSourceTests
{
    private const string Scenario = """
        using LeoCarte.Terminal.Device.App;

        public static class Scenario
        {
            public static byte[][] Challenges(int count, int length, int offset)
            {
                var source = new HardwareChallengeSource(12345);
                var all = new byte[count][];
                for (int i = 0; i < count; i++)
                {
                    all[i] = new byte[length + offset + 3];
                    source.Fill(all[i], offset, length);
                }
                return all;
            }
        }
        """;

    [TestMethod]
    public void ChallengesFillExactlyTheirRangeAndNeverRepeat()
    {
        string root = ConformanceCheckerTests.Metadata("RepoRoot");
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(root, "Terminal/Device/App/HardwareChallengeSource.cs")), new CSharpParseOptions(LanguageVersion.CSharp12)),
            CSharpSyntaxTree.ParseText(Scenario, new CSharpParseOptions(LanguageVersion.CSharp12)),
        };
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var references = Directory.GetFiles(framework, "*.dll")
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Append(typeof(LeoCarte.Terminal.App.ChallengeGenerator).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("ChallengeHarness" + Guid.NewGuid().ToString("N"), trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.IsTrue(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        MethodInfo run = Assembly.Load(image.ToArray()).GetType("Scenario").GetMethod("Challenges");

        foreach (var (length, offset) in new[] { (16, 0), (16, 5), (7, 2), (40, 1) })
        {
            var all = (byte[][])run.Invoke(null, new object[] { 200, length, offset });
            foreach (byte[] buffer in all)
            {
                Assert.IsTrue(buffer.Take(offset).All(b => b == 0) && buffer.Skip(offset + length).All(b => b == 0), "nothing written outside the range");
            }

            int distinct = all.Select(b => Convert.ToHexString(b, offset, length)).Distinct().Count();
            Assert.AreEqual(all.Length, distinct, $"{length}-byte challenges at offset {offset}: no repeat in {all.Length}");
        }
    }
}
