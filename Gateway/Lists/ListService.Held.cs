using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Gateway.Lists;

/// <summary>Held imports: kept with their card set until an operator confirms (published if the list did not move on) or rejects them.</summary>
public sealed partial class ListService
{
    private ImportOutcome Hold(ImportPlan plan, string source, DateTime nowUtc)
    {
        string cards = SerializeCards(plan.Wanted.Values);
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(cards)));
        foreach (HeldImport earlier in store.HeldImports(10))
        {
            if (earlier.ContentHash == hash && earlier.BaseVersion == plan.BaseVersion && (earlier.Status == HeldStatus.Held || earlier.Status == HeldStatus.Rejected))
            {
                // The same export again (the schedule re-reads it): one decision is enough.
                string what = earlier.Status == HeldStatus.Held ? $"still held for confirmation (import #{earlier.Id})" : $"refused: an operator rejected this same import (#{earlier.Id})";
                return new ImportOutcome(false, $"{what}, list in force kept: {plan.Report.HoldReason}", plan.BaseVersion, 0, 0)
                { Status = earlier.Status == HeldStatus.Held ? ImportStatus.Held : ImportStatus.Refused, HeldId = earlier.Id, Report = plan.Report };
            }
        }

        long id = store.HoldImport(new HeldImport(0, nowUtc, source, plan.BaseVersion, plan.Report.HoldReason, HeldStatus.Held, hash, plan.Report.ToJson(), null, null, 0), cards);
        return new ImportOutcome(false, $"held for an operator's confirmation (import #{id}), list in force kept: {plan.Report.HoldReason}; it would {plan.Report.ChangeLine()}", plan.BaseVersion, 0, 0)
        { Status = ImportStatus.Held, HeldId = id, Report = plan.Report };
    }

    /// <summary>An operator confirms a held import: it is published, unless the list moved on since it was held.</summary>
    public ImportOutcome ConfirmHeld(long id, string operatorName, DateTime nowUtc)
    {
        lock (importLock)
        {
            using IDisposable acrossInstances = store.AcquireImportLock();
            HeldImport held = store.HeldImportById(id, out string cardsText);
            if (held == null || held.Status != HeldStatus.Held)
            {
                return new ImportOutcome(false, held == null ? $"no import #{id}" : $"import #{id} is {held.Status}, not waiting for confirmation", 0, 0, 0) { Status = ImportStatus.Refused };
            }

            ListVersionInfo current = store.CurrentVersion();
            if ((current?.Version ?? 0) != held.BaseVersion)
            {
                store.DecideHeldImport(id, HeldStatus.Stale, operatorName, nowUtc, 0);
                return new ImportOutcome(false, $"import #{id} was computed against version {held.BaseVersion}, the list is now at version {current?.Version ?? 0}: not published (import again)", current?.Version ?? 0, 0, 0) { Status = ImportStatus.Refused };
            }

            Dictionary<string, ListCard> wanted = DeserializeCards(cardsText);
            var plan = Replan(new ImportPlan(held.BaseVersion, current != null, wanted, new List<ListChange>(), ImportReport.FromJson(held.Report) ?? new ImportReport()));
            ImportOutcome outcome = Publish(plan, held.Source, nowUtc, id);
            if (outcome.Ok)
            {
                store.DecideHeldImport(id, HeldStatus.Published, operatorName, nowUtc, outcome.Version);
                outcome = outcome with { Message = $"import #{id} confirmed by {operatorName}: {outcome.Message}" };
            }

            return outcome;
        }
    }

    /// <summary>An operator rejects a held import: the list in force stays; the same export will not be held again.</summary>
    public bool RejectHeld(long id, string operatorName, DateTime nowUtc)
    {
        lock (importLock)
        {
            return store.DecideHeldImport(id, HeldStatus.Rejected, operatorName, nowUtc, 0);
        }
    }

    /// <summary>One line per card: "csn state holder category" (state and category as numbers).</summary>
    private static string SerializeCards(IEnumerable<ListCard> cards)
    {
        var text = new System.Text.StringBuilder();
        foreach (ListCard card in cards.OrderBy(c => c.Csn, StringComparer.Ordinal))
        {
            text.Append(card.Csn).Append(' ').Append((int)card.State).Append(' ').Append(card.HolderKey).Append(' ').Append(card.Category).Append('\n');
        }

        return text.ToString();
    }

    private static Dictionary<string, ListCard> DeserializeCards(string text)
    {
        var cards = new Dictionary<string, ListCard>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ');
            cards[f[0]] = new ListCard(f[0], (CardState)int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), byte.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        }

        return cards;
    }
}
