using System;
using System.IO;
using System.Linq;

namespace LeoCarte.Tools.DeviceProjects;

/// <summary>
/// <c>dotnet run --project Tools/DeviceProjects</c> lists where the device projects (*.nfproj) differ from the
/// sources on disk; <c>-- fix</c> rewrites their Sources item groups.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string repoRoot = FindRepoRoot();
        bool fix = args.Length > 0 && args[0] == "fix";
        int drifted = 0;
        foreach (var project in DeviceProjectSources.Projects)
        {
            var expected = DeviceProjectSources.Expected(repoRoot, project);
            var actual = DeviceProjectSources.Actual(repoRoot, project);
            var missing = expected.Except(actual).ToList();
            var extra = actual.Except(expected).ToList();
            if (missing.Count == 0 && extra.Count == 0)
            {
                Console.WriteLine($"{project.ProjectPath}: {expected.Count} sources, in step");
                continue;
            }

            if (fix)
            {
                DeviceProjectSources.Fix(repoRoot, project);
                Console.WriteLine($"{project.ProjectPath}: rewritten ({missing.Count} added, {extra.Count} removed)");
                continue;
            }

            drifted++;
            Console.WriteLine($"{project.ProjectPath}: drifted");
            missing.ForEach(m => Console.WriteLine($"  missing {m.Include}"));
            extra.ForEach(m => Console.WriteLine($"  extra   {m.Include}"));
        }

        return drifted == 0 ? 0 : 1;
    }

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "LeoCarte.Terminal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("run inside the repository (LeoCarte.Terminal.sln not found)");
    }
}
