using System;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>Where a sync cycle is.</summary>
    public enum SyncPhase
    {
        /// <summary>Waiting for the next cycle (interval or backoff).</summary>
        Idle = 0,
        /// <summary>Asking the gateway for a list newer than ours.</summary>
        ListRequest = 1,
        /// <summary>Streaming the list body into the allowlist update, a few chunks per step.</summary>
        ListDownload = 2,
        /// <summary>Uploading journal batches, one per step.</summary>
        JournalUpload = 3,
        /// <summary>Sending the heartbeat.</summary>
        Heartbeat = 4,
    }

    /// <summary>What one <see cref="SyncEngine.Step"/> did.</summary>
    public enum SyncStepResult
    {
        /// <summary>Nothing due.</summary>
        Idle = 0,
        /// <summary>Did part of a cycle; call again.</summary>
        Working = 1,
        /// <summary>A cycle ended with every phase successful.</summary>
        CycleCompleted = 2,
        /// <summary>A cycle ended early or with a rejected list; the next one waits for the backoff delay.</summary>
        CycleFailed = 3,
        /// <summary>The network link is down; the Wi-Fi supervisor is retrying.</summary>
        NoNetwork = 4,
    }

    /// <summary>Counters for the heartbeat, the debug output and tests.</summary>
    public sealed class SyncStatistics
    {
        public int CyclesCompleted;
        public int CyclesFailed;
        public int ListsApplied;
        public int ListsRejected;
        public int ListsUpToDate;

        /// <summary>204 answers whose proof was missing, forged or for another request: the list was not confirmed.</summary>
        public int UpToDateUnproven;

        /// <summary>Gateway time (Unix seconds) of the last proven "up to date" answer, authenticated by the proof; -1 before.</summary>
        public long LastProvenGatewayTime = -1;
        public long ListBytesReceived;
        public int BatchesUploaded;
        public long RecordsAcknowledged;
        public int HeartbeatsSent;
        public int AuthenticationRetries;

        /// <summary>Largest single chunk handed to the list sink (bounded by <see cref="SyncOptions.ChunkSize"/>).</summary>
        public int LargestChunk;

        /// <summary>Reason of the last failure (null after a clean cycle).</summary>
        public string LastError;

        /// <summary>Monotonic time of the last completed cycle, or -1.</summary>
        public long LastSuccessMilliseconds = -1;
    }

    /// <summary>
    /// The terminal's sync client (issue 5), as a state machine advanced by <see cref="Step"/>. One cycle:
    /// (1) GET the list with ?have=current version: 204 = up to date, 200 = a delta or snapshot streamed chunk
    /// by chunk into the allowlist update, which verifies and applies it atomically; (2) POST unacknowledged
    /// journal batches, trimming only what the gateway acknowledges; (3) POST a heartbeat. A cycle runs at boot,
    /// then every <see cref="SyncOptions.IntervalSeconds"/>; a failed cycle retries after an exponential backoff
    /// with jitter. Every response's X-LeoCarte-Time header is offered to the clock.
    ///
    /// Each step does a bounded amount of work (one HTTP exchange, or a few chunks of a download) and allocates
    /// nothing per chunk: the device runs Step in a loop on its sync thread, the host tests step it
    /// deterministically. It never throws for network or data problems: they are result codes and
    /// <see cref="SyncStatistics.LastError"/>.
    /// </summary>
    public sealed partial class SyncEngine
    {
        public const string TimeHeader = "X-LeoCarte-Time";
        public const string ListVersionHeader = "X-LeoCarte-List-Version";
        public const string ListDatabaseHeader = "X-LeoCarte-List-Database";

        private readonly IHttpTransport transport;
        private readonly RequestSigner signer;
        private readonly SyncedClock clock;
        private readonly IListUpdateSink list;
        private readonly IAllowlist allowlist;
        private readonly IJournalUploadSource journal;
        private readonly WifiSupervisor wifi;
        private readonly SyncOptions options;
        private readonly ReaderHealthProvider readerHealth;
        private readonly Backoff backoff;
        private readonly SyncStatistics statistics = new SyncStatistics();

        private readonly HttpRequest request = new HttpRequest();
        private readonly byte[] chunk;
        private readonly byte[] uploadBuffer;
        private readonly byte[] smallBuffer = new byte[640];
        private readonly JournalBatch batch = new JournalBatch();
        private readonly long bootMilliseconds;

        private SyncPhase phase = SyncPhase.Idle;
        private bool due = true; // a sync at boot
        private long nextDueMilliseconds;
        private bool cycleHadError;
        private IHttpResponse download;
        private long downloadDeclaredLength;
        private long downloadReceived;
        private int batchesThisCycle;
        private ulong nonceState;
        private long requestNonce;

        public SyncEngine(
            IHttpTransport transport,
            RequestSigner signer,
            SyncedClock clock,
            IListUpdateSink list,
            IAllowlist allowlist,
            IJournalUploadSource journal,
            WifiSupervisor wifi,
            SyncOptions options,
            ReaderHealthProvider readerHealth,
            uint seed)
        {
            this.transport = transport;
            this.signer = signer;
            this.clock = clock;
            this.list = list;
            this.allowlist = allowlist;
            this.journal = journal;
            this.wifi = wifi;
            this.options = options == null ? new SyncOptions() : options;
            this.readerHealth = readerHealth;
            backoff = new Backoff(seed);
            backoff.BaseMilliseconds = this.options.RetryBaseMilliseconds;
            backoff.MaxMilliseconds = this.options.RetryMaxMilliseconds;
            chunk = new byte[this.options.ChunkSize];
            uploadBuffer = new byte[this.options.UploadBufferSize];
            bootMilliseconds = clock.MonotonicMilliseconds;

            // Nonces of the list request (what a signed "up to date" answers to): they must not repeat across
            // boots, so the seed is mixed with the wall clock and uptime (xorshift64 afterwards, Marsaglia 2003).
            nonceState = ((ulong)seed << 32) ^ (ulong)clock.UtcNow.Ticks ^ (ulong)bootMilliseconds ^ 0x9E3779B97F4A7C15UL;
        }

        public SyncPhase Phase => phase;

        /// <summary>
        /// Called when the gateway confirmed that the list in force is current (204, or a new list applied): the
        /// decision engine's staleness clock (DecisionEngine.NoteListConfirmed) hangs here.
        /// </summary>
        public Action ListConfirmed;

        public SyncStatistics Statistics => statistics;

        public Backoff Backoff => backoff;

        /// <summary>Asks for a cycle as soon as possible (e.g. the journal is filling up, or a technician pressed "sync").</summary>
        public void RequestSyncNow()
        {
            due = true;
        }

        /// <summary>Milliseconds until the next step has work (0 = call Step now). The device thread sleeps this long, capped.</summary>
        public long MillisecondsUntilDue()
        {
            if (phase != SyncPhase.Idle || due)
            {
                return 0;
            }

            long wait = nextDueMilliseconds - clock.MonotonicMilliseconds;
            return wait < 0 ? 0 : wait;
        }

        /// <summary>Advances the state machine by one bounded piece of work.</summary>
        public SyncStepResult Step()
        {
            long now = clock.MonotonicMilliseconds;
            switch (phase)
            {
                case SyncPhase.Idle:
                    if (!due && now < nextDueMilliseconds)
                    {
                        return SyncStepResult.Idle;
                    }

                    if (wifi != null && !wifi.Step(now))
                    {
                        // Not a sync failure: the supervisor has its own backoff. Look again when it retries.
                        long wait = wifi.MillisecondsUntilRetry(now);
                        nextDueMilliseconds = now + (wait < 1000 ? 1000 : wait);
                        due = false;
                        statistics.LastError = "no network";
                        return SyncStepResult.NoNetwork;
                    }

                    due = false;
                    cycleHadError = false;
                    batchesThisCycle = 0;
                    phase = SyncPhase.ListRequest;
                    return SyncStepResult.Working;

                case SyncPhase.ListRequest:
                    return StepListRequest();

                case SyncPhase.ListDownload:
                    return StepListDownload();

                case SyncPhase.JournalUpload:
                    return StepJournalUpload();

                case SyncPhase.Heartbeat:
                    return StepHeartbeat();
            }

            return SyncStepResult.Idle;
        }

        private SyncStepResult EndCycle()
        {
            phase = SyncPhase.Idle;
            long now = clock.MonotonicMilliseconds;
            if (cycleHadError)
            {
                statistics.CyclesFailed++;
                nextDueMilliseconds = now + backoff.NextDelay();
                return SyncStepResult.CycleFailed;
            }

            statistics.CyclesCompleted++;
            statistics.LastError = null;
            statistics.LastSuccessMilliseconds = now;
            backoff.Reset();
            nextDueMilliseconds = now + options.IntervalSeconds * 1000L;
            return SyncStepResult.CycleCompleted;
        }

        private SyncStepResult Fail(string reason)
        {
            if (download != null)
            {
                EndDownload(true);
            }

            statistics.LastError = reason;
            statistics.CyclesFailed++;
            phase = SyncPhase.Idle;
            nextDueMilliseconds = clock.MonotonicMilliseconds + backoff.NextDelay();
            return SyncStepResult.CycleFailed;
        }

        /// <summary>A stamp this far from the gateway's time is worth one immediate retry after a 401 (API.md's window is wider).</summary>
        private const long StampRetrySeconds = 30;

        /// <summary>
        /// Signs and sends one request. A 401 whose time header moved our clock (an unsynced terminal at boot
        /// signs with a 1970 timestamp) is retried once at once with the corrected time.
        /// </summary>
        private TransportResult Exchange(string method, string path, byte[] body, int bodyLength, string contentType, out IHttpResponse response)
        {
            response = null;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                request.Reset(method, path);
                if (body != null)
                {
                    request.SetBody(body, 0, bodyLength, contentType);
                }

                long stamp = clock.RequestUnixSeconds;
                if (!signer.Sign(request, stamp))
                {
                    return TransportResult.Failed;
                }

                TransportResult sent = transport.Send(request, out response);
                if (sent != TransportResult.Ok)
                {
                    response = null;
                    return sent;
                }

                clock.OfferGatewayTime(Ascii.ParseNonNegative(response.Header(TimeHeader)), options.GatewayTimeAuthenticated);

                // Retry a 401 once when the gateway's clock, now seen, is far from the stamp we signed with (a
                // terminal at boot signs with 1970; a terminal whose own clock runs away keeps the gateway's).
                long stampError = clock.RequestUnixSeconds - stamp;
                bool stampWasOff = stampError > StampRetrySeconds || stampError < -StampRetrySeconds;
                if (response.StatusCode != 401 || !stampWasOff || attempt == 1)
                {
                    return TransportResult.Ok;
                }

                statistics.AuthenticationRetries++;
                response.Close();
                response = null;
            }

            return TransportResult.Failed;
        }

        /// <summary>Reads a short response body into <see cref="smallBuffer"/> and closes the response; returns its length or -1.</summary>
        private int ReadSmallBody(IHttpResponse response)
        {
            int total = 0;
            while (total < smallBuffer.Length)
            {
                int read = response.Read(smallBuffer, total, smallBuffer.Length - total);
                if (read < 0)
                {
                    total = -1;
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            response.Close();
            return total;
        }

        private static string TransportText(TransportResult result)
        {
            switch (result)
            {
                case TransportResult.NoNetwork:
                    return "no network";
                case TransportResult.ConnectFailed:
                    return "connection failed";
                case TransportResult.TlsFailed:
                    return "TLS failed";
                case TransportResult.Timeout:
                    return "timeout";
                default:
                    return "transport failed";
            }
        }
    }
}
