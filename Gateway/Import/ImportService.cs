using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Gateway.Import;

/// <summary>
/// Imports the ESUP-SGC export from a file or a URL: at start, then every ImportIntervalSeconds, and on demand.
/// Bad rows are set aside and the rest is used; an export that would empty the list is refused, and one that
/// looks cut or removes too many cards is held for an operator (Lists/ListService): the version in force stays.
/// </summary>
public sealed class ImportService : BackgroundService
{
    private readonly GatewayOptions options;
    private readonly ListService lists;
    private readonly IGatewayStore store;
    private readonly ILogger<ImportService> logger;
    private readonly SemaphoreSlim running = new(1, 1);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public ImportService(GatewayOptions options, ListService lists, IGatewayStore store, ILogger<ImportService> logger)
    {
        this.options = options;
        this.lists = lists;
        this.store = store;
        this.logger = logger;
    }

    /// <summary>The last outcome, for the status page.</summary>
    public ImportOutcome Last { get; private set; }

    public async Task<ImportOutcome> ImportNowAsync(string source = null, CancellationToken cancel = default)
    {
        source ??= options.ImportSource;
        await running.WaitAsync(cancel);
        try
        {
            ImportOutcome outcome;
            if (string.IsNullOrWhiteSpace(source))
            {
                outcome = new ImportOutcome(false, "no import source configured", 0, 0, 0);
            }
            else
            {
                outcome = await ImportCoreAsync(source, cancel);
            }

            Record(source, outcome);
            return outcome;
        }
        finally
        {
            running.Release();
        }
    }

    /// <summary>Records and logs an outcome (the source without credentials; the report holds no personal data).</summary>
    public void Record(string source, ImportOutcome outcome)
    {
        Last = outcome;
        string shown = SourceDisplay.Redact(source);
        store.RecordImport(new ImportRecord(DateTime.UtcNow, shown, outcome.Ok, outcome.Message, outcome.Version, outcome.Report?.ToJson()));
        if (outcome.Ok)
        {
            logger.LogInformation("import {Source}: {Message}", shown, outcome.Message);
        }
        else
        {
            logger.LogError("import {Source}: {Message}", shown, outcome.Message);
        }

        if (outcome.Report != null)
        {
            foreach (RowIssue issue in outcome.Report.SetAside.Take(20))
            {
                logger.LogWarning("import {Source}: row set aside, {Issue}", shown, issue);
            }
        }
    }

    /// <summary>Reads an export's bytes from a file or an http(s) URL (a non-2xx answer is an error, not an empty export).</summary>
    public static async Task<byte[]> FetchAsync(string source, long maxBytes, CancellationToken cancel)
    {
        if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            using HttpResponseMessage response = await Http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using Stream body = await response.Content.ReadAsStreamAsync(cancel);
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancel)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    throw new IOException($"export larger than MaxExportBytes ({maxBytes} bytes)");
                }
            }

            return buffer.ToArray();
        }

        var info = new FileInfo(source);
        if (info.Exists && info.Length > maxBytes)
        {
            throw new IOException($"export larger than MaxExportBytes ({maxBytes} bytes)");
        }

        return await File.ReadAllBytesAsync(source, cancel);
    }

    public ExportReadSettings ReadSettings => new() { Format = options.ImportFormat, HeaderAliases = options.ImportHeaderAliases };

    private async Task<ImportOutcome> ImportCoreAsync(string source, CancellationToken cancel)
    {
        byte[] bytes;
        try
        {
            bytes = await FetchAsync(source, options.MaxExportBytes, cancel);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException or TaskCanceledException)
        {
            // The messages name the status or the OS error, never the URL's credentials.
            return new ImportOutcome(false, "cannot read export, list in force kept: " + e.Message, store.CurrentVersion()?.Version ?? 0, 0, 0);
        }

        // The same bytes read with the same settings against the same version give the same outcome: a restart
        // (or a schedule re-reading an export that has not moved) does not read, plan and compare 100,000 rows
        // again, exactly when every terminal reconnects. The hash is kept in the database with the version.
        // A changed originality enrolment (digests on) is a change too, even with the same export bytes.
        string fingerprint = ExportFingerprint(bytes, lists.RefreshOriginality());
        long versionNow = lists.Current(force: true)?.Version ?? 0;
        if (versionNow > 0 && store.ReadSetting(AppliedExportKey) == $"{fingerprint} {versionNow}" && !lists.KeyRotationPending())
        {
            return new ImportOutcome(true, $"export unchanged since version {versionNow} (same SHA-256 {fingerprint[..12]}…): not re-imported", versionNow, 0, 0)
            { Status = ImportStatus.Unchanged };
        }

        try
        {
            // Reading and planning are CPU work: off the caller's thread (a request or the host's start).
            ImportOutcome outcome = await Task.Run(() =>
            {
                ExportReadResult read = EsupSgcExport.Read(bytes, ReadSettings);
                lists.MaxRemovalShare = options.MaxRemovalShare;
                return lists.Apply(read, SourceDisplay.Redact(source), DateTime.UtcNow);
            }, cancel);
            if (outcome.Status is ImportStatus.Published or ImportStatus.Unchanged)
            {
                store.WriteSetting(AppliedExportKey, $"{fingerprint} {outcome.Version}");
            }

            return outcome;
        }
        catch (ExportFormatException e)
        {
            return new ImportOutcome(false, "export refused, list in force kept: " + e.Message, store.CurrentVersion()?.Version ?? 0, 0, e.Line);
        }
        catch (System.Data.Common.DbException e)
        {
            return new ImportOutcome(false, "database error, list in force kept: " + e.Message, 0, 0, 0);
        }
    }

    /// <summary>Settings key of "sha256-of-export version" for the last export that was published or found unchanged.</summary>
    public const string AppliedExportKey = "applied_export";

    /// <summary>SHA-256 of the export's bytes and of every setting that changes how it is read or guarded.</summary>
    private string ExportFingerprint(byte[] bytes, string originalityFingerprint)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(bytes);
        string settings = $"\n{options.ImportFormat}\n{options.MaxRemovalShare.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n" +
            string.Join("\n", (options.ImportHeaderAliases ?? new()).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(settings));
        if (originalityFingerprint != null)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes("\noriginality " + originalityFingerprint));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.ImportSource))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ImportNowAsync(null, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "import failed");
            }

            if (options.ImportIntervalSeconds <= 0)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.ImportIntervalSeconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
