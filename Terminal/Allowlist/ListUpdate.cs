using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Applies a signed snapshot or delta streamed in chunks of any size: <see cref="Begin"/>, <see cref="Write"/>
    /// per chunk as it arrives from HTTP, <see cref="Commit"/> (or <see cref="Abort"/>). The new table is written
    /// to the slot not in force while the stream is parsed and the HMAC computed; only when the tag verifies
    /// and the structure is complete does Commit write the slot's commit record and switch. RAM use is a few
    /// fixed buffers (two blocks, one entry, the header and tag), whatever the list size. Every failure is a
    /// <see cref="ListUpdateResult"/>; the list in force is untouched by a failed update. One instance per
    /// store, reused for every update.
    /// </summary>
    public sealed class ListUpdate
    {
        private const int PhaseIdle = 0;
        private const int PhaseHeader = 1;
        private const int PhaseBody = 2;
        private const int PhaseTag = 3;
        private const int PhaseComplete = 4;
        private const int PhaseFailed = 5;

        /// <summary>The body broke the format: the rest is only hashed, so Commit can tell forgery from a bad list.</summary>
        private const int PhaseDraining = 6;

        private readonly AllowlistStore store;
        private readonly uint siteId;
        private readonly HmacSha256 mac = new HmacSha256();
        private readonly byte[] headerBytes = new byte[WireFormat.HeaderSize];
        private readonly byte[] tag = new byte[WireFormat.TagSize];

        // The last 32 bytes received, not yet hashed: the HMAC always lags the stream by the tag's length, so
        // it covers exactly "everything but the last 32 bytes" whatever the parser made of them.
        private readonly byte[] window = new byte[WireFormat.TagSize];
        private int windowFill;
        private ListUpdateResult pendingFailure;
        private readonly byte[] expectedTag = new byte[WireFormat.TagSize];
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
        /// <param name="siteKey">The per-site HMAC-SHA256 key (copied).</param>
        public ListUpdate(AllowlistStore store, uint siteId, byte[] siteKey)
        {
            if (store == null || siteKey == null)
            {
                throw new ArgumentNullException(store == null ? "store" : "siteKey");
            }

            this.store = store;
            this.siteId = siteId;
            mac.Init(siteKey, 0, siteKey.Length);
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

        /// <summary>Bytes accepted by Write since Begin.</summary>
        public long BytesReceived { get; private set; }

        /// <summary>Starts receiving a list (abandoning any update in progress).</summary>
        public void Begin()
        {
            if (phase != PhaseIdle)
            {
                DiscardTarget();
            }

            mac.Restart();
            windowFill = 0;
            pendingFailure = ListUpdateResult.Ok;
            phase = PhaseHeader;
            failure = ListUpdateResult.Ok;
            filled = 0;
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
            BytesReceived = 0;
            versionAtBegin = store.Version;
        }

        /// <summary>
        /// Feeds chunk[offset..+count). Returns Ok to continue, or a failure that is already certain (then sticky:
        /// later calls and Commit return it, and the partial slot is discarded): a header refusal (BadMagic,
        /// BadFormat, WrongSite, VersionNotNewer, BaseMismatch) or StorageError. A body that breaks the format
        /// keeps Write answering Ok until the end of the stream, so Commit can report BadSignature (corrupted or
        /// forged) apart from BadFormat/BadDelta/LimitExceeded (an authentic list the terminal cannot apply).
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
                DelayedHash(chunk, offset, count);
                BytesReceived += count;
                if (phase == PhaseDraining)
                {
                    return ListUpdateResult.Ok;
                }

                return Consume(chunk, offset, count);
            }
            catch (Exception)
            {
                return Fail(ListUpdateResult.StorageError);
            }
        }

        /// <summary>
        /// Verifies the tag and structure, completes the new table and switches to it. Ok means the new list is
        /// in force (and survives a power cut from now on); anything else leaves the previous list in force.
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

            if (phase == PhaseDraining)
            {
                if (windowFill < WireFormat.TagSize)
                {
                    return Fail(ListUpdateResult.Truncated);
                }

                return Fail(TagMatches() ? pendingFailure : ListUpdateResult.BadSignature);
            }

            if (phase != PhaseComplete)
            {
                // The structure wants more bytes. Usually the stream was cut (retry the download); if its last 32
                // bytes are nevertheless a valid tag, it is an authentic list declaring more than it holds.
                return Fail(TagMatches() ? ListUpdateResult.BadFormat : ListUpdateResult.Truncated);
            }

            if (!TagMatches())
            {
                return Fail(ListUpdateResult.BadSignature);
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

                writer.Finish(siteId, ListVersion, BigEndian.ReadInt64(headerBytes, WireFormat.OffsetIssued),
                    headerBytes[WireFormat.OffsetKeyVersion], headerBytes[WireFormat.OffsetPreviousKeyVersion]);
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
                        {
                            int take = WireFormat.HeaderSize - filled;
                            if (take > end - i)
                            {
                                take = end - i;
                            }

                            Array.Copy(chunk, i, headerBytes, filled, take);
                            filled += take;
                            i += take;
                            if (filled >= 4 && BigEndian.ReadUInt32(headerBytes, WireFormat.OffsetMagic) != WireFormat.Magic)
                            {
                                return Fail(ListUpdateResult.BadMagic);
                            }

                            if (filled == WireFormat.HeaderSize)
                            {
                                ListUpdateResult checkedHeader = StartFromHeader();
                                if (checkedHeader != ListUpdateResult.Ok)
                                {
                                    return Fail(checkedHeader);
                                }
                            }

                            break;
                        }

                    case PhaseBody:
                        {
                            // Parse entry by entry (the bytes were hashed on arrival).
                            ListUpdateResult result = ListUpdateResult.Ok;
                            while (i < end && phase == PhaseBody)
                            {
                                if (entrySize == 0)
                                {
                                    // Tag (and length byte of a full key) one at a time until the size is known...
                                    entryBytes[filled++] = chunk[i++];
                                    entrySize = EntryCodec.Measure(entryBytes, 0, filled);
                                    if (entrySize < 0)
                                    {
                                        result = ListUpdateResult.BadFormat;
                                        break;
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

                                    Array.Copy(chunk, i, entryBytes, filled, take);
                                    filled += take;
                                    i += take;
                                }

                                if (entrySize > 0 && filled == entrySize)
                                {
                                    result = ApplyEntry();
                                    if (result != ListUpdateResult.Ok)
                                    {
                                        break;
                                    }

                                    filled = 0;
                                    entrySize = 0;
                                    entriesSeen++;
                                    if (entriesSeen == DeclaredCount)
                                    {
                                        phase = PhaseTag;
                                    }
                                }
                            }

                            if (result != ListUpdateResult.Ok)
                            {
                                return Drain(result);
                            }

                            break;
                        }

                    case PhaseTag:
                        {
                            int take = WireFormat.TagSize - filled;
                            if (take > end - i)
                            {
                                take = end - i;
                            }

                            Array.Copy(chunk, i, tag, filled, take);
                            filled += take;
                            i += take;
                            if (filled == WireFormat.TagSize)
                            {
                                phase = PhaseComplete;
                            }

                            break;
                        }

                    default:
                        // Bytes after the tag: not a list this format produces.
                        return Drain(ListUpdateResult.BadFormat);
                }
            }

            return ListUpdateResult.Ok;
        }

        private ListUpdateResult StartFromHeader()
        {
            byte[] h = headerBytes;
            if (h[WireFormat.OffsetFormatVersion] != WireFormat.FormatVersion
                || !WireFormat.AreValidKeyVersions(h[WireFormat.OffsetKeyVersion], h[WireFormat.OffsetPreviousKeyVersion]))
            {
                return ListUpdateResult.BadFormat;
            }

            int kind = h[WireFormat.OffsetKind];
            if (kind != (int)ListKind.Snapshot && kind != (int)ListKind.Delta)
            {
                return ListUpdateResult.BadFormat;
            }

            Kind = (ListKind)kind;
            ListVersion = BigEndian.ReadInt64(h, WireFormat.OffsetVersion);
            BaseVersion = BigEndian.ReadInt64(h, WireFormat.OffsetBaseVersion);
            uint declared = BigEndian.ReadUInt32(h, WireFormat.OffsetCount);
            if (ListVersion <= 0 || declared > (uint)WireFormat.MaxEntries
                || (Kind == ListKind.Snapshot && BaseVersion != 0)
                || (Kind == ListKind.Delta && (BaseVersion <= 0 || BaseVersion >= ListVersion)))
            {
                return ListUpdateResult.BadFormat;
            }

            DeclaredCount = (int)declared;
            if (BigEndian.ReadUInt32(h, WireFormat.OffsetSiteId) != siteId)
            {
                return ListUpdateResult.WrongSite;
            }

            // Refuse replays before touching flash. The header is not authenticated yet, but a forged one can only
            // make us refuse, never accept: acceptance waits for the tag.
            if (ListVersion <= store.Version)
            {
                return ListUpdateResult.VersionNotNewer;
            }

            if (Kind == ListKind.Delta && BaseVersion != store.Version)
            {
                return ListUpdateResult.BaseMismatch;
            }

            wire.Key.Clear();
            filled = 0;
            entrySize = 0;
            phase = DeclaredCount == 0 ? PhaseTag : PhaseBody;

            // A delta that fits in the overlay with the changes already there is written as a new overlay file
            // (a few KB); a snapshot, a delta that would overflow it, or a delta changing the DESFire key versions
            // (kept in the table header; the overlay trailer has no room for them) as a new table in the other slot.
            Overlay current = store.CurrentOverlay;
            bool sameKeyVersions = h[WireFormat.OffsetKeyVersion] == store.KeyVersion && h[WireFormat.OffsetPreviousKeyVersion] == store.PreviousKeyVersion;
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
            OverlayFormat.WriteTrailer(overlayTrailer, store.TableVersion, ListVersion, BigEndian.ReadInt64(headerBytes, WireFormat.OffsetIssued), listCount, overlayEntries, overlayLength);
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

        /// <summary>
        /// A structural failure in the body: drop the partial table and only hash the rest, so Commit reports
        /// BadSignature when the tag does not match (corruption, forgery) and this failure when it does.
        /// </summary>
        private ListUpdateResult Drain(ListUpdateResult result)
        {
            if (result == ListUpdateResult.StorageError)
            {
                return Fail(result);
            }

            DiscardTarget();
            pendingFailure = result;
            phase = PhaseDraining;
            return ListUpdateResult.Ok;
        }

        /// <summary>Hashes all but the last 32 bytes received so far; those wait in <see cref="window"/>.</summary>
        private void DelayedHash(byte[] data, int offset, int count)
        {
            int total = windowFill + count;
            if (total <= WireFormat.TagSize)
            {
                Array.Copy(data, offset, window, windowFill, count);
                windowFill = total;
                return;
            }

            int toHash = total - WireFormat.TagSize;
            int fromWindow = toHash < windowFill ? toHash : windowFill;
            if (fromWindow > 0)
            {
                mac.Update(window, 0, fromWindow);
            }

            int fromData = toHash - fromWindow;
            if (fromData > 0)
            {
                mac.Update(data, offset, fromData);
            }

            int keep = windowFill - fromWindow;
            for (int k = 0; k < keep; k++)
            {
                window[k] = window[fromWindow + k];
            }

            Array.Copy(data, offset + fromData, window, keep, count - fromData);
            windowFill = WireFormat.TagSize;
        }

        /// <summary>True when the last 32 bytes are the HMAC-SHA256 of everything before them (constant-time compare).</summary>
        private bool TagMatches()
        {
            if (windowFill < WireFormat.TagSize)
            {
                return false;
            }

            mac.Final(expectedTag, 0);
            return FixedTime.AreEqual(expectedTag, 0, window, 0, WireFormat.TagSize);
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
