namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// Settings of the application loop that the configuration file does not carry (compiled-in; the virtual
    /// terminal and tests change them). Defaults are the device's.
    /// </summary>
    public sealed class ApplicationOptions
    {
        /// <summary>
        /// Pause between two reader polls. 20 ms: an empty poll costs ≈ 1 ms of SPI, so the reader is busy ≈ 5 % of
        /// the time, and a card waits 10 ms on average before it is seen (cost-model.md adds half the interval).
        /// </summary>
        public int PollIntervalMilliseconds = 20;

        /// <summary>Price journaled for a restaurant meal (the window's price), in cents.</summary>
        public int MealPriceCents = 100;

        /// <summary>Credit of one sale on a pulse-credit vending machine, in cents, and the item code journaled.</summary>
        public int VendPriceCents = 100;
        public int VendItemCode = 1;

        /// <summary>Journal records the terminal holds before it must upload (flash: 32 bytes each).</summary>
        public int JournalCapacity = 4096;

        /// <summary>A loop iteration longer than this counts as a stall; no iteration for this long reboots.</summary>
        public int WatchdogStallMilliseconds = 1000;
        public int WatchdogRebootMilliseconds = 30000;

        /// <summary>Reader errors with a card in the field are journaled (ReaderError) at most this often.</summary>
        public int ReaderErrorJournalMilliseconds = 2000;

        /// <summary>Consecutive failed polls after which the display says the reader is out of service.</summary>
        public int ReaderDownAfterErrors = 25;

        /// <summary>How long a tap's message stays on the display once the card has left.</summary>
        public int MessageHoldMilliseconds = 3000;

        /// <summary>How often the idle LED code is re-evaluated from the components' state.</summary>
        public int StatusRefreshMilliseconds = 5000;

        /// <summary>
        /// Idle iterations (empty field) run one slice of the allowlist's flash scrub at most this often: one block read
        /// and one CRC check of ≈ 250 bytes (≈ 2,600 IL, ≈ 5 ms on the device). 100 ms: one idle iteration in five at
        /// the 20 ms poll interval, so the longer iteration adds ≈ 0.6 ms to the average wait before a card is seen,
        /// and a 2 KB block is re-verified every ≈ 0.9 s of idle time (a 100,000-card table, 422 blocks, every ≈ 6.5 min).
        /// </summary>
        public int ListScrubIntervalMilliseconds = 100;

        /// <summary>Seed of the sync backoff jitter (per terminal on the device: spreads a fleet's retries).</summary>
        public uint SyncSeed = 1;

        /// <summary>
        /// The request signer's SHA-256 and HMAC-SHA256; null = the portable subset code (Terminal/Crypto), as on the
        /// host and on nanoCLR. The device passes Terminal/Device/Sync/NativeMessageHasher: HMAC-SHA256 by
        /// nanoFramework's native HMACSHA256 (System.Security.Cryptography 1.0.43), about 280,000 interpreted IL
        /// instructions less per KB signed (Tools/InterpreterBenchmark).
        /// </summary>
        public LeoCarte.Terminal.Sync.IMessageHasher MessageHasher;

        /// <summary>
        /// Verifies the gateway's ECDSA P-256 list signatures (Allowlist/ListTrust); null = the portable
        /// Allowlist/EcdsaListSignatureVerifier (subset ECDSA of Terminal/Crypto), as on the device. Tests may pass
        /// another implementation (.NET's ECDsa) to check it against.
        /// </summary>
        public LeoCarte.Terminal.Allowlist.IListSignatureVerifier ListSignatureVerifier;
        /// Four AES-128 block ciphers for policy desfire-aes (the DESFire session's card key, encryption and MAC keys,
        /// and the AN10922 key diversification); null = the portable subset AES (Drivers/Desfire/Aes128), as on the host
        /// and on nanoCLR. The device passes Drivers/Device/NativeAesBlockCipher (mbedTLS): about 208,000 interpreted IL
        /// instructions less per tap (Tools/DesfireOpCount).
        /// </summary>
        public LeoCarte.Drivers.Desfire.IBlockCipher[] CardCiphers;

        /// <summary>The source of DESFire authentication challenges; null = <see cref="ChallengeGenerator"/> seeded at boot.</summary>
        public IChallengeSource Challenges;

        /// <summary>Sync options (interval from the configuration); null = defaults.</summary>
        public LeoCarte.Terminal.Sync.SyncOptions Sync;
    }
}
