using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Storage;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// Imports: an export read into a plan (the card set it would publish, the changes against the list in force),
/// then published as version N+1, held for an operator, or refused (ListService.Held.cs for held imports).
/// </summary>
public sealed partial class ListService
{
    private long planMs; // of the import in progress (under importLock), for its Timings

    /// <summary>Share of the list in force an import may remove without an operator's confirmation (0.05 = 5 %).</summary>
    public double MaxRemovalShare { get; set; } = 0.05;

    /// <summary>
    /// Applies a read export: computes the new card set, then publishes it, or holds it for an operator
    /// (it looks cut, or removes more than <see cref="MaxRemovalShare"/> of the list in force), or refuses it
    /// (it would empty the list). Nothing is published that would turn every card into "Carte inconnue".
    /// </summary>
    public ImportOutcome Apply(ExportReadResult read, string source, DateTime nowUtc)
    {
        lock (importLock)
        {
            // Across instances (PostgreSQL advisory lock): nobody else plans or publishes until this import is done.
            using IDisposable acrossInstances = store.AcquireImportLock();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            ImportPlan plan = Plan(read);
            planMs = watch.ElapsedMilliseconds;
            ImportReport report = plan.Report;
            if (plan.Wanted.Count == 0)
            {
                report.HoldReason = "the new list would be empty: every card would be refused as unknown";
                return new ImportOutcome(false, $"refused, list in force kept: {report.HoldReason} ({report.RowsRead} rows read{(read.LooksCut != null ? "; " + read.LooksCut : "")})", plan.BaseVersion, 0, 0)
                { Status = ImportStatus.Refused, Report = report };
            }

            string hold = HoldReason(read, report);
            if (hold != null)
            {
                report.HoldReason = hold;
                return Hold(plan, source, nowUtc);
            }

            return Publish(plan, source, nowUtc);
        }
    }

    /// <summary>Compatibility for callers holding already-checked cards (tests, benchmarks).</summary>
    public ImportOutcome Apply(IReadOnlyList<EsupCard> export, string source, DateTime nowUtc)
    {
        var read = new ExportReadResult { Format = "cards", RowsRead = export.Count };
        read.Cards.AddRange(export);
        return Apply(read, source, nowUtc);
    }

    /// <summary>What <see cref="Apply(ExportReadResult, string, DateTime)"/> would do, without doing it (check-export).</summary>
    public (ImportStatus Status, ImportPlan Plan) DryRun(ExportReadResult read)
    {
        ImportPlan plan = Plan(read, dryRun: true);
        if (plan.Wanted.Count == 0)
        {
            plan.Report.HoldReason = "the new list would be empty: every card would be refused as unknown";
            return (ImportStatus.Refused, plan);
        }

        plan.Report.HoldReason = HoldReason(read, plan.Report);
        if (plan.Report.HoldReason != null)
        {
            return (ImportStatus.Held, plan);
        }

        return (plan.Changes.Count == 0 && plan.HasCurrent && !KeyRotationPending() ? ImportStatus.Unchanged : ImportStatus.Published, plan);
    }

