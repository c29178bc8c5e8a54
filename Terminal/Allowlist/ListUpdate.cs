using System;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Applies a signed snapshot or delta (FORMAT.md, "Wire list") streamed in chunks of any size:
    /// <see cref="Begin"/>, <see cref="Write"/> per chunk as it arrives from HTTP, <see cref="Commit"/> (or
    /// <see cref="Abort"/>). The header is checked first (site, key id, versions, database identity) and the
    /// ECDSA P-256 signature over header and chunk manifest is verified before anything touches flash; then
    /// each body chunk is checked against its digest in the manifest before its entries are parsed and written
    /// to the slot (or overlay file) not in force. Only when every chunk verified and the structure is complete
    /// does Commit write the commit record and switch. RAM use is a few fixed buffers (header + manifest, one
    /// body chunk, two table blocks, one entry), whatever the list size. Every failure is a
    /// <see cref="ListUpdateResult"/>; the list in force is untouched by a failed update. One instance per store,
    /// reused for every update.
    /// </summary>
    public sealed partial class ListUpdate
    {
        private const int PhaseIdle = 0;
        private const int PhaseHeader = 1;
        private const int PhaseManifest = 2;
        private const int PhaseSignature = 3;
        private const int PhaseBody = 4;
        private const int PhaseComplete = 5;
        private const int PhaseFailed = 6;

        private readonly AllowlistStore store;
        private readonly uint siteId;
        private readonly ListTrust trust;
        private readonly ListHeader header = new ListHeader();

        // Header then manifest, contiguous: the signed digest is one one-shot MAC over them (native on the device).
        private readonly byte[] signedBytes;
        private readonly byte[] chunkBuffer;
        private readonly byte[] digest = new byte[32];
        private readonly byte[] signature = new byte[WireFormat.SignatureSize];
        private readonly byte[] entryBytes = new byte[EntryCodec.MaxEntrySize];
        private readonly EntryCodec wire = new EntryCodec();
        private readonly TableWriter writer;
        private readonly AllowlistCursor old = new AllowlistCursor();
        private readonly CardRecord scratchRecord = new CardRecord();
        private readonly EntryKey overlayKey = new EntryKey();
        private readonly EntryKey overlayPrevious = new EntryKey();
        private readonly byte[] overlayBuffer = new byte[256];
        private readonly byte[] overlayTrailer = new byte[OverlayFormat.TrailerSize];

        private int phase;
        private ListUpdateResult failure;
        private int filled;
        private int signedLength;
        private int chunkIndex;
        private int chunkFill;
        private int chunkLength;
        private int bodyReceived;
        private int entrySize;
        private int entriesSeen;
        private bool oldHasCurrent;
        private int targetSlot;
        private long versionAtBegin;
        private bool slotTouched;

        // Overlay mode: a small delta merged with the RAM overlay into a new overlay file.
        private bool overlayMode;
        private int overlayFile;
        private bool overlayTouched;
        private int overlayIndex;
        private int overlayFill;
        private int overlayEntries;
        private int overlayLength;
        private uint overlayCrc;
        private int listCount;

        /// <param name="store">The store to update.</param>
        /// <param name="siteId">This terminal's site: lists for other sites are refused.</param>
        /// <param name="trust">The gateway's public keys, the signature verifier, the chunk MAC and the bounds.</param>
        public ListUpdate(AllowlistStore store, uint siteId, ListTrust trust)
        {
            if (store == null || trust == null)
            {
                throw new ArgumentNullException(store == null ? "store" : "trust");
            }

            this.store = store;
            this.siteId = siteId;
            this.trust = trust;
            signedBytes = new byte[WireFormat.HeaderSize + (trust.MaxChunks * WireFormat.ChunkDigestSize)];
            chunkBuffer = new byte[trust.MaxChunkSize];
            writer = new TableWriter(store.NewTableBlockSize);
        }

        /// <summary>Kind of the list being received (valid once the header arrived).</summary>
        public ListKind Kind { get; private set; }

        /// <summary>Version announced by the header being received.</summary>
        public long ListVersion { get; private set; }

        /// <summary>Base version announced by a delta's header.</summary>
        public long BaseVersion { get; private set; }

        /// <summary>Entries declared by the header.</summary>
        public int DeclaredCount { get; private set; }

        /// <summary>The gateway database identity announced by the header (0 before it arrived).</summary>
        public long DatabaseId { get; private set; }

        /// <summary>Bytes accepted by Write since Begin.</summary>
        public long BytesReceived { get; private set; }

        /// <summary>Body chunks verified against the signed manifest since Begin (for the benchmark and tests).</summary>
        public int ChunksVerified { get; private set; }

        /// <summary>Starts receiving a list (abandoning any update in progress).</summary>
        public void Begin()
        {
            if (phase != PhaseIdle)
            {
                DiscardTarget();
            }

            phase = PhaseHeader;
            failure = ListUpdateResult.Ok;
            filled = 0;
            signedLength = WireFormat.HeaderSize;
            chunkIndex = 0;
            chunkFill = 0;
            bodyReceived = 0;
            entrySize = 0;
            entriesSeen = 0;
            oldHasCurrent = false;
            slotTouched = false;
            overlayMode = false;
            overlayTouched = false;
            Kind = 0;
            ListVersion = 0;
            BaseVersion = 0;
            DeclaredCount = 0;
            DatabaseId = 0;
            BytesReceived = 0;
            ChunksVerified = 0;
            versionAtBegin = store.Version;
        }

        /// <summary>
        /// Feeds chunk[offset..+count). Returns Ok to continue, or a failure (then sticky: later calls and Commit
        /// return it, and the partial slot is discarded): a header refusal (BadMagic, BadFormat, WrongSite,
        /// UnknownKey, VersionNotNewer, VersionJumpTooLarge, BaseMismatch, DatabaseChanged), BadSignature (before
        /// any flash write), BadChunk (a body chunk that does not match the signed manifest), a structural error of
        /// the authenticated body (BadFormat, BadDelta, LimitExceeded) or StorageError. The download can stop at once.
        /// </summary>
        public ListUpdateResult Write(byte[] chunk, int offset, int count)
        {
            if (phase == PhaseFailed)
            {
                return failure;
            }

            if (phase == PhaseIdle)
            {
                return ListUpdateResult.NotStarted;
            }

            if (chunk == null || offset < 0 || count < 0 || offset + count > chunk.Length)
            {
                return ListUpdateResult.InvalidArgument;
            }

            try
            {
                BytesReceived += count;
                return Consume(chunk, offset, count);
            }
            catch (Exception)
            {
                return Fail(ListUpdateResult.StorageError);
            }
        }

        /// <summary>
        /// Completes the new table and switches to it. Ok means the new list is in force (and survives a power cut
        /// from now on); anything else leaves the previous list in force. Every chunk was verified as it arrived:
        /// Commit only checks that the whole list arrived (Truncated otherwise).
        /// </summary>
        public ListUpdateResult Commit()
        {
            if (phase == PhaseFailed)
            {
                return failure;
            }

            if (phase == PhaseIdle)
            {
                return ListUpdateResult.NotStarted;
            }

            if (phase != PhaseComplete)
            {
                return Fail(ListUpdateResult.Truncated);
            }

            if (store.Version != versionAtBegin)
            {
                return Fail(ListUpdateResult.Superseded);
            }

            try
            {
                if (overlayMode)
                {
                    return CommitOverlay();
                }

                if (Kind == ListKind.Delta)
                {
                    while (oldHasCurrent)
                    {
                        ListUpdateResult copied = CopyOld();
                        if (copied != ListUpdateResult.Ok)
                        {
                            return Fail(copied);
                        }
                    }
                }

                writer.Finish(siteId, ListVersion, header.IssuedUnixSeconds, header.KeyVersion, header.PreviousKeyVersion, header.DatabaseId);
                if (!store.Switch(targetSlot))
                {
                    return Fail(ListUpdateResult.StorageError);
                }
            }
            catch (Exception)
            {
                return Fail(ListUpdateResult.StorageError);
            }

            phase = PhaseIdle;
            return ListUpdateResult.Ok;
        }

        /// <summary>Abandons the update and frees the partial slot; the list in force is unchanged.</summary>
        public void Abort()
        {
            if (phase != PhaseIdle)
            {
                DiscardTarget();
            }

            phase = PhaseIdle;
        }

        private ListUpdateResult Fail(ListUpdateResult result)
        {
            phase = PhaseFailed;
            failure = result;
            DiscardTarget();
            return result;
        }

        private void DiscardTarget()
        {
            if (overlayTouched)
            {
                overlayTouched = false;
                try
                {
                    store.Files.Delete(store.OverlayName(overlayFile));
                }
                catch (Exception)
                {
                    // An overlay file without its trailer is ignored and deleted at boot.
                }
            }

            if (!slotTouched)
            {
                return;
            }

            slotTouched = false;
            try
            {
                if (store.ActiveSlot != targetSlot)
                {
                    store.DeleteSlot(targetSlot);
                }
            }
            catch (Exception)
            {
                // Boot recovery deletes an invalid slot.
            }
        }
    }
}
