using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;

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
    public sealed class ListUpdate
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

        private ListUpdateResult Consume(byte[] chunk, int offset, int count)
        {
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                switch (phase)
                {
                    case PhaseHeader:
                    case PhaseManifest:
                    case PhaseSignature:
                        {
                            int take = (phase == PhaseSignature ? WireFormat.SignatureSize : signedLength) - filled;
                            if (take > end - i)
                            {
                                take = end - i;
                            }

                            Array.Copy(chunk, i, phase == PhaseSignature ? signature : signedBytes, filled, take);
                            filled += take;
                            i += take;
                            ListUpdateResult stepped = AfterPrefixBytes();
                            if (stepped != ListUpdateResult.Ok)
                            {
                                return Fail(stepped);
                            }

                            break;
                        }

                    case PhaseBody:
                        {
                            int take = chunkLength - chunkFill;
                            if (take > end - i)
                            {
                                take = end - i;
                            }

                            Array.Copy(chunk, i, chunkBuffer, chunkFill, take);
                            chunkFill += take;
                            i += take;
                            if (chunkFill == chunkLength)
                            {
                                ListUpdateResult verified = VerifyAndApplyChunk();
                                if (verified != ListUpdateResult.Ok)
                                {
                                    return Fail(verified);
                                }
                            }

                            break;
                        }

                    default:
                        // Bytes after the body: not a list this format produces.
                        return Fail(ListUpdateResult.BadFormat);
                }
            }

            return ListUpdateResult.Ok;
        }

        /// <summary>Moves through header, manifest and signature as each completes.</summary>
        private ListUpdateResult AfterPrefixBytes()
        {
            if (phase == PhaseHeader)
            {
                if (filled >= 4 && BigEndian.ReadUInt32(signedBytes, WireFormat.OffsetMagic) != WireFormat.Magic)
                {
                    return ListUpdateResult.BadMagic;
                }

                if (filled < WireFormat.HeaderSize)
                {
                    return ListUpdateResult.Ok;
                }

                ListUpdateResult checkedHeader = CheckHeader();
                if (checkedHeader != ListUpdateResult.Ok)
                {
                    return checkedHeader;
                }

                signedLength = WireFormat.HeaderSize + (header.ChunkCount * WireFormat.ChunkDigestSize);
                phase = PhaseManifest;
            }

            if (phase == PhaseManifest)
            {
                if (filled < signedLength)
                {
                    return ListUpdateResult.Ok;
                }

                filled = 0;
                phase = PhaseSignature;
                return ListUpdateResult.Ok;
            }

            if (filled < WireFormat.SignatureSize)
            {
                return ListUpdateResult.Ok;
            }

            // The signed digest: HMAC-SHA256 under a public domain key, used as a hash (FORMAT.md, "Signature").
            trust.Mac.HmacSha256(WireFormat.SignedDomainKey, signedBytes, 0, signedLength, digest);
            if (!trust.Verifier.Verify(trust.Find(header.KeyId).PublicKey, digest, signature, 0))
            {
                return ListUpdateResult.BadSignature;
            }

            // Authentic from here on: now the flash may be prepared.
            ListUpdateResult prepared = PrepareTarget();
            if (prepared != ListUpdateResult.Ok)
            {
                return prepared;
            }

            filled = 0;
            entrySize = 0;
            wire.Key.Clear();
            StartChunk();
            return ListUpdateResult.Ok;
        }

        /// <summary>The next body chunk's length, or the end of the body.</summary>
        private void StartChunk()
        {
            chunkFill = 0;
            int left = header.BodyLength - bodyReceived;
            if (left == 0)
            {
                phase = PhaseComplete;
                return;
            }

            chunkLength = left < header.ChunkSize ? left : header.ChunkSize;
            phase = PhaseBody;
        }

        /// <summary>
        /// Checks the chunk against its digest in the signed manifest (one-shot MAC: native on the device) and
        /// only then parses its entries. A tampered chunk stops the update: BadChunk, nothing committed.
        /// </summary>
        private ListUpdateResult VerifyAndApplyChunk()
        {
            trust.Mac.HmacSha256(WireFormat.ChunkDomainKey, chunkBuffer, 0, chunkLength, digest);
            int at = WireFormat.HeaderSize + (chunkIndex * WireFormat.ChunkDigestSize);
            if (!FixedTime.AreEqual(digest, 0, signedBytes, at, WireFormat.ChunkDigestSize))
            {
                return ListUpdateResult.BadChunk;
            }

            ChunksVerified++;
            chunkIndex++;
            bodyReceived += chunkLength;
            ListUpdateResult parsed = ParseEntries(chunkBuffer, 0, chunkLength);
            if (parsed != ListUpdateResult.Ok)
            {
                return parsed;
            }

            StartChunk();
            if (phase == PhaseComplete && (entriesSeen != DeclaredCount || filled != 0))
            {
                // The signed body ends inside an entry or holds fewer entries than the header declares.
                return ListUpdateResult.BadFormat;
            }

            return ListUpdateResult.Ok;
        }

        /// <summary>Parses verified body bytes entry by entry (an entry may straddle two chunks).</summary>
        private ListUpdateResult ParseEntries(byte[] data, int offset, int count)
        {
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                if (entriesSeen == DeclaredCount)
                {
                    // Bytes after the declared entries.
                    return ListUpdateResult.BadFormat;
                }

                if (entrySize == 0)
                {
                    // Tag (and length byte of a full key) one at a time until the size is known...
                    entryBytes[filled++] = data[i++];
                    entrySize = EntryCodec.Measure(entryBytes, 0, filled);
                    if (entrySize < 0)
                    {
                        return ListUpdateResult.BadFormat;
                    }
                }
                else
                {
                    // ...then the rest of the entry in one copy: per-entry, not per-byte, work on the device.
                    int take = entrySize - filled;
                    if (take > end - i)
                    {
                        take = end - i;
                    }

                    Array.Copy(data, i, entryBytes, filled, take);
                    filled += take;
                    i += take;
                }

                if (entrySize > 0 && filled == entrySize)
                {
                    ListUpdateResult result = ApplyEntry();
                    if (result != ListUpdateResult.Ok)
                    {
                        return result;
                    }

                    filled = 0;
                    entrySize = 0;
                    entriesSeen++;
                }
            }

            return ListUpdateResult.Ok;
        }

        /// <summary>
        /// Header checks, before the signature is verified (the header is not authenticated yet: a forged one can
        /// make us refuse, never accept, and nothing has touched flash).
        /// </summary>
        private ListUpdateResult CheckHeader()
        {
            ListUpdateResult read = ListHeader.Read(signedBytes, 0, WireFormat.HeaderSize, header);
            if (read != ListUpdateResult.Ok)
            {
                return read;
            }

            Kind = header.Kind;
            ListVersion = header.Version;
            BaseVersion = header.BaseVersion;
            DeclaredCount = header.EntryCount;
            DatabaseId = header.DatabaseId;
            if (header.ChunkSize > trust.MaxChunkSize || header.ChunkCount > trust.MaxChunks)
            {
                return ListUpdateResult.LimitExceeded;
            }

            if (header.SiteId != siteId)
            {
                return ListUpdateResult.WrongSite;
            }

            if (trust.Find(header.KeyId) == null)
            {
                return ListUpdateResult.UnknownKey;
            }

            return ListVersionRules.Check(header, store.Version, store.DatabaseId, store.IssuedUnixSeconds, trust.MaxVersionJump);
        }

        /// <summary>Opens the overlay file or table slot the list is written to (after the signature verified).</summary>
        private ListUpdateResult PrepareTarget()
        {
            // A delta that fits in the overlay with the changes already there is written as a new overlay file
            // (a few KB); a snapshot, a delta that would overflow it, or a delta changing the DESFire key versions
            // (kept in the table header; the overlay trailer has no room for them) as a new table in the other slot.
            Overlay current = store.CurrentOverlay;
            bool sameKeyVersions = header.KeyVersion == store.KeyVersion && header.PreviousKeyVersion == store.PreviousKeyVersion;
            if (Kind == ListKind.Delta && store.ActiveSlot >= 0 && sameKeyVersions && current.Count + DeclaredCount <= current.Capacity)
            {
                overlayMode = true;
                overlayFile = store.OverlayTarget;
                overlayTouched = true;
                store.Files.Delete(store.OverlayName(overlayFile));
                overlayIndex = 0;
                overlayFill = 0;
                overlayEntries = 0;
                overlayLength = 0;
                overlayCrc = 0;
                overlayPrevious.Clear();
                listCount = store.Count;
                return ListUpdateResult.Ok;
            }

            targetSlot = store.ActiveSlot == 0 ? 1 : 0;
            slotTouched = true;
            writer.Start(store.Files, store.IndexName(targetSlot), store.DataName(targetSlot));
            if (Kind == ListKind.Delta)
            {
                store.OpenCursor(old);
                oldHasCurrent = old.MoveNext();
                if (old.IsCorrupt)
                {
                    return ListUpdateResult.StorageError;
                }
            }

            return ListUpdateResult.Ok;
        }

        private ListUpdateResult ApplyEntry()
        {
            if (!wire.Decode(entryBytes, 0, entrySize, Kind == ListKind.Delta))
            {
                return ListUpdateResult.BadFormat;
            }

            if (Kind == ListKind.Snapshot)
            {
                return writer.Add(wire.Key, wire.State, wire.HolderKey, wire.Category, wire.Family);
            }

            if (overlayMode)
            {
                return ApplyToOverlay();
            }

            // Delta: merge with the table in force, both in UID order.
            while (oldHasCurrent && old.Key.CompareTo(wire.Key) < 0)
            {
                ListUpdateResult copied = CopyOld();
                if (copied != ListUpdateResult.Ok)
                {
                    return copied;
                }
            }

            bool present = oldHasCurrent && old.Key.CompareTo(wire.Key) == 0;
            if (present)
            {
                oldHasCurrent = old.MoveNext();
                if (old.IsCorrupt)
                {
                    return ListUpdateResult.StorageError;
                }
            }

            if (wire.IsRemoval)
            {
                return present ? ListUpdateResult.Ok : ListUpdateResult.BadDelta;
            }

            return writer.Add(wire.Key, wire.State, wire.HolderKey, wire.Category, wire.Family);
        }

        private ListUpdateResult ApplyToOverlay()
        {
            bool lookupFailed;
            bool present = store.Contains(wire.Key, scratchRecord, out lookupFailed);
            if (lookupFailed)
            {
                return ListUpdateResult.StorageError;
            }

            if (wire.IsRemoval)
            {
                if (!present)
                {
                    return ListUpdateResult.BadDelta;
                }

                listCount--;
            }
            else if (!present)
            {
                listCount++;
            }

            // Merge: overlay entries below this key are kept, an overlay entry for this key is replaced.
            Overlay current = store.CurrentOverlay;
            while (overlayIndex < current.Count && current.CompareAt(overlayIndex, wire.Key) < 0)
            {
                CopyOverlayEntry(overlayIndex++);
            }

            if (overlayIndex < current.Count && current.CompareAt(overlayIndex, wire.Key) == 0)
            {
                overlayIndex++;
            }

            EmitOverlay(wire.Key, wire.IsRemoval ? Overlay.Removed : (int)wire.State, wire.HolderKey, wire.Category, wire.Family);
            return ListUpdateResult.Ok;
        }

        private void CopyOverlayEntry(int index)
        {
            Overlay current = store.CurrentOverlay;
            current.CopyKey(index, overlayKey);
            EmitOverlay(overlayKey, current.StateAt(index), current.HolderAt(index), current.CategoryAt(index), current.FamilyAt(index));
        }

        private void EmitOverlay(EntryKey key, int state, int holderKey, byte category, CardFamily family)
        {
            if (overlayFill + EntryCodec.MaxEntrySize > overlayBuffer.Length)
            {
                FlushOverlay();
            }

            bool removal = state == Overlay.Removed;
            int size = EntryCodec.Encode(overlayBuffer, overlayFill, overlayPrevious, key.Bytes, 0, key.Length,
                removal ? CardState.Active : (CardState)state, holderKey, category, family, removal);
            overlayFill += size;
            overlayEntries++;
            overlayPrevious.CopyFrom(key);
        }

        private void FlushOverlay()
        {
            if (overlayFill == 0)
            {
                return;
            }

            store.Files.Append(store.OverlayName(overlayFile), overlayBuffer, 0, overlayFill);
            overlayCrc = Crc32.Append(overlayCrc, overlayBuffer, 0, overlayFill);
            overlayLength += overlayFill;
            overlayFill = 0;
        }

        /// <summary>Completes the overlay file; its trailer (with the CRC of the whole file) is the commit point.</summary>
        private ListUpdateResult CommitOverlay()
        {
            Overlay current = store.CurrentOverlay;
            while (overlayIndex < current.Count)
            {
                CopyOverlayEntry(overlayIndex++);
            }

            FlushOverlay();
            OverlayFormat.WriteTrailer(overlayTrailer, store.TableVersion, ListVersion, header.IssuedUnixSeconds, listCount, overlayEntries, overlayLength);
            overlayCrc = Crc32.Append(overlayCrc, overlayTrailer, 0, OverlayFormat.OffsetCrc);
            BigEndian.WriteUInt32(overlayTrailer, OverlayFormat.OffsetCrc, overlayCrc);
            store.Files.Append(store.OverlayName(overlayFile), overlayTrailer, 0, OverlayFormat.TrailerSize);
            if (!store.AdoptOverlay(overlayFile))
            {
                return Fail(ListUpdateResult.StorageError);
            }

            overlayTouched = false;
            phase = PhaseIdle;
            return ListUpdateResult.Ok;
        }

        private ListUpdateResult CopyOld()
        {
            ListUpdateResult added = writer.Add(old.Key, old.State, old.HolderKey, old.Category, old.Family);
            if (added != ListUpdateResult.Ok)
            {
                return added;
            }

            oldHasCurrent = old.MoveNext();
            return old.IsCorrupt ? ListUpdateResult.StorageError : ListUpdateResult.Ok;
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
