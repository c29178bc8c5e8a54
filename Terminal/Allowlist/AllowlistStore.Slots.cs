using LeoCarte.Terminal.Bytes;
using System;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Switching the list in force: adopting a new table slot or overlay file written by ListUpdate, reading the overlay, deleting the old slot.</summary>
    public sealed partial class AllowlistStore
    {
        /// <summary>Makes a freshly written slot the one in force, then deletes the other. False when it does not read back valid.</summary>
        internal bool Switch(int slot)
        {
            if (!Adopt(slot))
            {
                return false;
            }

            try
            {
                DeleteSlot(1 - slot);
                for (int file = 0; file < 2; file++)
                {
                    if (files.Length(overlayNames[file]) >= 0)
                    {
                        files.Delete(overlayNames[file]);
                    }
                }
            }
            catch (Exception)
            {
                // The stale slot and overlays belong to an older table: boot recovery deletes them later.
            }

            return true;
        }

        /// <summary>
        /// Makes a freshly written overlay file the one in force: checks it whole (CRC, trailer, entries), then
        /// loads it into the RAM overlay under the lookup lock. False (nothing changed) when it does not read back valid.
        /// </summary>
        internal bool AdoptOverlay(int file)
        {
            byte[] content = ReadOverlayFile(file);
            if (content == null)
            {
                return false;
            }

            int trailer = content.Length - OverlayFormat.TrailerSize;
            if (BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetTableVersion) != tableVersion || activeSlot < 0)
            {
                return false;
            }

            int entries = (int)BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetEntryCount);
            EntryCodec codec = new EntryCodec();
            if (!DecodeOverlay(content, trailer, entries, codec, false))
            {
                return false;
            }

            lock (sync)
            {
                DecodeOverlay(content, trailer, entries, codec, true);
                activeOverlay = file;
                overlayVersion = BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetVersion);
                overlayIssued = BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetIssued);
                overlayListCount = (int)BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetListCount);
            }

            return true;
        }

        /// <summary>Decodes the overlay file's entries: a validating pass (load false), then the loading pass.</summary>
        private bool DecodeOverlay(byte[] content, int length, int entries, EntryCodec codec, bool load)
        {
            if (entries > overlay.Capacity)
            {
                return false;
            }

            if (load)
            {
                overlay.Clear();
            }

            codec.Key.Clear();
            int position = 0;
            for (int i = 0; i < entries; i++)
            {
                int size = EntryCodec.Measure(content, position, length - position);
                if (size <= 0 || position + size > length || !codec.Decode(content, position, size, true))
                {
                    return false;
                }

                if (load)
                {
                    overlay.Append(codec.Key, codec.IsRemoval ? Overlay.Removed : (int)codec.State, codec.HolderKey, codec.Category, codec.Family, codec.OriginalityDigest);
                }

                position += size;
            }

            return position == length;
        }

        /// <summary>An overlay file's bytes when its length, trailer and CRC are intact; else null.</summary>
        private byte[] ReadOverlayFile(int file)
        {
            int length = files.Length(overlayNames[file]);
            if (length < OverlayFormat.TrailerSize || length > OverlayFormat.TrailerSize + overlay.Capacity * EntryCodec.MaxEntrySize)
            {
                return null;
            }

            byte[] content = new byte[length];
            if (files.Read(overlayNames[file], 0, content, 0, length) != length)
            {
                return null;
            }

            int trailer = length - OverlayFormat.TrailerSize;
            if (BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetMagic) != OverlayFormat.Magic
                || BigEndian.ReadUInt16(content, trailer + OverlayFormat.OffsetFormatVersion) != OverlayFormat.FormatVersion
                || BigEndian.ReadUInt16(content, trailer + OverlayFormat.OffsetTrailerSize) != OverlayFormat.TrailerSize
                || BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetEntriesLength) != (uint)trailer
                || BigEndian.ReadUInt32(content, trailer + OverlayFormat.OffsetCrc) != Crc32.Compute(content, 0, trailer + OverlayFormat.OffsetCrc)
                || BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetVersion) <= BigEndian.ReadInt64(content, trailer + OverlayFormat.OffsetTableVersion))
            {
                return null;
            }

            return content;
        }

        /// <summary>Deletes a slot, commit record (index file) first so it can never look valid over a partial data file.</summary>
        internal void DeleteSlot(int slot)
        {
            if (files.Length(indexNames[slot]) >= 0)
            {
                files.Delete(indexNames[slot]);
            }

            if (files.Length(dataNames[slot]) >= 0)
            {
                files.Delete(dataNames[slot]);
            }
        }
    }
}
