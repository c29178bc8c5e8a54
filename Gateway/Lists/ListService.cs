using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Gateway.Lists;

/// <summary>
/// Versions, deltas and snapshots. An import that changes anything publishes version N+1 (strictly
/// increasing; the terminal refuses anything not newer than what it holds) with its changes and its signed
/// snapshot. A terminal at version h gets the delta h→N when the changes since h are still kept and the delta
/// is smaller than the snapshot, the snapshot otherwise. Deltas are built once per (h, N) and cached.
/// </summary>
public sealed partial class ListService
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

}
