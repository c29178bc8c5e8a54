using System;
using System.IO;
using System.Linq;
using System.Net;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Journal;
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

    /// <summary>Whether a start failure is Kestrel finding its port taken (one clear line instead of a stack trace).</summary>
    public static bool IsAddressInUse(Exception e)
    {
        for (Exception x = e; x != null; x = x.InnerException)
        {
            if (x is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
                || x.GetType().Name == "AddressInUseException")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the port of an http(s)://host:port URL is already bound on that address (checked before Kestrel starts, so no stack trace is logged).</summary>
    public static bool PortTaken(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out Uri uri) || uri.Port <= 0)
        {
            return false;
        }

        IPAddress address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress parsed) ? parsed : null;
        if (address == null)
        {
            return false;
        }

        try
        {
            var probe = new System.Net.Sockets.TcpListener(address, uri.Port);
            probe.Start();
            probe.Stop();
            return false;
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    public static WebApplication Build(GatewayOptions options, string url, Action<ILoggingBuilder> logging = null, string[] args = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2 tlsCertificate = null)
    {
        PemListSigner listSigner = CreateListSigner(options);

        SecretPolicy.Validate(options); // weak, all-zero and sample secrets refused unless SampleMode (--sample)

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
        builder.Services.AddSingleton<IListEncoder>(new AllowlistListEncoder(options.SiteId, new LeoCarte.Terminal.Allowlist.ListSigning(listSigner, store.DatabaseId()), options.DesfireKeyVersion, options.DesfirePreviousKeyVersion,
            OriginalityOf(options)));
        builder.Services.AddSingleton<ListService>();
        builder.Services.AddSingleton<GroupCommitWriter>();
        var trust = TrustStore.For(options);
        trust.Initialize();
        builder.Services.AddSingleton(trust);
        builder.Services.AddSingleton<TerminalCredentials>();
        builder.Services.AddSingleton(sp => new TerminalAuthenticator(options, sp.GetRequiredService<TerminalCredentials>()));
        builder.Services.AddSingleton<JournalChecker>();
        builder.Services.AddSingleton<RetentionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionService>());
        builder.Services.AddGatewayRateLimits(options.RateLimits);
        builder.Services.AddSingleton<ImportService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportService>());
        builder.Services.AddCardOffice();
        // Host header allowlist (DNS rebinding): the configured names only; the terminal API is reached by name too.
        builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = options.AllowedHosts is { Length: > 0 } hosts ? hosts : new[] { "localhost", "127.0.0.1", "[::1]" };
            o.AllowEmptyHosts = false;
        });

        WebApplication app = builder.Build();
        app.UseHostFiltering();
        app.UseGatewayTime();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Services.GetRequiredService<ListService>().MaxRemovalShare = options.MaxRemovalShare;

        // Terminal API: authenticated per request by the terminal's HMAC signature (Api/TerminalAuthenticator), not by the operators' sign-in.
        app.MapTerminalApi();
        app.MapCardOffice();
        app.MapTrustPages();
        app.MapGet("/api/v1/status", (IGatewayStore s, ImportService imports) =>
        {
            ListVersionInfo current = s.CurrentVersion();
            return Results.Json(new
            {
                listVersion = current?.Version ?? 0,
                cardCount = current?.CardCount ?? 0,
                issuedUtc = current?.IssuedUtc,
                lastImport = imports.Last,
                heldImports = s.HeldImports(10).Where(h => h.Status == HeldStatus.Held).Select(h => new { h.Id, h.AtUtc, h.Reason, h.BaseVersion }),
                terminals = s.Terminals(),
            });
        }).RequireAuthorization();
        app.MapGet("/openapi.yaml", () =>
        {
            string path = Path.Combine(AppContext.BaseDirectory, "openapi.yaml");
            return File.Exists(path) ? Results.File(path, "application/yaml") : Results.NotFound();
        });
        return app;
    }

    /// <summary>
    /// The list signer of the configuration: the PEM text or file; refused when missing, or when it is the public
    /// sample key outside demonstration mode (anyone could sign lists for the site).
    /// </summary>
    public static PemListSigner CreateListSigner(GatewayOptions options)
    {
        string pem = options.ListSigningKeyPem;
        if (string.IsNullOrEmpty(pem))
        {
            if (string.IsNullOrEmpty(options.ListSigningKeyFile))
            {
                throw new ArgumentException("ListSigningKeyFile: the PEM file of the list signing key is required (make one with `dotnet run --project Tools/KeyGen`)");
            }

            pem = System.IO.File.ReadAllText(options.ListSigningKeyFile);
        }

        var signer = new PemListSigner(options.ListSigningKeyId, pem);
        if (!options.Demo && LeoCarte.Terminal.Config.DemoMaterial.IsSampleListPublicKey(signer.PublicKey))
        {
            signer.Dispose();
            throw new ArgumentException("ListSigningKeyFile: this is the public sample key of Gateway/sample (anyone can sign lists with it); "
                + "make the site's own with `dotnet run --project Tools/KeyGen`, or run the demonstration with --sample");
        }

        return signer;
    }

    /// <summary>The verified originality signatures of the enrolment file when digests are on (null otherwise); a file that
    /// cannot be read stops the start-up rather than silently publishing lists without digests.</summary>
    public static OriginalitySignatures OriginalityOf(GatewayOptions options)
    {
        if (!options.OriginalityDigests)
        {
            return null;
        }

        var signatures = new OriginalitySignatures(options.OriginalityExtraKeys);
        if (!string.IsNullOrEmpty(options.OriginalitySignaturesFile))
        {
            signatures.Load(options.OriginalitySignaturesFile);
        }

        Console.WriteLine($"originality: {signatures.Count} card(s) with a verified signature, {signatures.Rejected} line(s) set aside (not verified)");
        return signatures;
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
