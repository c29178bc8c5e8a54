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
    public sealed record DeviceProject(string ProjectPath, string OwnFolder, string[] OwnExcludedFolders, params LinkedSources[] Linked);

    /// <summary>A folder whose sources a device project links (compiles without owning them), minus some subfolders.</summary>
    public sealed record LinkedSources(string Folder, params string[] ExcludedFolders);

    /// <summary>The three device projects of LeoCarte.Terminal.sln.</summary>
    public static readonly DeviceProject[] Projects =
    {
        new("Drivers/Drivers.nfproj", "Drivers", Array.Empty<string>()),
        new("Terminal/Terminal.nfproj", "Terminal", Array.Empty<string>()),
        // The device test assembly holds the shared tests and links the portable Terminal sources (a test
        // assembly cannot reference an application: its entry point lives in Terminal/Device/) and the
        // portable support code the shared tests use but the device image leaves out (Terminal.Support/).
        new("Terminal.Tests/Terminal.Tests.nfproj", "Terminal.Tests", new[] { "Host" },
            new LinkedSources("Terminal", "Device", "Properties"), new LinkedSources("Terminal.Support")),
    };

    private static readonly XNamespace Msbuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    /// <summary>Compile items the project should have: (Include, Link or null), sorted.</summary>
    public static List<(string Include, string Link)> Expected(string repoRoot, DeviceProject project)
    {
        var items = new List<(string, string)>();
        foreach (var file in SourceFiles(repoRoot, project.OwnFolder, project.OwnExcludedFolders))
        {
            items.Add((file.Replace('/', '\\'), null));
        }

        foreach (var linked in project.Linked)
        {
            foreach (var file in SourceFiles(repoRoot, linked.Folder, linked.ExcludedFolders))
            {
                string link = linked.Folder + "\\" + file.Replace('/', '\\');
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
