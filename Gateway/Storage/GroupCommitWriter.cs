using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace LeoCarte.Gateway.Storage;

/// <summary>
/// Group commit for the terminals' writes (issue 15): journal uploads and heartbeats arriving together are
/// stored in one transaction, and each request is answered only after that transaction committed, so
/// "acknowledged = durable" holds exactly as with one transaction per request while the fsync (SQLite
/// synchronous=FULL, PostgreSQL synchronous_commit=on) is paid once per group instead of once per request.
/// The request handlers await it (no thread blocked on the database). One writer: SQLite has one writer anyway,
/// and on PostgreSQL one stream of large commits beats many small ones competing for the WAL.
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly IGatewayStore store;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;

    /// <summary>At most this many requests share one commit (bounds a transaction's size and its latency).</summary>
    public int MaxGroup { get; init; } = 256;

    /// <summary>Commits made and requests they carried (printed by Tools/GatewayLoad).</summary>
    public long Commits => Interlocked.Read(ref commits);

    public long Requests => Interlocked.Read(ref requests);

    private long commits;
    private long requests;

    public GroupCommitWriter(IGatewayStore store)
    {
        this.store = store;
        loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Stores a terminal's batch and its records' verdicts (may be null); completes after the commit that holds them.</summary>
    public Task<JournalStoreResult> StoreJournalAsync(string terminalId, IReadOnlyList<StoredJournalRecord> records, IReadOnlyList<JournalVerdict> verdicts = null)
    {
        var pending = new Pending(new JournalUpload(terminalId, records, verdicts), null);
        Enqueue(pending);
        return pending.Done.Task;
    }

    /// <summary>Records a heartbeat; completes after the commit that holds it.</summary>
    public Task RecordHeartbeatAsync(TerminalRow heartbeat)
    {
        var pending = new Pending(null, heartbeat);
        Enqueue(pending);
        return pending.Done.Task;
    }

    private void Enqueue(Pending pending)
    {
        if (!queue.Writer.TryWrite(pending))
        {
            pending.Done.TrySetException(new ObjectDisposedException(nameof(GroupCommitWriter)));
        }
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>();
        var uploads = new List<JournalUpload>();
        var uploadOwners = new List<Pending>();
        var heartbeats = new List<TerminalRow>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && queue.Reader.TryRead(out Pending item))
            {
                group.Add(item);
            }

            uploads.Clear();
            uploadOwners.Clear();
            heartbeats.Clear();
            foreach (Pending item in group)
            {
                if (item.Upload != null)
                {
                    uploads.Add(item.Upload);
                    uploadOwners.Add(item);
                }
                else
                {
                    heartbeats.Add(item.Heartbeat);
                }
            }

            try
            {
                JournalStoreResult[] results = store.StoreBatch(uploads, heartbeats);
                Interlocked.Increment(ref commits);
                Interlocked.Add(ref requests, group.Count);
                for (int i = 0; i < uploadOwners.Count; i++)
                {
                    uploadOwners[i].Done.TrySetResult(results[i]);
                }

                foreach (Pending item in group)
                {
                    item.Done.TrySetResult(null);
                }
            }
            catch (Exception groupFailure) when (group.Count > 1)
            {
                // Nothing of the group was committed (one transaction). Store each request alone so one
                // request's failure (a database error on its rows) is answered as its own 500, not everyone's.
                _ = groupFailure;
                foreach (Pending item in group)
                {
                    try
                    {
                        JournalStoreResult[] alone = store.StoreBatch(
                            item.Upload != null ? new[] { item.Upload } : Array.Empty<JournalUpload>(),
                            item.Heartbeat != null ? new[] { item.Heartbeat } : Array.Empty<TerminalRow>());
                        Interlocked.Increment(ref commits);
                        Interlocked.Increment(ref requests);
                        item.Done.TrySetResult(item.Upload != null ? alone[0] : null);
                    }
                    catch (Exception e)
                    {
                        item.Done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                foreach (Pending item in group)
                {
                    item.Done.TrySetException(e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Requests already queued are still committed and answered.
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private sealed record Pending(JournalUpload Upload, TerminalRow Heartbeat)
    {
        public TaskCompletionSource<JournalStoreResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
