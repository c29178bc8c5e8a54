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
    public sealed record DeviceProject(string ProjectPath, string OwnFolder, string[] OwnExcludedFolders, string LinkedFolder, string[] LinkedExcludedFolders, string[] OwnOnlyFolders = null);

    /// <summary>The device projects of LeoCarte.Terminal.sln.</summary>
    public static readonly DeviceProject[] Projects =
    {
        new("Drivers/Drivers.nfproj", "Drivers", Array.Empty<string>(), null, Array.Empty<string>()),
        // The portable core as a library: the application and the device tests reference it (one assembly
        // holding the core and the shared tests overflows nanoFramework's 64 KB string table, and a test
        // assembly cannot reference an application).
        // The cryptography as a library of its own (one assembly holds at most 64 KB of byte code: the core with the
        // ECDSA arithmetic written out overflowed it); the core, the application and the device tests reference it.
        new("Terminal.Crypto/Terminal.Crypto.nfproj", "Terminal.Crypto", Array.Empty<string>(), "Terminal/Crypto", Array.Empty<string>()),
        new("Terminal.Core/Terminal.Core.nfproj", "Terminal.Core", Array.Empty<string>(), "Terminal", new[] { "Device", "Properties", "Crypto" }),
        // The application: the entry point and device adapters only, over LeoCarte.Terminal.Core.
        new("Terminal/Terminal.nfproj", "Terminal", Array.Empty<string>(), null, Array.Empty<string>(), new[] { "Device", "Properties" }),
        // The device tests also link the portable support code the shared tests use but the device image leaves
        // out (Terminal.Support/: list building, CSN text forms, in-memory file store).
        // Shared/Sync, Shared/Drivers and Shared/Diagnostics run on the host only for now (the drivers also run on nanoCLR in
        // .ci/nano-app.sh and Tools/DesfireOpCount): with them NFUnitTest's string table passes 64 KB
        // (names + literals; the MetadataProcessor wraps the offsets without an error and nanoCLR then cannot load the
        // assembly by name). They go back when the device tests are split into two assemblies.
        // Terminal.Support/Personalisation (the card office's personaliser) has no shared tests: not linked, it would only
        // add to that string table.
        new("Terminal.Tests/Terminal.Tests.nfproj", "Terminal.Tests", new[] { "Host", "Shared/Sync", "Shared/Drivers", "Shared/Diagnostics" }, "Terminal.Support", new[] { "Personalisation" }),
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

        if (project.LinkedFolder != null)
        {
            foreach (var file in SourceFiles(repoRoot, project.LinkedFolder, project.LinkedExcludedFolders))
            {
                string link = project.LinkedFolder.Replace('/', '\\') + "\\" + file.Replace('/', '\\');
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
