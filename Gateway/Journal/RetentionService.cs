using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using LeoCarte.Gateway.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Gateway.Journal;

/// <summary>
/// Runs periodically (Retention.SweepMinutes): checks journal rows that have no verdict yet (a gateway stopped
/// between storing a batch and its verdicts, or rows from before the checks existed), then deletes the records
/// settled more than Retention.KeepDays ago (TrustStore.Purge: billed, or denied, or decided by an operator —
/// never an unbilled approval or an undecided anomaly). See PRIVACY.md.
/// </summary>
public sealed class RetentionService : BackgroundService
{
    private readonly GatewayOptions options;
    private readonly TrustStore trust;
    private readonly JournalChecker checker;
    private readonly ILogger<RetentionService> log;

    public RetentionService(GatewayOptions options, TrustStore trust, JournalChecker checker, ILogger<RetentionService> log)
    {
        this.options = options;
        this.trust = trust;
        this.checker = checker;
        this.log = log;
    }

    /// <summary>One sweep: returns (records checked late, journal rows purged).</summary>
    public (int Checked, int Purged) RunOnce(DateTime nowUtc)
    {
        int checkedLate = 0;
        for (int round = 0; round < 1000; round++)
        {
            var batch = trust.UncheckedRecords(500);
            if (batch.Count == 0)
            {
                break;
            }

            var verdicts = new List<JournalVerdict>();
            foreach (var row in batch)
            {
                // Checked against its receipt time; the sequence rule needs the journal as it was at receipt, so it is skipped.
                verdicts.AddRange(checker.Check(row.TerminalId, new[] { row.Raw }, row.ReceivedUtc, checkSequences: false));
            }

            trust.SaveVerdicts(verdicts, nowUtc);
            checkedLate += batch.Count;
        }

        int purged = options.Retention.KeepDays > 0 ? trust.Purge(nowUtc.AddDays(-options.Retention.KeepDays)) : 0;
        return (checkedLate, purged);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        TimeSpan delay = TimeSpan.FromMinutes(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var (checkedLate, purged) = RunOnce(DateTime.UtcNow);
                if (checkedLate > 0 || purged > 0)
                {
                    log.LogInformation("journal sweep: {Checked} records checked late, {Purged} settled records older than {Days} days purged", checkedLate, purged, options.Retention.KeepDays);
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                log.LogWarning("journal sweep failed, retried at the next one: {Error}", e.Message);
            }

            delay = TimeSpan.FromMinutes(Math.Max(1, options.Retention.SweepMinutes));
        }
    }
}
