using LeoCarte.Terminal.Bytes;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    // ListUpdate, part: writing verified entries — the target slot or overlay file, merge with the list in
    // force, overlay commit.
    public sealed partial class ListUpdate
    {
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
    }
}
