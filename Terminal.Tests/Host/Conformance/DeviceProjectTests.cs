using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LeoCarte.Tools.DeviceProjects;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Conformance;

/// <summary>
/// The device projects cannot be built in Linux CI, so their structure is checked here: each lists exactly
/// the sources its folder holds, and its references agree with its packages.config.
/// </summary>
[TestClass]
public class DeviceProjectTests
{
    private static string RepoRoot => ConformanceCheckerTests.Metadata("RepoRoot");

    public static System.Collections.Generic.IEnumerable<object[]> Projects =>
        DeviceProjectSources.Projects.Select(p => new object[] { p.ProjectPath });

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void DeviceProjectListsExactlyTheSourcesOfItsFolder(string projectPath)
    {
        var project = DeviceProjectSources.Projects.Single(p => p.ProjectPath == projectPath);
        var expected = DeviceProjectSources.Expected(RepoRoot, project);
        var actual = DeviceProjectSources.Actual(RepoRoot, project);
        var missing = expected.Except(actual).Select(i => i.Include).ToList();
        var extra = actual.Except(expected).Select(i => i.Include).ToList();
        Assert.IsTrue(missing.Count == 0 && extra.Count == 0,
            $"{projectPath} drifted (run: dotnet run --project Tools/DeviceProjects -- fix). Missing: {string.Join(", ", missing)}. Extra: {string.Join(", ", extra)}");
    }

    [TestMethod]
    [DynamicData(nameof(Projects))]
    public void EveryReferenceComesFromAPackageInPackagesConfigAtTheSameVersion(string projectPath)
    {
        string projectFile = Path.Combine(RepoRoot, projectPath);
        XNamespace ns = "http://schemas.microsoft.com/developer/msbuild/2003";
        var packages = XDocument.Load(Path.Combine(Path.GetDirectoryName(projectFile), "packages.config"))
            .Descendants("package")
            .ToDictionary(p => (string)p.Attribute("id"), p => (string)p.Attribute("version"));
        Assert.AreEqual("1.17.11", packages["nanoFramework.CoreLibrary"]);

        var hintPaths = XDocument.Load(projectFile).Descendants(ns + "HintPath").Select(h => h.Value).ToList();
        Assert.IsTrue(hintPaths.Count > 0);
        foreach (var hintPath in hintPaths)
        {
            var match = Regex.Match(hintPath, @"^\.\.\\packages\\(?<id>[A-Za-z0-9.]+?)\.(?<version>\d+\.\d+\.\d+)\\lib\\");
            Assert.IsTrue(match.Success, hintPath);
            string id = match.Groups["id"].Value;
            Assert.IsTrue(packages.ContainsKey(id), $"{projectPath}: {id} is referenced but not in packages.config");
            Assert.AreEqual(packages[id], match.Groups["version"].Value, $"{projectPath}: {id} version");
        }

        foreach (var id in packages.Keys)
        {
            Assert.IsTrue(hintPaths.Any(h => h.Contains($"\\{id}.{packages[id]}\\")), $"{projectPath}: package {id} has no reference");
        }
    }

    [TestMethod]
    public void DeviceSolutionHoldsTheThreeDeviceProjects()
    {
        string solution = File.ReadAllText(Path.Combine(RepoRoot, "LeoCarte.Terminal.sln"));
        foreach (var project in DeviceProjectSources.Projects)
        {
            Assert.IsTrue(solution.Contains(project.ProjectPath.Replace('/', '\\')), project.ProjectPath);
        }

        Assert.AreEqual(3, Regex.Matches(solution, @"\{11A8DD76-328B-46DF-9F39-F559912D0360\}").Count, "nanoFramework project type entries");
    }
}
