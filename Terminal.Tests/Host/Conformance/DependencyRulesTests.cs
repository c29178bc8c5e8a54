using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Conformance;

/// <summary>
/// README's "Repository layout" table says, per folder, what a file may depend on. These tests read that table
/// and hold the code to it: every type or member a portable source file (Drivers/, Terminal/, Terminal.Support/,
/// minus the device-only Device/ folders) uses is resolved with Roslyn's semantic model, and its namespace must be
/// the file's own, the root <c>LeoCarte.Terminal</c>, a namespace of a folder the row lists, or not LeoCarte's.
/// A second test keeps the table in step with the tree.
/// </summary>
[TestClass]
public class DependencyRulesTests
{
    private static string RepoRoot => ConformanceCheckerTests.Metadata("RepoRoot");

    private static readonly string[] PortableRoots = { "Drivers/", "Terminal/", "Terminal.Support/" };

    /// <summary>One row of the layout table: its folders and the namespaces they may use besides their own.</summary>
    private sealed record Rule(string[] Folders, HashSet<string> AllowedNamespaces, string[] AllowedPrefixes);

    [TestMethod]
    public void EveryPortableFolderUsesOnlyWhatTheReadmeTableAllows()
    {
        List<Rule> rules = ReadRules();
        var trees = new List<SyntaxTree>();
        foreach (string file in PortableSources())
        {
            trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(RepoRoot, file)), path: file));
        }

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("DependencyCheck", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var compileErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        Assert.AreEqual(0, compileErrors.Count, "the portable sources must compile together: " + string.Join("; ", compileErrors));

        var violations = new SortedSet<string>(StringComparer.Ordinal);
        int usesChecked = 0;
        foreach (SyntaxTree tree in trees)
        {
            string file = tree.FilePath;
            Rule rule = RuleFor(rules, file);
            Assert.IsNotNull(rule, $"{file}: no row of README's layout table covers its folder");
            string own = NamespaceOfFolder(FolderOf(file));
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (node.Ancestors().Any(a => a is UsingDirectiveSyntax))
                {
                    continue; // a using directive is not a use: what it brings in is checked where it is used (namespace names resolve to namespaces, skipped below)
                }

                ISymbol symbol = model.GetSymbolInfo(node).Symbol;
                string used = NamespaceUsed(symbol);
                if (used == null || !used.StartsWith("LeoCarte.", StringComparison.Ordinal))
                {
                    continue;
                }

                usesChecked++;
                if (used == own || used == "LeoCarte.Terminal" || rule.AllowedNamespaces.Contains(used)
                    || rule.AllowedPrefixes.Any(p => used.StartsWith(p, StringComparison.Ordinal)))
                {
                    continue;
                }

                var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                violations.Add($"{file}:{line}: {own} uses {used} ({symbol.ToDisplayString()})");
            }
        }

        Console.WriteLine($"dependency rules: {trees.Count} files, {usesChecked} uses of LeoCarte types checked against {rules.Count} table rows");
        Assert.IsTrue(usesChecked > 1000, "the check must actually see the code's uses");
        Assert.AreEqual(0, violations.Count, "uses README's table does not allow:\n" + string.Join("\n", violations.Take(40)));
    }

    [TestMethod]
    public void TheReadmeLayoutTableMatchesTheTree()
    {
        List<Rule> rules = ReadRules();
        var listed = rules.SelectMany(r => r.Folders).ToList();
        foreach (string folder in listed)
        {
            Assert.IsTrue(Directory.Exists(Path.Combine(RepoRoot, folder)), $"README lists {folder}, which does not exist");
        }

        var problems = new List<string>();
        foreach (string root in PortableRoots)
        {
            foreach (string directory in Directory.GetDirectories(Path.Combine(RepoRoot, root)))
            {
                string folder = root + Path.GetFileName(directory) + "/";
                bool hasSources = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Any(f => !f.Contains("/obj/") && !f.Contains("/bin/"));
                if (hasSources && !folder.EndsWith("Properties/") && !listed.Any(l => folder.StartsWith(l, StringComparison.Ordinal)))
                {
                    problems.Add($"{folder} has sources but no row in README's layout table");
                }
            }
        }

        foreach (string directory in Directory.GetDirectories(RepoRoot))
        {
            string name = Path.GetFileName(directory);
            if (name.StartsWith(".") || name is "bin" or "obj" or "packages" or "TestResults")
            {
                continue;
            }

            if (!ReadmeTablePaths().Any(p => p == name + "/" || p.StartsWith(name + "/", StringComparison.Ordinal)))
            {
                problems.Add($"{name}/ has no row in README's layout table");
            }
        }

        Assert.AreEqual(0, problems.Count, string.Join("\n", problems));
    }

    private static IEnumerable<string> PortableSources()
    {
        foreach (string root in PortableRoots)
        {
            foreach (string path in Directory.EnumerateFiles(Path.Combine(RepoRoot, root), "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(RepoRoot, path).Replace('\\', '/');
                string[] parts = relative.Split('/');
                if (parts.Any(p => p is "Device" or "Properties" or "bin" or "obj"))
                {
                    continue;
                }

                yield return relative;
            }
        }
    }

    /// <summary>"Terminal/Allowlist/AllowlistStore.cs" → "Terminal/Allowlist/"; a file at a root → the root.</summary>
    private static string FolderOf(string file)
    {
        int slash = file.LastIndexOf('/');
        return file.Substring(0, slash + 1);
    }

    /// <summary>Folders map to namespaces: Drivers/X/ → LeoCarte.Drivers.X; Terminal/X/ and Terminal.Support/X/ → LeoCarte.Terminal.X.</summary>
    private static string NamespaceOfFolder(string folder)
    {
        string[] parts = folder.TrimEnd('/').Split('/');
        string top = parts[0] == "Drivers" ? "LeoCarte.Drivers" : "LeoCarte.Terminal";
        return parts.Length == 1 ? top : top + "." + string.Join(".", parts.Skip(1));
    }

    private static string NamespaceUsed(ISymbol symbol)
    {
        if (symbol == null || symbol is INamespaceSymbol || symbol is ILocalSymbol || symbol is IParameterSymbol || symbol is ILabelSymbol || symbol is IRangeVariableSymbol)
        {
            return null;
        }

        if (symbol is ITypeParameterSymbol)
        {
            return null;
        }

        INamedTypeSymbol type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        while (type?.ContainingType != null)
        {
            type = type.ContainingType;
        }

        return type?.ContainingNamespace?.ToDisplayString();
    }

    private static Rule RuleFor(List<Rule> rules, string file)
    {
        return rules.Where(r => r.Folders.Any(f => file.StartsWith(f, StringComparison.Ordinal)))
            .OrderByDescending(r => r.Folders.Where(f => file.StartsWith(f, StringComparison.Ordinal)).Max(f => f.Length))
            .FirstOrDefault() ?? (PortableRoots.Any(r => FolderOf(file) == r) ? RootRule : null);
    }

    /// <summary>Files directly in a root (Terminal/FirmwareInfo.cs) are the root namespace: they may use nothing else.</summary>
    private static readonly Rule RootRule = new(Array.Empty<string>(), new HashSet<string>(), Array.Empty<string>());

    private static IEnumerable<string[]> ReadmeTableRows()
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        int start = readme.IndexOf("## Repository layout", StringComparison.Ordinal);
        Assert.IsTrue(start >= 0, "README has a Repository layout section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        foreach (string line in readme.Substring(start, (end < 0 ? readme.Length : end) - start).Split('\n'))
        {
            if (line.StartsWith("| `", StringComparison.Ordinal))
            {
                yield return line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            }
        }
    }

    private static IEnumerable<string> ReadmeTablePaths()
    {
        foreach (string[] cells in ReadmeTableRows())
        {
            foreach (string folder in FoldersOfCell(cells[0]))
            {
                yield return folder;
            }
        }
    }

    /// <summary>"`Terminal/Decisions/`, `Journal/`" → Terminal/Decisions/, Terminal/Journal/ (later names are siblings of the first).</summary>
    private static List<string> FoldersOfCell(string cell)
    {
        var names = Regex.Matches(cell, "`([^`]+)`").Select(m => m.Groups[1].Value).ToList();
        var folders = new List<string>();
        string parent = null;
        foreach (string name in names)
        {
            if (parent == null)
            {
                folders.Add(name);
                string trimmed = name.TrimEnd('/');
                int slash = trimmed.LastIndexOf('/');
                parent = slash < 0 ? "" : trimmed.Substring(0, slash + 1);
            }
            else
            {
                folders.Add(parent + name);
            }
        }

        return folders;
    }

    private static List<Rule> ReadRules()
    {
        var rules = new List<Rule>();
        foreach (string[] cells in ReadmeTableRows())
        {
            List<string> folders = FoldersOfCell(cells[0]);
            if (!PortableRoots.Any(r => folders[0].StartsWith(r, StringComparison.Ordinal)))
            {
                continue;
            }

            string top = folders[0].Substring(0, folders[0].IndexOf('/') + 1);
            string allowedCell = cells[cells.Length - 1];
            var allowed = new HashSet<string>(StringComparer.Ordinal);
            var prefixes = new List<string>();
            foreach (Match m in Regex.Matches(allowedCell, "`([^`]+)`"))
            {
                string name = m.Groups[1].Value;
                if (PortableRoots.Contains(name))
                {
                    // "all of `Terminal/`": every namespace of that tree.
                    prefixes.Add(NamespaceOfFolder(name) + ".");
                    continue;
                }

                // A name under another root (`Drivers/Mdb/` in a Terminal/ row) is that folder; others are
                // relative to the row's own root (`Decisions/` in a Terminal/ row is Terminal/Decisions/).
                bool absolute = PortableRoots.Any(r => name.StartsWith(r, StringComparison.Ordinal));
                allowed.Add(NamespaceOfFolder(absolute ? name : top + name));
            }

            if (allowedCell.Contains("each other", StringComparison.Ordinal))
            {
                foreach (string folder in folders)
                {
                    allowed.Add(NamespaceOfFolder(folder));
                }
            }

            rules.Add(new Rule(folders.ToArray(), allowed, prefixes.ToArray()));
        }

        Assert.IsTrue(rules.Count >= 10, "README's layout table has the portable folders' rows");
        return rules;
    }
}
