using System;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Gateway.Api;

/// <summary>
/// ASP.NET Core rate limiting (Microsoft.AspNetCore.RateLimiting, in the shared framework) on the terminal API
/// and the sign-in form: a token bucket per client address, chained with one per (terminal id, address). The
/// terminal bucket is keyed by address too so that a flood naming a real terminal from elsewhere cannot use up
/// that terminal's budget. Behind a reverse proxy every request comes from the proxy's address: configure
/// the proxy's own limits, or raise PerAddressPerMinute. A refused request gets 429 with Retry-After and is
/// logged (address, terminal id when well-formed), before anything else is done with it.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, RateLimitOptions options)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    !Limited(context) || options.PerAddressPerMinute <= 0
                        ? RateLimitPartition.GetNoLimiter("")
                        : RateLimitPartition.GetTokenBucketLimiter(Address(context), _ => Bucket(options.PerAddressPerMinute, options.PerAddressBurst))),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    TerminalId(context) is not string terminal || options.PerTerminalPerMinute <= 0
                        ? RateLimitPartition.GetNoLimiter("")
                        : RateLimitPartition.GetTokenBucketLimiter(terminal + "@" + Address(context), _ => Bucket(options.PerTerminalPerMinute, options.PerTerminalBurst))));
            o.OnRejected = async (rejected, cancel) =>
            {
                HttpContext context = rejected.HttpContext;
                int retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LeoCarte.Gateway.RateLimit").LogWarning(
                    "rate limited: {Address}, terminal {Terminal}, {Path}", Address(context), TerminalId(context) ?? "-", context.Request.Path.StartsWithSegments("/signin") ? "/signin" : "terminal API");
                await context.Response.WriteAsJsonAsync(new { error = "too many requests", retryAfterSeconds = retryAfter }, cancel);
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perMinute, int burst) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(Math.Max(1, 60_000 / perMinute)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool Limited(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api/v1/terminals") || context.Request.Path.StartsWithSegments("/signin");

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "?";

    /// <summary>The terminal id of a terminal API path (/api/v1/terminals/{id}/...), when well-formed.</summary>
    private static string TerminalId(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api/v1/terminals", out Microsoft.AspNetCore.Http.PathString rest) || !rest.HasValue)
        {
            return null;
        }

        string value = rest.Value.TrimStart('/');
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        string id = slash < 0 ? value : value[..slash];
        return TerminalAuthenticator.IsCanonicalTerminalId(id) ? id : "(malformed)";
    }
}
