using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LeoCarte.Tools.DeviceProjects;

/// <summary>
/// Keeps the Compile items of the device projects (*.nfproj, which Visual Studio's nanoFramework project
/// system builds and which cannot glob reliably) equal to the source files on disk, so the device build
/// cannot silently drift from the host and conformance builds that glob the same folders.
/// </summary>
public static class DeviceProjectSources
{
    /// <summary>One device project: which folders' sources it compiles, and which it links from elsewhere.</summary>
    /// <remarks><paramref name="OwnOnlyFolders"/>: when not null, only these subfolders of the project's own folder are compiled.</remarks>
    public sealed record DeviceProject(string ProjectPath, string OwnFolder, string[] OwnExcludedFolders, LinkedSources[] Links, string[] OwnOnlyFolders = null);

    /// <summary>
    /// Sources a project links from another folder (shown under that folder's path in Visual Studio): every .cs
    /// file of <paramref name="Folder"/> except <paramref name="ExcludedFolders"/>; when <paramref name="Only"/> is
    /// not null, only the files under those subfolders ("Sync/") or those files ("Config/ConfigTestFiles.cs").
    /// </summary>
    public sealed record LinkedSources(string Folder, string[] ExcludedFolders = null, string[] Only = null);

    private static readonly LinkedSources[] NoLinks = Array.Empty<LinkedSources>();

    private static readonly LinkedSources SupportForTests = new("Terminal.Support", new[] { "Personalisation" });

    /// <summary>
    /// The shared test folders each device test assembly holds. One assembly with all of them passed 64 KB of
    /// strings (names + literals): the MetadataProcessor wrapped the 16-bit offsets without an error and nanoCLR
    /// loaded the assembly under the name "get_Count", so no test ran. Each folder is in exactly one assembly
    /// (a host test checks), and .ci/stages/20-pe fails when an assembly's string heaps reach 64 KB.
    /// </summary>
    public static readonly string[] SecondTestAssemblyFolders = { "Shared/Sync", "Shared/Drivers", "Shared/Diagnostics" };

    /// <summary>
    /// Helpers the second test assembly's tests use from folders of the first (no [TestClass] in them, so no test
    /// runs twice): assertion helpers, the test configuration files, the decision-engine rig, the test lists, the recording outputs.
    /// </summary>
    public static readonly string[] SecondTestAssemblyHelpers =
    {
        "Shared/Support/Expect.cs", "Shared/Support/ExpectEnum.cs", "Shared/Config/ConfigTestFiles.cs",
        "Shared/Decisions/DecisionTestSupport.cs", "Shared/Allowlist/AllowlistUpdateTests.Data.cs", "Shared/App/RecordingOutputs.cs",
    };

    /// <summary>The device projects of LeoCarte.Terminal.sln.</summary>
    public static readonly DeviceProject[] Projects =
    {
        new("Drivers/Drivers.nfproj", "Drivers", Array.Empty<string>(), NoLinks),
        // The portable core as a library: the application and the device tests reference it (one assembly
        // holding the core and the shared tests overflows nanoFramework's 64 KB string table, and a test
        // assembly cannot reference an application).
        // The cryptography as a library of its own (one assembly holds at most 64 KB of byte code: the core with the
        // ECDSA arithmetic written out overflowed it); the core, the application and the device tests reference it.
        new("Terminal.Crypto/Terminal.Crypto.nfproj", "Terminal.Crypto", Array.Empty<string>(), new[] { new LinkedSources("Terminal/Crypto") }),
        new("Terminal.Core/Terminal.Core.nfproj", "Terminal.Core", Array.Empty<string>(), new[] { new LinkedSources("Terminal", new[] { "Device", "Properties", "Crypto" }) }),
        // The application: the entry point and device adapters only, over LeoCarte.Terminal.Core.
        new("Terminal/Terminal.nfproj", "Terminal", Array.Empty<string>(), NoLinks, new[] { "Device", "Properties" }),
        // The device tests, two assemblies both named NFUnitTest (the name nanoFramework's UnitTestLauncher loads;
        // the test adapter deploys and runs one test project at a time), each under nanoFramework's 64 KB of
        // strings. Both link the portable support code the shared tests use but the device image leaves out
        // (Terminal.Support/: list building, CSN text forms, in-memory file store).
        // Terminal.Support/Personalisation (the card office's personaliser) has no shared tests: not linked, it would
        // only add to the test assemblies' string tables.
        new("Terminal.Tests/Terminal.Tests.nfproj", "Terminal.Tests", SecondTestAssemblyFolders.Prepend("Host").ToArray(), new[] { SupportForTests }),
        new("Terminal.Tests.SyncDrivers/Terminal.Tests.SyncDrivers.nfproj", "Terminal.Tests.SyncDrivers", Array.Empty<string>(), new[]
        {
            SupportForTests,
            new LinkedSources("Terminal.Tests/Shared", null, SecondTestAssemblyFolders.Select(f => f.Substring("Shared/".Length) + "/").Concat(SecondTestAssemblyHelpers.Select(f => f.Substring("Shared/".Length))).ToArray()),
        }),
    };

