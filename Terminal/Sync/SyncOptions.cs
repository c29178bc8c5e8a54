namespace LeoCarte.Terminal.Sync
{
    /// <summary>Sync settings, from the terminal configuration (issue 6) or set by the host.</summary>
    public sealed class SyncOptions
    {
        /// <summary>Seconds between two sync cycles when all goes well (issue 5: default 60).</summary>
        public int IntervalSeconds = 60;

        /// <summary>Backoff after a failed cycle: first delay bound and cap, in ms.</summary>
        public int RetryBaseMilliseconds = 5000;
        public int RetryMaxMilliseconds = 300000;

        /// <summary>Size of the one buffer a list goes through on its way from the socket to flash.</summary>
        public int ChunkSize = 1024;

        /// <summary>Chunks moved per <see cref="SyncEngine.Step"/> while downloading, to bound the time of one step.</summary>
        public int ChunksPerStep = 8;

        /// <summary>Largest list accepted, in bytes (a 100,000-card snapshot is ≈ 1 MB).</summary>
        public long MaxListBytes = 2L * 1024 * 1024;

        /// <summary>Buffer for one journal batch upload.</summary>
        public int UploadBufferSize = 2048;

        /// <summary>Journal batches per cycle at most, so a long backlog does not delay the next list check by much.</summary>
        public int MaxBatchesPerCycle = 16;

        /// <summary>
        /// True when the transport authenticates the gateway (the device: HTTPS with the pinned CA, so the
        /// X-LeoCarte-Time header cannot be forged or replayed by the network): its time then outranks SNTP after a
        /// reboot (SyncedClock). False weighs the header like SNTP. A time carried inside a signed answer goes to
        /// SyncedClock.OfferGatewayTime(seconds, true) whatever this says.
        /// </summary>
        public bool GatewayTimeAuthenticated = true;

        /// <summary>API prefix; the full path is Prefix + "/terminals/{id}/...".</summary>
        public string ApiPrefix = "/api/v1";
    }
}
