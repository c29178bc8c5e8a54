using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace LeoCarte.Tools.Shared;

/// <summary>
/// A PostgreSQL cluster of its own for a test or a benchmark: initdb into a temporary folder, the server on a free
/// loopback port with its unix socket in that folder (never /var/run/postgresql), trust authentication on
/// loopback only, and on Dispose (also at process exit) the server is stopped and the folder deleted.
/// Linked into the host tests, Tools/ImportBenchmark and Tools/GatewayLoad (not part of the gateway).
/// PostgreSQL refuses to run as root: under root the server runs as the "postgres" account (setpriv).
/// </summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private static readonly string[] BinaryFolders = { "/usr/local/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin", "/usr/bin" };
    private Process server;
    private int disposed;

    private ThrowawayPostgres(string folder, int port)
    {
        Folder = folder;
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    /// <summary>The postmaster's process id (its backends are its children), for CPU accounting.</summary>
    public int ServerProcessId => server?.Id ?? 0;

    /// <summary>Npgsql connection string of the cluster's "postgres" database as the superuser "postgres".</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=60;Timeout=15";

    /// <summary>The folder holding postgres and initdb, or null (then callers skip with one line).</summary>
    public static string FindBinaries()
    {
        foreach (string folder in BinaryFolders)
        {
            if (File.Exists(Path.Combine(folder, "postgres")) && File.Exists(Path.Combine(folder, "initdb")))
            {
                return folder;
            }
        }

        return null;
    }

    /// <summary>Why no cluster can be started here (one line), or null when it can.</summary>
    public static string Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "PostgreSQL tests need Linux (initdb/postgres binaries)";
        }

        if (FindBinaries() == null)
        {
            return "PostgreSQL server binaries (initdb, postgres) not found in " + string.Join(", ", BinaryFolders) + ": PostgreSQL tests skipped";
        }

        if (IsRoot() && !File.Exists("/usr/bin/setpriv"))
        {
            return "running as root without setpriv: cannot start PostgreSQL as an unprivileged account";
        }

        return null;
    }

    /// <summary>initdb + start; throws with the server's log when it does not come up within 60 s.</summary>
    public static ThrowawayPostgres Start(bool durable = true)
    {
        string bin = FindBinaries() ?? throw new InvalidOperationException("PostgreSQL binaries not found");
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var cluster = new ThrowawayPostgres(folder, FreePort());
        try
        {
            bool root = IsRoot();
            if (root)
            {
                Run("/bin/chown", "-R postgres:postgres " + folder);
            }

            string data = Path.Combine(folder, "data");
            RunAs(root, Path.Combine(bin, "initdb"), $"-D {data} -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync");
            // Loopback TCP only, socket in our folder; settings sized for a shared 2-core machine. fsync stays on
            // unless the caller asks otherwise (figures are for a durable database).
            string settings = $"-D {data} -p {cluster.Port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB" +
                (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            cluster.server = StartAs(root, Path.Combine(bin, "postgres"), settings, Path.Combine(folder, "server.log"));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
            cluster.WaitReady();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A new empty database in the cluster; returns its connection string.</summary>
    public string CreateDatabase(string name)
    {
        using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private void WaitReady()
    {
        var watch = Stopwatch.StartNew();
        Exception last = null;
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException("postgres exited at start: " + Log());
            }

            try
            {
                using var connection = new Npgsql.NpgsqlConnection(ConnectionString + ";Pooling=false");
                connection.Open();
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or SocketException or IOException)
            {
                last = e;
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException("postgres did not accept connections within 60 s: " + last?.Message + " " + Log());
    }

    private string Log()
    {
        try
        {
            return File.ReadAllText(Path.Combine(Folder, "server.log"));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        try
        {
            if (server != null && !server.HasExited)
            {
                // SIGQUIT = immediate shutdown (the data is thrown away anyway); SIGKILL if it lingers.
                Run("/bin/kill", "-QUIT " + server.Id);
                if (!server.WaitForExit(10_000))
                {
                    server.Kill(entireProcessTree: true);
                    server.WaitForExit(5_000);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }

        server?.Dispose();
        try
        {
            Directory.Delete(Folder, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static ProcessStartInfo Info(bool root, string file, string arguments)
    {
        // setpriv execs the program (no intermediate process), so the pid we hold is the server's own.
        return root
            ? new ProcessStartInfo("/usr/bin/setpriv", $"--reuid=postgres --regid=postgres --clear-groups --reset-env {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
    }

    private static void RunAs(bool root, string file, string arguments)
    {
        ProcessStartInfo info = Info(root, file, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = "/tmp";
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {output}");
        }
    }

    private static void Run(string file, string arguments) => RunAs(false, file, arguments);

    private static Process StartAs(bool root, string file, string arguments, string logPath)
    {
        ProcessStartInfo info = Info(root, file, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = "/tmp";
        Process process = Process.Start(info)!;
        var log = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data != null) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data != null) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
