using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LeoCarte.Tools.InterpreterBenchmark;

/// <summary>What one nanoCLR run printed and how many IL instructions it executed (clr-opcount only).</summary>
public sealed class NanoRun
{
    public List<string> Lines = new();
    public long Opcodes = -1;
    public string Stderr = "";
    public bool Ended;
}

/// <summary>
/// nanoFramework's own tools from ../shared/nanoframework (see its README): the nano app built against the real
/// mscorlib 1.17.11, the MetadataProcessor turning each assembly into a .pe, and the nanoCLR interpreter (plain
/// or counting IL instructions). nanoCLR takes no command line, so each run gets a two-line entry assembly
/// compiled here with Roslyn against the same mscorlib: Main() { NanoEntry.Run(op, a, b, c); }.
/// </summary>
public sealed class NanoToolchain
{
    public string Root { get; }
    public string RepoRoot { get; }
    public string Work { get; }
    private readonly string mscorlibDll;
    private readonly List<string> peFiles = new();
    private readonly Dictionary<string, string> entryPes = new();

    private NanoToolchain(string root, string repoRoot)
    {
        Root = root;
        RepoRoot = repoRoot;
        Work = Path.Combine(Path.GetTempPath(), "leocarte-nano-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Work);
        mscorlibDll = Path.Combine(root, "packages", "nanoFramework.CoreLibrary.1.17.11", "lib", "mscorlib.dll");
    }

    public static string FindRepoRoot() =>
        typeof(NanoToolchain).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepoRoot").Value;

    /// <summary>$LEOCARTE_NANOFRAMEWORK, $NF_TOOLCHAIN or ../shared/nanoframework beside the repository; null when absent.</summary>
    public static NanoToolchain Find()
    {
        string repo = FindRepoRoot();
        string root = Environment.GetEnvironmentVariable("LEOCARTE_NANOFRAMEWORK");
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetEnvironmentVariable("NF_TOOLCHAIN"); // as .ci/run exports it
        }

        if (string.IsNullOrEmpty(root))
        {
            // ../shared beside the clone; a git worktree one level deeper (e.g. wt/<branch>) finds it further up.
            root = Path.GetFullPath(Path.Combine(repo, "..", "shared", "nanoframework"));
            string up = Path.GetFullPath(Path.Combine(repo, "..", "..", "shared", "nanoframework"));
            if (!Directory.Exists(root) && Directory.Exists(up))
            {
                root = up;
            }
        }

        bool complete = File.Exists(Path.Combine(root, "clr", "nanoFramework.nanoCLR.test"))
            && File.Exists(Path.Combine(root, "clr-opcount", "nanoFramework.nanoCLR.test"))
            && File.Exists(Path.Combine(root, "mdp", "nanoFramework.Tools.MetadataProcessor.dll"))
            && File.Exists(Path.Combine(root, "packages", "nanoFramework.CoreLibrary.1.17.11", "lib", "mscorlib.pe"));
        return complete ? new NanoToolchain(root, repo) : null;
    }

    /// <summary>Builds Builds/NanoApp with the recorded tables and converts the app and the portable assemblies to .pe.</summary>
    public void BuildApp(string tablesSource)
    {
        string tables = Path.Combine(Work, "ReplayTables.g.cs");
        File.WriteAllText(tables, tablesSource);
        Exec("dotnet", new[] { "build", Path.Combine(RepoRoot, "Builds", "NanoApp", "LeoCarte.NanoApp.csproj"), "-c", "Release", "-nologo", "-v:q",
            "-p:ReplayTablesFile=" + tables }, RepoRoot, "nano app build");
        string output = AppOutput;

        peFiles.Clear();
        peFiles.Add(Path.Combine(Root, "packages", "nanoFramework.CoreLibrary.1.17.11", "lib", "mscorlib.pe"));
        var hints = new List<string> { "-loadHints", "mscorlib", mscorlibDll };
        foreach (string name in new[] { "LeoCarte.Drivers", "LeoCarte.Terminal.Crypto", "LeoCarte.Terminal.Core", "LeoCarte.Terminal.Support", "LeoCarte.NanoApp" })
        {
            peFiles.Add(Mdp(Path.Combine(output, name + ".dll"), hints));
            hints.AddRange(new[] { "-loadHints", name, Path.Combine(output, name + ".dll") });
        }
    }