    private static readonly XNamespace Msbuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    /// <summary>Compile items the project should have: (Include, Link or null), sorted.</summary>
    public static List<(string Include, string Link)> Expected(string repoRoot, DeviceProject project)
    {
        var items = new List<(string, string)>();
        foreach (var file in SourceFiles(repoRoot, project.OwnFolder, project.OwnExcludedFolders)
                     .Where(f => project.OwnOnlyFolders == null || project.OwnOnlyFolders.Any(x => f.StartsWith(x + "/", StringComparison.Ordinal))))
        {
            items.Add((file.Replace('/', '\\'), null));
        }

        foreach (var linked in project.Links)
        {
            foreach (var file in SourceFiles(repoRoot, linked.Folder, linked.ExcludedFolders ?? Array.Empty<string>())
                         .Where(f => linked.Only == null || linked.Only.Any(x => x.EndsWith("/", StringComparison.Ordinal) ? f.StartsWith(x, StringComparison.Ordinal) : f == x)))
            {
                string link = linked.Folder.Replace('/', '\\') + "\\" + file.Replace('/', '\\');
                items.Add(("..\\" + link, link));
            }
        }

        return items.OrderBy(i => i.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>Compile items the project file lists now.</summary>
    public static List<(string Include, string Link)> Actual(string repoRoot, DeviceProject project)
    {
        var document = XDocument.Load(Path.Combine(repoRoot, project.ProjectPath));
        return document.Descendants(Msbuild + "Compile")
            .Select(e => ((string)e.Attribute("Include"), (string)e.Element(Msbuild + "Link")))
            .OrderBy(i => i.Item1, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Rewrites the project's Sources item group to the expected list; returns true when it changed.</summary>
    public static bool Fix(string repoRoot, DeviceProject project)
    {
        string path = Path.Combine(repoRoot, project.ProjectPath);
        string text = File.ReadAllText(path);
        var lines = Expected(repoRoot, project).Select(i => i.Link == null
            ? $"    <Compile Include=\"{i.Include}\" />"
            : $"    <Compile Include=\"{i.Include}\">\n      <Link>{i.Link}</Link>\n    </Compile>");
        string group = "  <ItemGroup Label=\"Sources\">\n" + string.Join("\n", lines) + "\n  </ItemGroup>";
        string updated = Regex.Replace(text, "  <ItemGroup Label=\"Sources\">.*?</ItemGroup>", group.Replace("$", "$$"), RegexOptions.Singleline);
        if (updated == text)
        {
            return false;
        }

        File.WriteAllText(path, updated);
        return true;
    }

    private static IEnumerable<string> SourceFiles(string repoRoot, string folder, string[] excludedFolders)
    {
        string root = Path.Combine(repoRoot, folder);
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Where(f => !excludedFolders.Any(x => f.StartsWith(x + "/", StringComparison.Ordinal)));
    }
}
