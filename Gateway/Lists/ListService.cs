using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Gateway.Lists;

/// <summary>What the list endpoint answers to ?have=N.</summary>
public enum ListAnswerKind
{
    /// <summary>No list published yet (503).</summary>
    NoList,
    /// <summary>The terminal has the current version (204).</summary>
    UpToDate,
    Snapshot,
    Delta,
    /// <summary>The terminal claims a version the gateway never published (409).</summary>
    TerminalAhead,
}

public sealed record ListAnswer(ListAnswerKind Kind, long Version, byte[] Bytes);

/// <summary>Result of importing one export. Ok: the list in force is what the export says (published or unchanged).</summary>
public sealed record ImportOutcome(bool Ok, string Message, long Version, int Changes, int ErrorLine)
{
    public ImportStatus Status { get; init; } = ImportStatus.Refused;

    /// <summary>The held import's number when <see cref="Status"/> is Held.</summary>
    public long HeldId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public ImportReport Report { get; init; }

    /// <summary>Where the time went (plan, sign, publish transaction), e.g. "plan 812 ms, sign 95 ms, publish 640 ms".</summary>
    public string Timings { get; init; }
}

public enum ImportStatus
{
    Published,
    Unchanged,
    /// <summary>Waiting for an operator's confirmation; the list in force stays.</summary>
    Held,
    /// <summary>Not used (unreadable, empty, or already rejected); the list in force stays.</summary>
    Refused,
}

/// <summary>Status values of held imports.</summary>
public static class HeldStatus
{
    public const string Held = "held";
    public const string Published = "published";
    public const string Rejected = "rejected";
    public const string Superseded = "superseded";
    public const string Stale = "stale";
}

/// <summary>An import's computed effect: the card set it would publish and the changes against version BaseVersion.</summary>
public sealed record ImportPlan(long BaseVersion, bool HasCurrent, Dictionary<string, ListCard> Wanted, List<ListChange> Changes, ImportReport Report);

/// <summary>
/// Versions, deltas and snapshots. An import that changes anything publishes version N+1 (strictly
/// increasing; the terminal refuses anything not newer than what it holds) with its changes and its signed
/// snapshot. A terminal at version h gets the delta h→N when the changes since h are still kept and the delta
/// is smaller than the snapshot, the snapshot otherwise. Deltas are built once per (h, N) and cached.
/// </summary>
public sealed class ListService
{
    private readonly IGatewayStore store;
    private readonly IListEncoder encoder;
    // Keyed by (have, current version): a request racing an import can never file a delta to the previous
    // version under the new one.
    private readonly ConcurrentDictionary<(long Have, long Version), byte[]> deltaCache = new();
    private readonly object importLock = new();
    private long cachedVersion = -1;
    private byte[] cachedSnapshot;
    private DateTime cachedIssued;

    public ListService(IGatewayStore store, IListEncoder encoder)
    {
        this.store = store;
        this.encoder = encoder;
    }

    /// <summary>This gateway database's identity, as written in every list.</summary>
    public long DatabaseId => encoder.DatabaseId;

    /// <param name="have">The version the terminal holds (0: none).</param>
    /// <param name="terminalDatabaseId">
    /// The database identity of the terminal's list (null: not sent). Another identity than ours means the terminal's
    /// versions count in another database (this one was reset, or it served another gateway): it gets a snapshot,
    /// never "up to date" or a delta by a version number that means something else here.
    /// </param>
    public ListAnswer GetList(long have, long? terminalDatabaseId = null)
    {
        ListVersionInfo current = Current();
        if (current != null && have > current.Version)
        {
            // The terminal may have got a newer version from another instance a moment ago: look before saying 409.
            current = Current(force: true);
        }

        if (current == null)
        {
            return new ListAnswer(ListAnswerKind.NoList, 0, null);
        }

        if (terminalDatabaseId.HasValue && terminalDatabaseId.Value != encoder.DatabaseId)
        {
            byte[] fresh = SnapshotOf(current);
            if (fresh == null)
            {
                current = Current(force: true);
                fresh = SnapshotOf(current);
            }

            return new ListAnswer(ListAnswerKind.Snapshot, current.Version, fresh);
        }

        if (have == current.Version)
        {
            return new ListAnswer(ListAnswerKind.UpToDate, current.Version, null);
        }

        if (have > current.Version)
        {
            return new ListAnswer(ListAnswerKind.TerminalAhead, current.Version, null);
        }

        byte[] snapshot = SnapshotOf(current);
        if (snapshot == null)
        {
            // Another instance published since our last check and the old snapshot is gone: catch up.
            current = Current(force: true);
            snapshot = SnapshotOf(current);
            if (have == current.Version)
            {
                return new ListAnswer(ListAnswerKind.UpToDate, current.Version, null);
            }
        }

        if (have > 0)
        {
            byte[] delta = deltaCache.GetOrAdd((have, current.Version), key => BuildDelta(key.Have, current));
            if (delta != null && delta.Length < snapshot.Length)
            {
                return new ListAnswer(ListAnswerKind.Delta, current.Version, delta);
            }
        }

        return new ListAnswer(ListAnswerKind.Snapshot, current.Version, snapshot);
    }

