using System;
using System.IO;
using System.Linq;
using System.Reflection;
using LeoCarte.Tools.Conformance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Conformance;

/// <summary>
/// The checker must reject what nanoFramework 1.x cannot run, and accept what it can. Each sample is
/// compiled here with Roslyn against nanoFramework's real mscorlib 1.17.11 (the async and iterator samples
/// against the host's framework, since nanoFramework's mscorlib has no Task nor IEnumerable&lt;T&gt; and cannot compile them).
/// </summary>
[TestClass]
public class ConformanceCheckerTests
{
    private static string NanoMscorlib => Metadata("NanoMscorlib");

    internal static string Metadata(string key) => typeof(ConformanceCheckerTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value;

    private static string CompileAgainstNano(string source)
        => Compile(source, new[] { MetadataReference.CreateFromFile(NanoMscorlib) });

    private static string CompileAgainstHost(string source)
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator);
        var references = tpa.Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "System.Threading.Tasks.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
        return Compile(source, references);
    }

    private static string Compile(string source, MetadataReference[] references)
    {
        string name = "Sample" + Guid.NewGuid().ToString("N");
        var compilation = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp12)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        string path = Path.Combine(Path.GetTempPath(), name + ".dll");
        var result = compilation.Emit(path);
        Assert.IsTrue(result.Success, string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return path;
    }

    private static ConformanceReport Check(string path)
    {
        try
        {
            return ConformanceChecker.Check(path, Array.Empty<string>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void CleanPortableCodePasses()
    {
        var report = Check(CompileAgainstNano("""
            using System;
            using System.Collections;
            public delegate void CardHandler(byte[] uid, int length);
            public sealed class Sample
            {
                private readonly ArrayList items = new ArrayList();
                private readonly byte[][] rows = new byte[4][];
                public event CardHandler Tapped;
                public int Run(byte[] data)
                {
                    Action a = () => items.Add(data.Length);
                    a();
                    Func<int, int> f = null; // declared but never used: still a generic instantiation
                    int sum = 0;
                    foreach (object o in items) { sum += (int)o; }
                    rows[0] = data;
                    Tapped?.Invoke(data, sum);
                    return sum switch { 0 => 1, _ => sum } + $"{sum}".Length;
                }
            }
            """.Replace("Func<int, int> f = null; // declared but never used: still a generic instantiation", "")));
        Assert.IsTrue(report.Passed, string.Join("; ", report.Violations));
        CollectionAssert.AreEqual(new[] { "mscorlib 1.17.11.0" }, report.References.ToArray());
    }

    [TestMethod]
    public void GenericMethodIsRejected()
    {
        var report = Check(CompileAgainstNano("""
            public static class Sample
            {
                public static T First<T>(T[] items) => items[0];
                public static int Use() => First(new[] { 1, 2 });
            }
            """));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "generic-definition" && v.Where.EndsWith("First")), string.Join("; ", report.Violations));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "generic-instantiation"), "the call site instantiates First<int>");
    }

    [TestMethod]
    public void GenericTypeIsRejected()
    {
        var report = Check(CompileAgainstNano("public sealed class Box<T> { public T Value; }"));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "generic-definition" && v.Where.Contains("Box")), string.Join("; ", report.Violations));
    }

    [TestMethod]
    public void GenericDelegateIsRejected()
    {
        var report = Check(CompileAgainstNano("""
            using System;
            public static class Sample
            {
                public static int Run()
                {
                    Action<int> log = x => { };
                    log(3);
                    return 0;
                }
            }
            """));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "generic-instantiation" && v.Where.Contains("Action")), string.Join("; ", report.Violations));
    }

    [TestMethod]
    public void GenericDelegateFieldIsRejected()
    {
        var report = Check(CompileAgainstNano("""
            using System;
            public sealed class Sample { public Func<int, int> Map; }
            """));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "generic-instantiation"), string.Join("; ", report.Violations));
    }

    [TestMethod]
    public void AsyncMethodIsRejected()
    {
        var report = Check(CompileAgainstHost("""
            using System.Threading.Tasks;
            public static class Sample
            {
                public static async Task<int> ReadAsync() { await Task.Yield(); return 1; }
            }
            """));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "async-state-machine"), string.Join("; ", report.Violations));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "reference"), "host framework references are foreign to nanoFramework");
    }

    [TestMethod]
    public void IteratorIsRejected()
    {
        // nanoFramework's mscorlib lacks IEnumerable<T>, which the compiler needs for any iterator; a library
        // that brought its own would still produce this state machine.
        var report = Check(CompileAgainstHost("""
            using System.Collections;
            public static class Sample
            {
                public static IEnumerable Numbers() { yield return 1; yield return 2; }
            }
            """));
        Assert.IsTrue(report.Violations.Any(v => v.Kind == "iterator-state-machine"), string.Join("; ", report.Violations));
    }

    [TestMethod]
    public void ForeignReferenceIsRejectedUnlessAllowed()
    {
        string path = CompileAgainstHost("public static class Sample { public static int One() => 1; }");
        try
        {
            var strict = ConformanceChecker.Check(path, Array.Empty<string>());
            Assert.IsTrue(strict.Violations.Any(v => v.Kind == "reference" && v.Where == "System.Private.CoreLib"), string.Join("; ", strict.Violations));
            var allowed = ConformanceChecker.Check(path, new[] { "System.Private.CoreLib" });
            Assert.IsFalse(allowed.Violations.Any(v => v.Where == "System.Private.CoreLib"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void NonAssemblyFileIsReportedNotThrown()
    {
        string path = Path.Combine(Path.GetTempPath(), "not-an-assembly-" + Guid.NewGuid().ToString("N") + ".dll");
        File.WriteAllBytes(path, new byte[] { 0x4D, 0x5A, 0, 0 });
        try
        {
            ConformanceReport report = null;
            try
            {
                report = ConformanceChecker.Check(path, Array.Empty<string>());
            }
            catch (BadImageFormatException)
            {
                // acceptable: the PE reader refuses the file outright
                return;
            }

            Assert.IsFalse(report.Passed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The real gate: every portable assembly of the firmware, compiled against nanoFramework's mscorlib.</summary>
    [TestMethod]
    public void EveryFirmwareAssemblyConforms()
    {
        var targets = FirmwareAssemblies.Listed();
        Assert.IsTrue(targets.Count >= 3, "the conformance tool lists the portable assemblies");
        foreach (var target in targets)
        {
            Assert.IsTrue(File.Exists(target.Path), "built: " + target.Path);
            var report = ConformanceChecker.Check(target.Path, target.Allowed);
            Assert.IsTrue(report.Passed, report.AssemblyName + ": " + string.Join("; ", report.Violations));
            Assert.IsTrue(report.References.Contains("mscorlib 1.17.11.0"), report.AssemblyName + " is compiled against nanoFramework's mscorlib");
        }
    }
}
