namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Where a downloaded list goes: the allowlist's streaming update (issue 4), which writes the bytes to a
    /// staging file, verifies the HMAC-SHA256 over the whole list before anything is applied, then switches
    /// versions atomically. The sync core only moves bytes from the socket to here in small chunks.
    /// </summary>
    public interface IListUpdateSink
    {
        /// <summary>Version of the list in force (0 = none), sent as ?have= so the gateway can answer with a delta.</summary>
        long CurrentVersion { get; }

        /// <summary>Gateway database identity of the list in force (0 = none), sent as &amp;db= (FORMAT.md, "Versions and database identity").</summary>
        long CurrentDatabaseId { get; }

        /// <summary>Starts a new update, discarding any unfinished one. False when the store cannot start (e.g. flash error).</summary>
        bool Begin();

        /// <summary>Feeds the next bytes of the list. False when the update is already rejected (bad header, older version, too big).</summary>
        bool Write(byte[] data, int offset, int count);

        /// <summary>Ends the list: verifies authenticity and integrity and applies it atomically. False when rejected (current list kept).</summary>
        bool Commit();

        /// <summary>Abandons the update (download cut, truncated); the current list stays in force.</summary>
        void Abort();

        /// <summary>Short reason of the last rejection, for the heartbeat and the debug output (null after success).</summary>
        string LastError { get; }

        /// <summary>
        /// True after a rejection that a full snapshot would cure (a delta for another base version, or one that
        /// removes a card we do not hold): the next request then asks for a snapshot (?have=0).
        /// </summary>
        bool NeedsSnapshot { get; }
    }

    /// <summary>Which records a journal batch holds.</summary>
    public sealed class JournalBatch
    {
        /// <summary>Sequence number of the first and last record in the buffer (0 when empty).</summary>
        public long FirstSequence;
        public long LastSequence;

        /// <summary>
        /// Last sequence the batch accounts for (≥ LastSequence): records the journal could not read back (flash
        /// damage) are skipped, not left to block the upload forever. Acknowledged once LastSequence is.
        /// </summary>
        public long CoveredThroughSequence;

        /// <summary>Number of records in the batch.</summary>
        public int Count;

        /// <summary>Bytes written into the caller's buffer.</summary>
        public int Length;

        public void Clear()
        {
            FirstSequence = 0;
            LastSequence = 0;
            CoveredThroughSequence = 0;
            Count = 0;
            Length = 0;
        }
    }

    /// <summary>
    /// The journal as the uploader sees it (issue 4's journal): oldest unacknowledged records first, in their
    /// wire form, and trimming only on the platform's acknowledgement.
    /// </summary>
    public interface IJournalUploadSource
    {
        /// <summary>Records not yet acknowledged by the platform.</summary>
        int PendingCount { get; }

        /// <summary>
        /// Copies as many whole unacknowledged records as fit into buffer[offset..offset+capacity), oldest first,
        /// starting after the last acknowledged one, and describes them in <paramref name="batch"/>. Reading does
        /// not consume: the same records come back until <see cref="Acknowledge"/>.
        /// </summary>
        void ReadBatch(byte[] buffer, int offset, int capacity, JournalBatch batch);

        /// <summary>The platform has stored every record up to and including <paramref name="upToSequence"/>: they may be reclaimed.</summary>
        void Acknowledge(long upToSequence);
    }

    /// <summary>Health of the card reader for the heartbeat: "ok", "degraded: ..." or "failed: ...".</summary>
    public delegate string ReaderHealthProvider();

    /// <summary>
    /// SHA-256 and HMAC-SHA256 as the request signer needs them. The portable implementation is the allowlist's
    /// (issue 4, Terminal/Crypto); a device with hardware SHA could plug in here.
    /// </summary>
    public interface IMessageHasher : Crypto.IMacFunction
    {
        /// <summary>SHA-256 of data[offset..offset+count) into output[0..32).</summary>
        void Sha256(byte[] data, int offset, int count, byte[] output);
    }
}