    private byte[] SnapshotOf(ListVersionInfo current)
    {
        lock (deltaCache)
        {
            if (cachedVersion != current.Version)
            {
                byte[] snapshot = store.Snapshot(current.Version);
                if (snapshot == null)
                {
                    return null;
                }

                // Another instance (PostgreSQL) or an import published: drop deltas built for the old version.
                deltaCache.Clear();
                var header = new LeoCarte.Terminal.Allowlist.ListHeader();
                if (LeoCarte.Terminal.Allowlist.ListHeader.Read(snapshot, 0, snapshot.Length, header) != LeoCarte.Terminal.Allowlist.ListUpdateResult.Ok
                    || header.KeyId != encoder.KeyId || header.DatabaseId != encoder.DatabaseId)
                {
                    // Stored before an upgrade of the list format or a key rotation: sign the current cards again.
                    snapshot = encoder.Snapshot(current.Version, current.IssuedUtc, store.CurrentCards().Values);
                }

                cachedSnapshot = snapshot;
                cachedIssued = current.IssuedUtc;
                cachedVersion = current.Version;
            }

            return cachedSnapshot;
        }
    }

    private byte[] BuildDelta(long have, ListVersionInfo current)
    {
        List<ListChange> changes = store.Changes(have, current.Version);
        if (changes == null)
        {
            return null;
        }

        // Net effect per card: the last change wins.
        var last = new Dictionary<string, ListChange>(StringComparer.Ordinal);
        foreach (ListChange change in changes)
        {
            last[change.Csn] = change;
        }

        var upserts = last.Values.Where(c => c.State.HasValue).Select(c => new ListCard(c.Csn, c.State.Value, c.HolderKey, c.Category)).ToList();
        var removed = last.Values.Where(c => !c.State.HasValue).Select(c => c.Csn).ToList();
        return encoder.Delta(have, current.Version, current.IssuedUtc, upserts, removed);
    }

    /// <summary>
    /// How long the cached current version is trusted before one cheap look at the database (the version number
    /// alone). This instance's own publications update the cache at once; another instance's (PostgreSQL) are
    /// seen within this interval, and at once by a terminal that already holds the newer version.
    /// </summary>
    public TimeSpan VersionCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    private readonly object versionLock = new();
    private long planMs; // of the import in progress (under importLock), for its Timings
    private ListVersionInfo currentInfo;
    private bool currentLoaded;
    private long currentCheckedAt;

    /// <summary>The current version, from memory; the database is asked at most once per <see cref="VersionCheckInterval"/>.</summary>
    public ListVersionInfo Current(bool force = false)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        long interval = force ? System.Diagnostics.Stopwatch.Frequency / 50 : (long)(VersionCheckInterval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        if (Volatile.Read(ref currentLoaded) && now - Interlocked.Read(ref currentCheckedAt) < interval)
        {
            return Volatile.Read(ref currentInfo);
        }

        lock (versionLock)
        {
            if (currentLoaded && System.Diagnostics.Stopwatch.GetTimestamp() - currentCheckedAt < interval)
            {
                return currentInfo;
            }

            long number = store.CurrentVersionNumber();
            if (!currentLoaded || (currentInfo?.Version ?? 0) != number)
            {
                Volatile.Write(ref currentInfo, store.CurrentVersion());
            }

            Interlocked.Exchange(ref currentCheckedAt, System.Diagnostics.Stopwatch.GetTimestamp());
            Volatile.Write(ref currentLoaded, true);
            return currentInfo;
        }
    }

    /// <summary>Forget the cached version (e.g. on a notification that another instance published).</summary>
    public void Invalidate()
    {
        lock (versionLock)
        {
            currentLoaded = false;
        }
    }

    /// <summary>This instance published: serve the new version at once, without asking the database.</summary>
    private void Published(ListVersionInfo info, byte[] snapshot)
    {
        lock (versionLock)
        {
            currentInfo = info;
            currentLoaded = true;
            currentCheckedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        lock (deltaCache)
        {
            deltaCache.Clear();
            cachedSnapshot = snapshot;
            cachedIssued = info.IssuedUtc;
            cachedVersion = info.Version;
        }
    }

    /// <summary>The issue time as the database keeps it (milliseconds), so the cached info equals a re-read one.</summary>
    private static DateTime FromMsPrecision(DateTime utc) => SqlGatewayStore.FromMs(SqlGatewayStore.ToMs(utc));

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
            string timings = $"plan {planMs} ms, sign {signMs} ms, publish transaction {watch.ElapsedMilliseconds - signMs} ms";
            if (published > 0)
            {
                Published(new ListVersionInfo(published, FromMsPrecision(nowUtc), plan.Wanted.Count, plan.Changes.Count, source), snapshot);
                return new ImportOutcome(true, $"published version {published}: {plan.Wanted.Count} cards; {report.ChangeLine()}", published, plan.Changes.Count, 0)
                { Status = ImportStatus.Published, Report = report, Timings = timings };
            }
        }

        return new ImportOutcome(false, "another gateway instance kept publishing; retry at the next import", 0, 0, 0) { Status = ImportStatus.Refused, Report = report };
    }

    /// <summary>
    /// True when the list in force announces other DESFire key versions than the gateway's configuration: a key
    /// rotation (or its end) that the next import publishes as a new version, even with no card changed.
    /// </summary>
    public bool KeyRotationPending()
    {
        ListVersionInfo current = store.CurrentVersion();
        if (current == null)
        {
            return false;
        }

        byte[] snapshot = SnapshotOf(current);
        if (snapshot == null)
        {
            return false; // another instance published this instant: the next import sees its list
        }

        var header = new ListHeader();
        return ListHeader.Read(snapshot, 0, snapshot.Length, header) == ListUpdateResult.Ok
            && (header.KeyVersion != encoder.KeyVersion || header.PreviousKeyVersion != encoder.PreviousKeyVersion);
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

        return plan with { BaseVersion = version, HasCurrent = current != null, Changes = changes };
    }

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

    /// <summary>Holder key source: the eppn (one student across renewed cards), else the card itself.</summary>
    private static string HolderName(EsupCard card) => card.Eppn ?? "card:" + card.Id;
}
