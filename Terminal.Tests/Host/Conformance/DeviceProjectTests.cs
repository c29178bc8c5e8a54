using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LeoCarte.Tools.DeviceProjects;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Conformance;

/// <summary>
/// The structure of the device projects, checked on every machine: each lists exactly the sources its folder
/// holds, its references agree with its packages.config, and (where the nanoFramework packages are on disk)
/// each reference's identity is the identity of the assembly its HintPath points to. .ci/run also builds them
/// with nanoFramework's project system when ../shared/nanoframework is beside the clone.
/// </summary>
[TestClass]
public class DeviceProjectTests
{
    private static string RepoRoot => ConformanceCheckerTests.Metadata("RepoRoot");

    public static System.Collections.Generic.IEnumerable<object[]> Projects =>
        DeviceProjectSources.Projects.Select(p => new object[] { p.ProjectPath });

    /// <summary>Every .nfproj: the device solution's projects and the CI runner of the device tests.</summary>
    public static System.Collections.Generic.IEnumerable<object[]> AllNanoProjects =>
        Projects.Append(new object[] { "Tools/NanoTestRunner/NanoTestRunner.nfproj" });

    private static readonly XNamespace Msbuild = "http://schemas.microsoft.com/developer/msbuild/2003";

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
    [DynamicData(nameof(AllNanoProjects))]
    public void EveryReferenceComesFromAPackageInPackagesConfigAtTheSameVersion(string projectPath)
    {
        string projectFile = Path.Combine(RepoRoot, projectPath);
        XNamespace ns = Msbuild;
        var packages = XDocument.Load(Path.Combine(Path.GetDirectoryName(projectFile), "packages.config"))
            .Descendants("package")
            .ToDictionary(p => (string)p.Attribute("id"), p => (string)p.Attribute("version"));
        Assert.AreEqual("1.17.11", packages["nanoFramework.CoreLibrary"]);

        var hintPaths = XDocument.Load(projectFile).Descendants(ns + "HintPath").Select(h => h.Value).ToList();
        Assert.IsTrue(hintPaths.Count > 0);
        foreach (var hintPath in hintPaths)
        {
            var match = Regex.Match(hintPath, @"^(\.\.\\)+packages\\(?<id>[A-Za-z0-9.]+?)\.(?<version>\d+\.\d+\.\d+)\\lib\\");
            Assert.IsTrue(match.Success, hintPath);
            string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(projectFile), hintPath.Replace('\\', '/')));
            Assert.IsTrue(resolved.StartsWith(Path.GetFullPath(Path.Combine(RepoRoot, "packages")) + "/", StringComparison.Ordinal),
                $"{projectPath}: {hintPath} must point into packages/ beside the solution");
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
    public void DeviceSolutionHoldsTheDeviceProjects()
    {
        string solution = File.ReadAllText(Path.Combine(RepoRoot, "LeoCarte.Terminal.sln"));
        foreach (var project in DeviceProjectSources.Projects)
        {
            Assert.IsTrue(solution.Contains(project.ProjectPath.Replace('/', '\\')), project.ProjectPath);
        }

        Assert.AreEqual(DeviceProjectSources.Projects.Length, Regex.Matches(solution, @"\{11A8DD76-328B-46DF-9F39-F559912D0360\}").Count, "nanoFramework project type entries");
    }

    /// <summary>The device test projects: every .nfproj that is a test container.</summary>
    private static string[] DeviceTestProjects() => DeviceProjectSources.Projects
        .Select(p => p.ProjectPath)
        .Where(p => XDocument.Load(Path.Combine(RepoRoot, p)).Descendants(Msbuild + "IsTestProject").Any(e => e.Value == "true"))
        .ToArray();

    [TestMethod]
    public void DeviceTestAssembliesAreNamedAsNanoFrameworksLauncherLoadsThem()
    {
        // nanoFramework.TestFramework's UnitTestLauncher loads the assembly "NFUnitTest"; any other name and the
        // device tests are never run. The test adapter deploys and runs one test project at a time.
        string[] tests = DeviceTestProjects();
        CollectionAssert.AreEquivalent(new[] { "Terminal.Tests/Terminal.Tests.nfproj", "Terminal.Tests.SyncDrivers/Terminal.Tests.SyncDrivers.nfproj" }, tests);
        foreach (string path in tests)
        {
            var project = XDocument.Load(Path.Combine(RepoRoot, path));
            Assert.AreEqual("NFUnitTest", project.Descendants(Msbuild + "AssemblyName").Single().Value, path);
        }
    }

