using System;
using System.IO;
using System.Net;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Gateway.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Gateway;

/// <summary>Builds the gateway web application; used by Program (command line) and by the end-to-end tests (in-process, real Kestrel on 127.0.0.1).</summary>
public static class GatewayApp
{
    /// <summary>A TCP port free on 127.0.0.1 now, for tests and the virtual terminal to start a gateway on.</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static WebApplication Build(GatewayOptions options, string url, Action<ILoggingBuilder> logging = null, string[] args = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2 tlsCertificate = null)
    {
        if (string.IsNullOrEmpty(options.SiteKeyHex) || options.SiteKeyHex.Length != 64)
        {
            throw new ArgumentException("SiteKeyHex must be 64 hex digits (32-byte HMAC-SHA256 key)");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? Array.Empty<string>(), ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(url);
        builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves https:// URLs out unless asked
        if (tlsCertificate == null && !string.IsNullOrEmpty(options.TlsCertificatePfx))
        {
            tlsCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificatePfx, options.TlsCertificatePassword);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxJournalBatchBytes + 1024;
            if (tlsCertificate != null)
            {
                k.ConfigureHttpsDefaults(https => https.ServerCertificate = tlsCertificate);
            }
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (logging != null)
        {
            builder.Logging.ClearProviders();
            logging(builder.Logging);
        }

        IGatewayStore store = CreateStore(options);
        store.Initialize();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IListEncoder>(new AllowlistListEncoder(options.SiteId, Convert.FromHexString(options.SiteKeyHex)));
        builder.Services.AddSingleton<ListService>();
        builder.Services.AddSingleton<TerminalAuthenticator>();
        builder.Services.AddSingleton<ImportService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportService>());

        WebApplication app = builder.Build();
        app.UseGatewayTime();
        app.MapTerminalApi();
        app.MapGet("/", (IGatewayStore s) => Results.Content(StatusPage.Render(s, DateTime.UtcNow), "text/html; charset=utf-8"));
        app.MapGet("/api/v1/status", (IGatewayStore s, ImportService imports) =>
        {
            ListVersionInfo current = s.CurrentVersion();
            return Results.Json(new
            {
                listVersion = current?.Version ?? 0,
                cardCount = current?.CardCount ?? 0,
                issuedUtc = current?.IssuedUtc,
                lastImport = imports.Last,
                terminals = s.Terminals(),
            });
        });
        app.MapGet("/openapi.yaml", () =>
        {
            string path = Path.Combine(AppContext.BaseDirectory, "openapi.yaml");
            return File.Exists(path) ? Results.File(path, "application/yaml") : Results.NotFound();
        });

        // Operator trigger, loopback only: import now (e.g. right after the card office deactivated a card).
        app.MapPost("/admin/import", async (HttpContext context, ImportService imports) =>
        {
            IPAddress remote = context.Connection.RemoteIpAddress;
            if (remote == null || !IPAddress.IsLoopback(remote))
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            ImportOutcome outcome = await imports.ImportNowAsync();
            return outcome.Ok ? Results.Json(outcome) : Results.Json(outcome, statusCode: StatusCodes.Status422UnprocessableEntity);
        });
        return app;
    }

    public static IGatewayStore CreateStore(GatewayOptions options)
    {
        SqlDialect dialect = options.Database?.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" => new PostgresDialect(),
            "sqlite" or null or "" => new SqliteDialect(),
            _ => throw new ArgumentException($"unknown database '{options.Database}' (sqlite or postgres)"),
        };
        return new SqlGatewayStore(dialect, options.ConnectionString);
    }
}