    private string HoldReason(ExportReadResult read, ImportReport report)
    {
        if (read.LooksCut != null)
        {
            return "the export looks cut: " + read.LooksCut;
        }

        if (report.PreviousCards > 0 && report.Removed > MaxRemovalShare * report.PreviousCards)
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "it removes {0} of the {1} cards in force ({2:0.#} %), more than the {3:0.#} % allowed without confirmation",
                report.Removed, report.PreviousCards, 100.0 * report.Removed / report.PreviousCards, 100 * MaxRemovalShare);
        }

        return null;
    }

    /// <summary>What an import would publish, against the list in force, without changing anything but holder keys.</summary>
    public ImportPlan Plan(ExportReadResult read, bool dryRun = false)
    {
        // The enrolment file is re-read like the export (an unchanged file is not parsed again).
        encoder.RefreshOriginality();
        ListVersionInfo current = store.CurrentVersion();
        Dictionary<string, ListCard> have = store.CurrentCards();
        var report = new ImportReport
        {
            Format = read.Format,
            RowsRead = read.RowsRead,
            PreviousCards = have.Count,
            SetAsideCount = read.SetAside.Count,
            SetAside = read.SetAside.Take(ImportReport.MaxListedIssues).ToList(),
            WarningCount = read.Warnings.Count,
            Warnings = read.Warnings.Take(ImportReport.MaxListedIssues).ToList(),
            LooksCut = read.LooksCut,
        };

        CardOfficeState[] states = StateMapping.Classify(read.Cards);
        var holderNames = read.Cards.Where(c => c.Csn != null).Select(HolderName)
            .Concat(read.SetAsideCards.Where(c => c.Eppn != null).Select(c => c.Eppn)).Distinct().ToList();
        // A dry run (check-export) writes nothing: unknown holders get provisional negative keys.
        Dictionary<string, int> holders = dryRun ? store.FindHolderKeys(holderNames) : store.HolderKeys(holderNames);
        if (dryRun)
        {
            int provisional = -1;
            foreach (string name in holderNames)
            {
                if (!holders.ContainsKey(name))
                {
                    holders[name] = provisional--;
                }
            }
        }

        var wanted = new Dictionary<string, ListCard>(StringComparer.Ordinal);
        for (int i = 0; i < read.Cards.Count; i++)
        {
            EsupCard card = read.Cards[i];
            var entry = StateMapping.ToList(states[i]);
            if (!entry.HasValue)
            {
                report.NotListedRows++;
                continue;
            }

            wanted[card.Csn] = new ListCard(card.Csn, entry.Value.State, holders[HolderName(card)], entry.Value.Category);
        }

        // A set-aside row says nothing reliable about its card: the card keeps what the list in force says
        // (a card lost or stolen before stays refused). Found by csn when it could be read, else by holder:
        // every listed card of that holder the sound rows do not mention.
        var setAsideHolders = new HashSet<int>();
        foreach (SetAsideCard aside in read.SetAsideCards)
        {
            if (aside.Csn != null && !wanted.ContainsKey(aside.Csn) && have.TryGetValue(aside.Csn, out ListCard kept))
            {
                wanted[aside.Csn] = kept;
                report.Retained++;
            }
            else if (aside.Csn == null && aside.Eppn != null && holders.TryGetValue(aside.Eppn, out int holder))
            {
                setAsideHolders.Add(holder);
            }
        }

        if (setAsideHolders.Count > 0)
        {
            var mentioned = new HashSet<string>(read.Cards.Where(c => c.Csn != null).Select(c => c.Csn), StringComparer.Ordinal);
            foreach (ListCard card in have.Values)
            {
                if (setAsideHolders.Contains(card.HolderKey) && !mentioned.Contains(card.Csn) && !wanted.ContainsKey(card.Csn))
                {
                    wanted[card.Csn] = card;
                    report.Retained++;
                }
            }
        }

        long version = current?.Version ?? 0;
        var changes = new List<ListChange>();
        foreach (ListCard card in wanted.Values)
        {
            report.ByState[StateMapping.Describe(card.State, card.Category)] = report.ByState.GetValueOrDefault(StateMapping.Describe(card.State, card.Category)) + 1;
            if (!have.TryGetValue(card.Csn, out ListCard old))
            {
                report.Added++;
                changes.Add(new ListChange(version + 1, card.Csn, card.State, card.HolderKey, card.Category));
            }
            else if (old != card)
            {
                string from = StateMapping.Describe(old.State, old.Category);
                string to = StateMapping.Describe(card.State, card.Category);
                if (from != to)
                {
                    report.Transitions[$"{from} → {to}"] = report.Transitions.GetValueOrDefault($"{from} → {to}") + 1;
                }

                report.Changed++;
                changes.Add(new ListChange(version + 1, card.Csn, card.State, card.HolderKey, card.Category));
            }
        }

        foreach (string csn in have.Keys)
        {
            if (!wanted.ContainsKey(csn))
            {
                report.Removed++;
                changes.Add(new ListChange(version + 1, csn, null, 0, 0));
            }
        }

        AddOriginalityChanges(current, wanted, have, changes, report);
        report.ListedCards = wanted.Count;
        return new ImportPlan(version, current != null, wanted, changes, report);
    }

    private ImportOutcome Publish(ImportPlan plan, string source, DateTime nowUtc, long confirmingHeldId = 0)
    {
        ImportOutcome outcome = PublishCore(plan, source, nowUtc);
        if (outcome.Ok)
        {
            // A sound export replaces whatever was waiting for an operator.
            foreach (HeldImport held in store.HeldImports(20))
            {
                if (held.Status == HeldStatus.Held && held.Id != confirmingHeldId)
                {
                    store.DecideHeldImport(held.Id, HeldStatus.Superseded, null, nowUtc, 0);
                }
            }
        }

        return outcome;
    }

    private ImportOutcome PublishCore(ImportPlan plan, string source, DateTime nowUtc)
    {
        ImportReport report = plan.Report;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0)
            {
                // Another instance published meanwhile: recompute the changes against what it published.
                plan = Replan(plan);
            }

            if (plan.Changes.Count == 0 && plan.HasCurrent && !KeyRotationPending())
            {
                return new ImportOutcome(true, $"unchanged: {plan.Wanted.Count} cards, version {plan.BaseVersion}{SetAsideNote(report)}", plan.BaseVersion, 0, 0)
                { Status = ImportStatus.Unchanged, Report = report };
            }

            // Signed before the write transaction opens: the transaction only stores it.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            byte[] snapshot = encoder.Snapshot(plan.BaseVersion + 1, nowUtc, plan.Wanted.Values);
            long signMs = watch.ElapsedMilliseconds;
            long published = store.Publish(plan.BaseVersion, nowUtc, plan.Changes, plan.Wanted.Count, snapshot, source);
            string timings = $"plan {planMs} ms, sign {signMs} ms, publish transaction {watch.ElapsedMilliseconds - signMs} ms"
                + (store.LastPublishTimings is string steps ? $" ({steps})" : "");
            if (published > 0)
            {
                Published(new ListVersionInfo(published, FromMsPrecision(nowUtc), plan.Wanted.Count, plan.Changes.Count, source), snapshot);
                return new ImportOutcome(true, $"published version {published}: {plan.Wanted.Count} cards; {report.ChangeLine()}", published, plan.Changes.Count, 0)
                { Status = ImportStatus.Published, Report = report, Timings = timings };
            }
        }

        return new ImportOutcome(false, "another gateway instance kept publishing; retry at the next import", 0, 0, 0) { Status = ImportStatus.Refused, Report = report };
    }


    private static string SetAsideNote(ImportReport report) =>
        report.SetAsideCount == 0 ? "" : $"; {report.SetAsideCount} row{(report.SetAsideCount == 1 ? "" : "s")} set aside";

    private ImportPlan Replan(ImportPlan plan)
    {
        ListVersionInfo current = store.CurrentVersion();
        Dictionary<string, ListCard> have = store.CurrentCards();
        long version = current?.Version ?? 0;
        var changes = new List<ListChange>();
        foreach (ListCard card in plan.Wanted.Values)
        {
            if (!have.TryGetValue(card.Csn, out ListCard old) || old != card)
            {
                changes.Add(new ListChange(version + 1, card.Csn, card.State, card.HolderKey, card.Category));
            }
        }

        foreach (string csn in have.Keys)
        {
            if (!plan.Wanted.ContainsKey(csn))
            {
                changes.Add(new ListChange(version + 1, csn, null, 0, 0));
            }
        }

        AddOriginalityChanges(current, plan.Wanted, have, changes, new ImportReport()); // counted once, by Plan
        return plan with { BaseVersion = version, HasCurrent = current != null, Changes = changes };
    }

    /// <summary>Holder key source: the eppn (one student across renewed cards), else the card itself.</summary>
    private static string HolderName(EsupCard card) => card.Eppn ?? "card:" + card.Id;
}