    /// <summary>
    /// The shared tests are split over several device test assemblies (one passed nanoFramework's 64 KB of
    /// strings): every shared source declaring tests is compiled into exactly one of them, so each shared test
    /// runs on the device (and on nanoCLR in CI) exactly once. Helpers (no [TestClass], no [TestMethod]) may be in
    /// several.
    /// </summary>
    [TestMethod]
    public void EverySharedTestIsInExactlyOneDeviceTestAssembly()
    {
        var compiledBy = DeviceTestProjects().ToDictionary(p => p, p =>
        {
            var project = DeviceProjectSources.Projects.Single(d => d.ProjectPath == p);
            string folder = Path.GetDirectoryName(Path.Combine(RepoRoot, p));
            return DeviceProjectSources.Expected(RepoRoot, project)
                .Select(i => Path.GetRelativePath(RepoRoot, Path.GetFullPath(Path.Combine(folder, i.Include.Replace('\\', '/')))).Replace('\\', '/'))
                .ToHashSet();
        });

        string shared = Path.Combine(RepoRoot, "Terminal.Tests", "Shared");
        int testFiles = 0;
        foreach (string file in Directory.EnumerateFiles(shared, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(RepoRoot, file).Replace('\\', '/');
            string text = File.ReadAllText(file);
            var holders = compiledBy.Where(c => c.Value.Contains(relative)).Select(c => c.Key).ToList();
            if (Regex.IsMatch(text, @"^\s*\[(TestClass|TestMethod)\]", RegexOptions.Multiline))
            {
                testFiles++;
                Assert.AreEqual(1, holders.Count, $"{relative} declares tests and is compiled into {holders.Count} device test assemblies ({string.Join(", ", holders)}): Tools/DeviceProjects/DeviceProjectSources.cs");
            }
            else
            {
                Assert.IsTrue(holders.Count >= 1, $"{relative} is compiled into no device test assembly");
            }
        }

        Assert.IsTrue(testFiles > 40, $"{testFiles} shared test files found");
    }

    /// <summary>
    /// Each Reference Include names an assembly identity (name, version, public key token); the project system
    /// resolves it against the file its HintPath points to and drops the reference when they differ (e.g.
    /// System.Threading 1.1.52 is stamped 1.1.52.34401, not 1.1.52.0: CS0246 on the device build). The
    /// assemblies are read where Visual Studio restores them (packages/ beside the solution) or from the
    /// toolchain beside the clone (../shared/nanoframework/packages); without either the test is skipped.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(AllNanoProjects))]
    public void EveryReferenceIdentityIsTheIdentityOfTheAssemblyItsHintPathPointsTo(string projectPath)
    {
        string packages = PackagesFolder();
        if (packages == null)
        {
            Assert.Inconclusive("skipped: needs the nanoFramework packages, in packages/ (a Visual Studio restore) or ../shared/nanoframework/packages");
        }

        string projectFile = Path.Combine(RepoRoot, projectPath);
        var references = XDocument.Load(projectFile).Descendants(Msbuild + "Reference").ToList();
        Assert.IsTrue(references.Count > 0);
        foreach (var reference in references)
        {
            var declared = new AssemblyName((string)reference.Attribute("Include"));
            string hintPath = reference.Element(Msbuild + "HintPath").Value.Replace('\\', '/');
            string file = Path.Combine(packages, hintPath.Substring(hintPath.IndexOf("packages/", StringComparison.Ordinal) + "packages/".Length));
            Assert.IsTrue(File.Exists(file), $"{projectPath}: {hintPath} not found in {packages}");

            AssemblyName actual;
            using (var stream = File.OpenRead(file))
            using (var pe = new PEReader(stream))
            {
                actual = pe.GetMetadataReader().GetAssemblyDefinition().GetAssemblyName();
            }

            string where = $"{projectPath}: Reference Include=\"{declared.FullName}\" but {Path.GetFileName(file)} is \"{actual.FullName}\"";
            Assert.AreEqual(actual.Name, declared.Name, where);
            Assert.AreEqual(actual.Version, declared.Version, where);
            Assert.AreEqual(Hex(actual.GetPublicKeyToken()), Hex(declared.GetPublicKeyToken()), where);
        }
    }

    private static string PackagesFolder()
    {
        foreach (var candidate in new[] { Path.Combine(RepoRoot, "packages"), Path.Combine(RepoRoot, "..", "shared", "nanoframework", "packages") })
        {
            if (Directory.Exists(Path.Combine(candidate, "nanoFramework.CoreLibrary.1.17.11")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private static string Hex(byte[] bytes) => bytes == null ? "" : Convert.ToHexString(bytes).ToLowerInvariant();
}
