using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace LeoCarte.Tools.GatewayLoad;

/// <summary>The gateway as its own process (LeoCarte.Gateway.dll beside this tool), so it can be killed and its CPU and memory measured apart.</summary>
internal sealed class GatewayProcess
{
    private readonly string config;
    private readonly int port = LeoCarte.Gateway.GatewayApp.FreeLoopbackPort();
    private Process process;
    private double cpuOfKilled;
    private long peakOfKilledKb;

    public GatewayProcess(string config)
    {
        this.config = config;
    }

    public Uri BaseUri => new($"http://127.0.0.1:{port}/");

    public void Start()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "LeoCarte.Gateway.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" --config \"{config}\" --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["DOTNET_gcServer"] = "0";
        process = Process.Start(info);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null && (e.Data.Contains("fail", StringComparison.OrdinalIgnoreCase) || e.Data.Contains("error", StringComparison.OrdinalIgnoreCase)))
            {
                Console.Error.WriteLine("gateway: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("the gateway exited at start");
            }

            try
            {
                http.GetAsync(new Uri(BaseUri, "openapi.yaml")).GetAwaiter().GetResult();
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException("the gateway did not answer within 120 s");
    }

    public double CpuSeconds()
    {
        try
        {
            process.Refresh();
            return cpuOfKilled + process.TotalProcessorTime.TotalSeconds;
        }
        catch (InvalidOperationException)
        {
            return cpuOfKilled;
        }
    }

    public string Memory()
    {
        long rss = Status("VmRSS:"), peak = Math.Max(Status("VmHWM:"), peakOfKilledKb);
        return $"resident {rss / 1024:N0} MB now, peak {peak / 1024:N0} MB, {ThreadCount()} threads";
    }

    private int ThreadCount()
    {
        try
        {
            process.Refresh();
            return process.Threads.Count;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private long Status(string field)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
        }

        return 0;
    }

    /// <summary>SIGKILL, as a crash or an OOM kill would do.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            cpuOfKilled = CpuSeconds();
            peakOfKilledKb = Math.Max(peakOfKilledKb, Status("VmHWM:"));
            process.Kill();
            process.WaitForExit(10_000);
        }
    }
}
