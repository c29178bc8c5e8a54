using System;
using System.Net.Http;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Terminal.Tests.Host.Sync;

/// <summary>
/// A real gateway (Kestrel on 127.0.0.1, a free port, SQLite in a temp folder) and a host terminal talking to it
/// over real HTTP. Stop/Start keep the database and the port, as a killed and restarted gateway process would.
/// </summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    public const string TerminalId = "RU-TEST-01";
    public const uint SiteId = 14;
    /// <summary>The gateway's list signing key (ECDSA P-256, made for the test run); terminals hold its public key.</summary>
    public static string ListKeyPem => global::LeoCarte.Terminal.Tests.Support.HostListKeys.Pem;
    public static readonly byte[] TerminalSecret = Convert.FromHexString("5465726d696e616c2052552d544553542d3031207365637265742121212121ff");

    private WebApplication app;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 tlsCertificate;

    private GatewayFixture(string folder, int port, System.Security.Cryptography.X509Certificates.X509Certificate2 tlsCertificate = null)
    {
        this.tlsCertificate = tlsCertificate;
        Folder = folder;
        Port = port;
        ExportPath = Path.Combine(folder, "export.csv");
        Options = new GatewayOptions
        {
            Database = "sqlite",
            ConnectionString = "Data Source=" + Path.Combine(folder, "gateway.db"),
            SiteId = SiteId,
            ListSigningKeyPem = ListKeyPem,
            ListSigningKeyId = global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId,
            Terminals = new Dictionary<string, string> { [TerminalId] = Convert.ToHexString(TerminalSecret) },
            ImportSource = ExportPath,
            ImportIntervalSeconds = 0,
            Operators = new Dictionary<string, string> { [OperatorName] = OperatorHash },
        };

        // LEOCARTE_TEST_POSTGRES set: the same scenarios on PostgreSQL, in a schema of their own.
        string postgres = Environment.GetEnvironmentVariable("LEOCARTE_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(postgres))
        {
            PostgresSchema = "leocarte_e2e_" + Guid.NewGuid().ToString("N")[..12];
            using (var connection = new Npgsql.NpgsqlConnection(postgres))
            {
                connection.Open();
                using var command = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {PostgresSchema}", connection);
                command.ExecuteNonQuery();
            }

            Options.Database = "postgres";
            Options.ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { SearchPath = PostgresSchema }.ConnectionString;
        }
    }

    /// <summary>The PostgreSQL schema the run uses, or null on SQLite.</summary>
    public string PostgresSchema { get; }

    public string Folder { get; }
    public int Port { get; }
    public string ExportPath { get; }
    public GatewayOptions Options { get; }
    public const string OperatorName = "office";
    public const string OperatorPassword = "test operator password";

    /// <summary>A cheap hash (the minimum iterations) to keep the tests fast; sites use the default.</summary>
    public static readonly string OperatorHash = LeoCarte.Gateway.Web.OperatorPasswords.Hash(OperatorPassword, 10_000);

    /// <summary>An HTTP client signed in to the card-office page as <see cref="OperatorName"/> (cookies kept).</summary>
    public async Task<HttpClient> SignedInClientAsync()
    {
        var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false };
        if (tlsCertificate != null)
        {
            handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        }

        var http = new HttpClient(handler) { BaseAddress = BaseUri };
        string token = CsrfToken(await http.GetStringAsync("signin"));
        HttpResponseMessage signedIn = await http.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = OperatorName,
            ["password"] = OperatorPassword,
            ["__csrf"] = token,
        }));
        if (signedIn.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException("sign-in failed: " + signedIn.StatusCode);
        }

        return http;
    }

    /// <summary>Posts a card-office form with the antiforgery token of the signed-in page.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient signedIn, string path, Dictionary<string, string> fields = null)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>()) { ["__csrf"] = CsrfToken(await signedIn.GetStringAsync("/")) };
        return await signedIn.PostAsync(path.TrimStart('/'), new FormUrlEncodedContent(form));
    }

    public static string CsrfToken(string page) =>
        System.Text.RegularExpressions.Regex.Match(page, "name=\"__csrf\" value=\"([^\"]+)\"").Groups[1].Value;

    public Uri BaseUri => new($"{(tlsCertificate == null ? "http" : "https")}://127.0.0.1:{Port}/");
    public IServiceProvider Services => app.Services;
    public ImportService Imports => app.Services.GetRequiredService<ImportService>();
    public IGatewayStore Store => app.Services.GetRequiredService<IGatewayStore>();
    public ListService Lists => app.Services.GetRequiredService<ListService>();

    public static async Task<GatewayFixture> StartAsync(string exportText, System.Security.Cryptography.X509Certificates.X509Certificate2 tlsCertificate = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var fixture = new GatewayFixture(folder, LeoCarte.Gateway.GatewayApp.FreeLoopbackPort(), tlsCertificate);
        File.WriteAllText(fixture.ExportPath, exportText);
        await fixture.StartAsync();
        ImportOutcome first = await fixture.Imports.ImportNowAsync();
        if (!first.Ok)
        {
            throw new InvalidOperationException(first.Message);
        }

        return fixture;
    }

    public async Task StartAsync()
    {
        app = GatewayApp.Build(Options, BaseUri.ToString().TrimEnd('/'), logging => logging.SetMinimumLevel(LogLevel.Warning), null, tlsCertificate);
        await app.StartAsync();
    }

    /// <summary>The gateway goes away: listener closed, open connections cut.</summary>
    public async Task StopAsync()
    {
        if (app != null)
        {
            using (var stopping = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(2)))
            {
                await app.StopAsync(stopping.Token);
            }

            await app.DisposeAsync();
            app = null;
        }
    }

    public async Task<ImportOutcome> ImportAsync(string exportText)
    {
        File.WriteAllText(ExportPath, exportText);
        return await Imports.ImportNowAsync();
    }

    public HostTerminal NewTerminal(IFileStore files, ManualClockHardware clock, int intervalSeconds = 60,
        System.Security.Cryptography.X509Certificates.X509Certificate2 pinnedCa = null)
    {
        return new HostTerminal(
            new HostTerminalOptions
            {
                TerminalId = TerminalId,
                TerminalSecret = TerminalSecret,
                GatewayUri = BaseUri,
                SiteId = SiteId,
                ListPublicKeys = new Dictionary<uint, byte[]> { [global::LeoCarte.Terminal.Tests.Support.HostListKeys.KeyId] = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Gateway.PublicKey },
                Mode = TerminalMode.Vending,
                Sync = new LeoCarte.Terminal.Sync.SyncOptions { IntervalSeconds = intervalSeconds, UploadBufferSize = 8 * 64 },
                HttpTimeout = TimeSpan.FromSeconds(10),
                PinnedCa = pinnedCa,
            },
            files,
            clock);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (PostgresSchema != null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            using var connection = new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable("LEOCARTE_TEST_POSTGRES"));
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA {PostgresSchema} CASCADE", connection);
            command.ExecuteNonQuery();
        }

        try
        {
            Directory.Delete(Folder, true);
        }
        catch (IOException)
        {
        }
    }


    /// <summary>
    /// An ESUP-SGC csvSearch export as ESUP-SGC writes it (label header, uppercase csn, LocalDateTime dates): the
    /// given cards plus <paramref name="filler"/> enabled cards.
    /// </summary>
    public static string Export(int filler, params (string Csn, string Etat, string Motif)[] cards)
    {
        var text = new StringBuilder(EsupSgcCsvWriter.Header(new[] { "id", "csn", "etat", "dateEtat", "eppn", "motifDisable" }));
        int id = 1;
        foreach (var card in cards)
        {
            text.Append(EsupSgcCsvWriter.Row(id, card.Csn.ToUpperInvariant(), card.Etat, new DateTime(2026, 11, 1, 10, 0, 0), $"student{id}@unicaen.fr", card.Motif.Length == 0 ? null : card.Motif));
            id++;
        }

        var random = new Random(filler);
        for (int i = 0; i < filler; i++, id++)
        {
            byte[] uid = new byte[7];
            random.NextBytes(uid);
            uid[0] = 0x04;
            uid[1] = 0xF0; // keeps filler UIDs apart from the named test cards
            text.Append(EsupSgcCsvWriter.Row(id, Convert.ToHexString(uid), "ENABLED", new DateTime(2026, 9, 1, 8, 0, 0), $"filler{i}@unicaen.fr", null));
        }

        return text.ToString();
    }
}