    private string AppOutput => Path.Combine(RepoRoot, "Builds", "NanoApp", "bin", "Release", "netstandard2.0");

    private string Mdp(string dll, List<string> hints)
    {
        string pe = Path.Combine(Work, Path.GetFileNameWithoutExtension(dll) + ".pe");
        var args = new List<string> { Path.Combine(Root, "mdp", "nanoFramework.Tools.MetadataProcessor.dll") };
        args.AddRange(hints);
        args.AddRange(new[] { "-parse", dll, "-compile", pe, "false" });
        Exec("dotnet", args, Work, "MetadataProcessor " + Path.GetFileName(dll));
        if (!File.Exists(pe) || new FileInfo(pe).Length == 0)
        {
            throw new InvalidOperationException("MetadataProcessor produced no .pe for " + dll);
        }

        return pe;
    }

    /// <summary>Runs NanoEntry.Run(op, a, b, c) on nanoCLR (counting IL instructions when <paramref name="count"/>).</summary>
    public NanoRun Run(int op, int a, int b, int c, bool count)
    {
        string entry = EntryPe(op, a, b, c);
        var psi = new ProcessStartInfo(Path.Combine(Root, count ? "clr-opcount" : "clr", "nanoFramework.nanoCLR.test"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Work,
        };
        foreach (string pe in peFiles)
        {
            psi.ArgumentList.Add(pe);
        }
        psi.ArgumentList.Add(entry);
        using var process = Process.Start(psi);
        var stderrTask = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var run = new NanoRun { Stderr = stderrTask.Result };
        // The program's own lines sit between the interpreter's "Ready." and its "Done." (or the end).
        bool program = false;
        foreach (string line in stdout.Replace("\r", "").Split('\n'))
        {
            if (!program)
            {
                program = line == "Ready.";
                continue;
            }

            if (line == "Done.")
            {
                break;
            }
            if (line.StartsWith("nano-app: end of run", StringComparison.Ordinal))
            {
                run.Ended = true;
            }
            else
            {
                run.Lines.Add(line);
            }
        }

        var m = Regex.Match(run.Stderr + stdout, @"\[opcount\] IL opcodes executed: (\d+)");
        if (m.Success)
        {
            run.Opcodes = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        return run;
    }

    private string EntryPe(int op, int a, int b, int c)
    {
        string key = $"{op}_{a}_{b}_{c}";
        if (entryPes.TryGetValue(key, out string existing))
        {
            return existing;
        }
        string name = "NanoRun_" + key;
        string source = "public static class NanoRunEntry { public static void Main() { LeoCarte.NanoApp.NanoEntry.Run("
            + string.Join(", ", new[] { op, a, b, c }.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "); } }";
        string appDll = Path.Combine(AppOutput, "LeoCarte.NanoApp.dll");
        var compilation = CSharpCompilation.Create(name, new[] { CSharpSyntaxTree.ParseText(source) },
            new[] { MetadataReference.CreateFromFile(mscorlibDll), MetadataReference.CreateFromFile(appDll) },
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, optimizationLevel: OptimizationLevel.Release));
        string dll = Path.Combine(Work, name + ".exe");
        var result = compilation.Emit(dll);
        if (!result.Success)
        {
            throw new InvalidOperationException("entry assembly: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        var hints = new List<string> { "-loadHints", "mscorlib", mscorlibDll, "-loadHints", "LeoCarte.NanoApp", appDll };
        string pe = Mdp(dll, hints);
        entryPes[key] = pe;
        return pe;
    }

    private static void Exec(string file, IEnumerable<string> args, string dir, string what)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi);
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit {p.ExitCode}):\n{output}\n{err.Result}");
        }
    }

    public void Cleanup()
    {
        if (Environment.GetEnvironmentVariable("LEOCARTE_NANO_KEEP") == "1")
        {
            Console.WriteLine("nano work folder kept: " + Work);
            return;
        }

        try { Directory.Delete(Work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
