using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace LeoCarte.Tools.Conformance;

/// <summary>
/// Conformance report of the firmware's portable assemblies, as compiled against nanoFramework's mscorlib
/// (Builds/Portable.props). With no argument it checks the assemblies this tool was built with; with
/// <c>check FILE [--allow NAME]...</c> it checks one file.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "check")
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine("usage: check FILE [--allow ASSEMBLY]...");
                return 2;
            }

            var allow = new List<string>();
            for (int i = 2; i + 1 < args.Length; i += 2)
            {
                if (args[i] == "--allow")
                {
                    allow.Add(args[i + 1]);
                }
            }

            return Print(new[] { ConformanceChecker.Check(args[1], allow) });
        }

        var targets = FirmwareAssemblies.Listed();
        var reports = targets.Select(t => ConformanceChecker.Check(t.Path, t.Allowed)).ToList();
        return Print(reports);
    }

    private static int Print(IReadOnlyList<ConformanceReport> reports)
    {
        Console.WriteLine("nanoFramework 1.x conformance (mscorlib 1.17.11.0; no generics, async or iterators; no other references)");
        Console.WriteLine();
        Console.WriteLine($"{"assembly",-34} {"types",6} {"methods",8} {"IL bytes",9} {"violations",10}  references");
        foreach (var report in reports)
        {
            Console.WriteLine($"{report.AssemblyName,-34} {report.TypeCount,6} {report.MethodCount,8} {report.IlBytes,9} {report.Violations.Count,10}  {string.Join(", ", report.References)}");
        }

        int failed = 0;
        foreach (var report in reports.Where(r => !r.Passed))
        {
            failed++;
            Console.WriteLine();
            Console.WriteLine($"{report.AssemblyName} ({report.Path}):");
            foreach (var violation in report.Violations)
            {
                Console.WriteLine("  " + violation);
            }
        }

        Console.WriteLine();
        Console.WriteLine(failed == 0
            ? $"conformance: all {reports.Count} assemblies pass"
            : $"conformance: {failed} of {reports.Count} assemblies FAIL");
        return failed == 0 ? 0 : 1;
    }
}

/// <summary>The nanoFramework-conformance builds of the portable projects, recorded at build time.</summary>
public static class FirmwareAssemblies
{
    public sealed record Target(string Path, string[] Allowed);

    /// <summary>Reads the [AssemblyMetadata("FirmwareAssembly", "path|allowed,allowed")] entries the build wrote.</summary>
    public static IReadOnlyList<Target> Listed()
    {
        return typeof(FirmwareAssemblies).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key == "FirmwareAssembly" && !string.IsNullOrEmpty(a.Value))
            .Select(a =>
            {
                var parts = a.Value.Split('|');
                var path = Path.GetFullPath(parts[0]);
                var allowed = parts.Length > 1 ? parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>();
                return new Target(path, allowed);
            })
            .OrderBy(t => t.Path, StringComparer.Ordinal)
            .ToList();
    }
}
