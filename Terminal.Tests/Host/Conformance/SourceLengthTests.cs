using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Conformance;

/// <summary>
/// Issue 16: "no file over ~500 lines without a stated reason". Every C# source of the repository's own folders
/// (not bin/, obj/, packages/ or hidden folders) has at most <see cref="MaxLines"/> lines, unless one of its first
/// <see cref="HeaderLines"/> lines is a comment <c>// Length: &lt;reason&gt;</c> saying why it must be longer
/// (README, "Code style"). A reason on a file that is no longer too long is reported too, so exceptions do not
/// outlive their cause.
/// </summary>
[TestClass]
public class SourceLengthTests
{
    public const int MaxLines = 500;
    public const int HeaderLines = 10;
    public const string ReasonMarker = "// Length:";

    /// <summary>A reason shorter than this is no reason ("// Length: long").</summary>
    public const int MinReasonLength = 20;

    private static readonly string[] SkippedFolders = { "bin", "obj", "packages", "node_modules", "TestResults", "artifacts" };

    [TestMethod]
    public void NoSourceFileIsOverFiveHundredLinesWithoutAStatedReason()
    {
        string root = ConformanceCheckerTests.Metadata("RepoRoot");
        var problems = new List<string>();
        int files = 0, withReason = 0;
        foreach (string path in OwnSources(root))
        {
            files++;
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            string[] lines = File.ReadAllLines(path);
            if (Reason(lines) != null)
            {
                withReason++;
            }

            string problem = Check(relative, lines);
            if (problem != null)
            {
                problems.Add(problem);
            }
        }

        Console.WriteLine($"{files} C# source files checked, {withReason} over {MaxLines} lines with a stated reason, {problems.Count} problems");
        Assert.IsTrue(files > 200, $"only {files} sources found under {root}: the walk is wrong");
        Assert.AreEqual(0, problems.Count, "split these files into partial parts (<Type>.<Concern>.cs) or new classes, or state why they must be long:\n" + string.Join("\n", problems));
    }

    [TestMethod]
    public void TheRuleCatchesALongFileAndAcceptsOnlyAStatedReasonAtTheTop()
    {
        string[] ok = Lines(MaxLines, null, 0);
        Assert.IsNull(Check("A.cs", ok));

        string[] tooLong = Lines(MaxLines + 1, null, 0);
        StringAssert.Contains(Check("A.cs", tooLong), "A.cs: 501 lines");

        string[] withReason = Lines(MaxLines + 200, "// Length: generated tables, one entry per line (regenerate with x.py)", 2);
        Assert.IsNull(Check("A.cs", withReason));

        string[] reasonTooLate = Lines(MaxLines + 1, "// Length: generated tables, one entry per line (regenerate with x.py)", HeaderLines + 1);
        Assert.IsNotNull(Check("A.cs", reasonTooLate), "the reason must be in the first lines, where a reader sees it");

        string[] emptyReason = Lines(MaxLines + 1, "// Length: long", 0);
        Assert.IsNotNull(Check("A.cs", emptyReason), "a reason must say something");

        string[] staleReason = Lines(MaxLines - 10, "// Length: generated tables, one entry per line (regenerate with x.py)", 0);
        StringAssert.Contains(Check("A.cs", staleReason), "remove");
    }

    /// <summary>The problem with one file, or null.</summary>
    public static string Check(string relativePath, string[] lines)
    {
        string reason = Reason(lines);
        if (lines.Length > MaxLines)
        {
            if (reason == null)
            {
                return $"{relativePath}: {lines.Length} lines, over {MaxLines} without a '{ReasonMarker} <reason>' comment in its first {HeaderLines} lines";
            }

            if (reason.Length < MinReasonLength)
            {
                return $"{relativePath}: {lines.Length} lines; its stated reason \"{reason}\" says too little";
            }

            return null;
        }

        return reason == null ? null : $"{relativePath}: {lines.Length} lines, within {MaxLines}: remove its '{ReasonMarker}' comment";
    }

    /// <summary>The text after "// Length:" in the first lines, trimmed; null when there is none.</summary>
    public static string Reason(string[] lines)
    {
        for (int i = 0; i < lines.Length && i < HeaderLines; i++)
        {
            string line = lines[i].TrimStart('\uFEFF').Trim();
            if (line.StartsWith(ReasonMarker, StringComparison.Ordinal))
            {
                return line.Substring(ReasonMarker.Length).Trim();
            }
        }

        return null;
    }

    private static IEnumerable<string> OwnSources(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            foreach (string sub in Directory.GetDirectories(directory))
            {
                string name = Path.GetFileName(sub);
                if (name.StartsWith('.') || SkippedFolders.Contains(name, StringComparer.OrdinalIgnoreCase)
                    || new FileInfo(sub).LinkTarget != null)
                {
                    continue;
                }

                pending.Push(sub);
            }

            foreach (string file in Directory.GetFiles(directory, "*.cs"))
            {
                yield return file;
            }
        }
    }

    private static string[] Lines(int count, string reason, int reasonAt)
    {
        var lines = new string[count];
        for (int i = 0; i < count; i++)
        {
            lines[i] = "        x++;";
        }

        if (reason != null)
        {
            lines[reasonAt] = reason;
        }

        return lines;
    }
}
