using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace LeoCarte.Tools.GatewayLoad;

/// <summary>
/// Sits between every simulated terminal's HttpClient and one shared connection pool, and records each
/// request's latency by endpoint (list, journal, heartbeat) and its outcome.
/// </summary>
internal sealed class LatencyRecorder : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> latencies = new();
    private readonly ConcurrentDictionary<string, int> failures = new();
    private long started = Stopwatch.GetTimestamp();

    public LatencyRecorder(HttpMessageHandler inner) : base(inner)
    {
    }

    public bool Recording { get; set; } = true;

    public void Reset()
    {
        latencies.Clear();
        failures.Clear();
        started = Stopwatch.GetTimestamp();
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(started);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string endpoint = Endpoint(request.RequestUri);
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.Content != null)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false); // the body is part of the latency
            }

            Record(endpoint, t0, (int)response.StatusCode);
            return response;
        }
        catch (Exception e) when (Recording)
        {
            failures.AddOrUpdate($"{endpoint} {e.GetType().Name}", 1, (_, n) => n + 1);
            throw;
        }
    }

    // The terminal's transport (HostAdapters/HttpClientTransport) is synchronous, like the device's: HttpClient.Send.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string endpoint = Endpoint(request.RequestUri);
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            HttpResponseMessage response = base.Send(request, cancellationToken);
            response.Content?.LoadIntoBufferAsync(cancellationToken).GetAwaiter().GetResult(); // the body is part of the latency
            Record(endpoint, t0, (int)response.StatusCode);
            return response;
        }
        catch (Exception e) when (Recording)
        {
            failures.AddOrUpdate($"{endpoint} {e.GetType().Name}", 1, (_, n) => n + 1);
            throw;
        }
    }

    private void Record(string endpoint, long t0, int status)
    {
        if (Recording)
        {
            latencies.GetOrAdd(endpoint, _ => new ConcurrentBag<double>()).Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (status >= 500 || status == 401)
            {
                failures.AddOrUpdate($"{endpoint} {status}", 1, (_, n) => n + 1);
            }
        }
    }

    private static string Endpoint(Uri uri)
    {
        string path = uri.AbsolutePath;
        int slash = path.LastIndexOf('/');
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    public IEnumerable<string> Report()
    {
        double seconds = Elapsed.TotalSeconds;
        foreach (var (endpoint, bag) in latencies.OrderBy(e => e.Key))
        {
            double[] sorted = bag.ToArray();
            Array.Sort(sorted);
            yield return $"  {endpoint,-10} {sorted.Length,8:N0} requests  {sorted.Length / seconds,7:N1} req/s  p50 {Percentile(sorted, 0.50),7:N1} ms  p95 {Percentile(sorted, 0.95),7:N1} ms  p99 {Percentile(sorted, 0.99),7:N1} ms  max {sorted[^1],7:N1} ms";
        }

        foreach (var (what, count) in failures.OrderBy(f => f.Key))
        {
            yield return $"  failed: {what} × {count}";
        }
    }

    public long Count => latencies.Values.Sum(b => (long)b.Count);

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
