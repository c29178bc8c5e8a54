using System;
using System.IO;
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
/// A malformed export is refused whole: the gateway logs and records the line and the reason, and the version
/// in force stays what it was.
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

            Last = outcome;
            store.RecordImport(new ImportRecord(DateTime.UtcNow, source, outcome.Ok, outcome.Message, outcome.Version));
            if (outcome.Ok)
            {
                logger.LogInformation("import {Source}: {Message}", source, outcome.Message);
            }
            else
            {
                logger.LogError("import {Source} refused, previous version kept: {Message}", source, outcome.Message);
            }

            return outcome;
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<ImportOutcome> ImportCoreAsync(string source, CancellationToken cancel)
    {
        string text;
        try
        {
            text = source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? await Http.GetStringAsync(source, cancel)
                : await File.ReadAllTextAsync(source, cancel);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException or TaskCanceledException)
        {
            return new ImportOutcome(false, "cannot read export: " + e.Message, 0, 0, 0);
        }

        try
        {
            var cards = EsupSgcExport.Parse(text, options.ImportFormat);
            return lists.Apply(cards, source, DateTime.UtcNow);
        }
        catch (ExportFormatException e)
        {
            return new ImportOutcome(false, "malformed export, " + e.Message, store.CurrentVersion()?.Version ?? 0, 0, e.Line);
        }
        catch (System.Data.Common.DbException e)
        {
            return new ImportOutcome(false, "database error, previous version kept: " + e.Message, 0, 0, 0);
        }
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
