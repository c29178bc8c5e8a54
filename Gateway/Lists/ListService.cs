using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Storage;
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

/// <summary>Result of importing one export.</summary>
public sealed record ImportOutcome(bool Ok, string Message, long Version, int Changes, int ErrorLine);

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

    public ListAnswer GetList(long have)
    {
        ListVersionInfo current = store.CurrentVersion();
        if (current == null)
        {
            return new ListAnswer(ListAnswerKind.NoList, 0, null);
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
                // Another instance (PostgreSQL) or an import published: drop deltas built for the old version.
                deltaCache.Clear();
                cachedSnapshot = store.Snapshot(current.Version);
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

    /// <summary>Applies a parsed export: computes the new card set, and publishes a version when anything changed.</summary>
    public ImportOutcome Apply(IReadOnlyList<EsupCard> export, string source, DateTime nowUtc)
    {
        lock (importLock)
        {
            var holderNames = export.Where(c => c.Csn != null).Select(HolderName).Distinct().ToList();
            Dictionary<string, int> holders = store.HolderKeys(holderNames);
            var wanted = new Dictionary<string, ListCard>(StringComparer.Ordinal);
            foreach (EsupCard card in export)
            {
                CardState? state = StateMapping.Map(card.Etat, card.MotifDisable);
                if (card.Csn == null || !state.HasValue)
                {
                    continue;
                }

                wanted[card.Csn] = new ListCard(card.Csn, state.Value, holders[HolderName(card)], 0);
            }

            for (int attempt = 0; attempt < 3; attempt++)
            {
                ListVersionInfo current = store.CurrentVersion();
                Dictionary<string, ListCard> have = store.CurrentCards();
                long version = current?.Version ?? 0;
                var changes = new List<ListChange>();
                foreach (ListCard card in wanted.Values)
                {
                    if (!have.TryGetValue(card.Csn, out ListCard old) || old != card)
                    {
                        changes.Add(new ListChange(version + 1, card.Csn, card.State, card.HolderKey, card.Category));
                    }
                }

                foreach (string csn in have.Keys)
                {
                    if (!wanted.ContainsKey(csn))
                    {
                        changes.Add(new ListChange(version + 1, csn, null, 0, 0));
                    }
                }

                if (changes.Count == 0 && current != null)
                {
                    return new ImportOutcome(true, $"unchanged: {wanted.Count} cards, version {version}", version, 0, 0);
                }

                long published = store.Publish(version, nowUtc, changes, (v, cards) => encoder.Snapshot(v, nowUtc, cards), source);
                if (published > 0)
                {
                    return new ImportOutcome(true, $"published version {published}: {wanted.Count} cards, {changes.Count} changes", published, changes.Count, 0);
                }
            }

            return new ImportOutcome(false, "another gateway instance kept publishing; retry at the next import", 0, 0, 0);
        }
    }

    /// <summary>Holder key source: the eppn (one student across renewed cards), else the card itself.</summary>
    private static string HolderName(EsupCard card) => card.Eppn ?? "card:" + card.Id;
}
