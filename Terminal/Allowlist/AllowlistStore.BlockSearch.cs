using System;
using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>Searching one block of the flash table (FORMAT.md): entries decoded in place, keys compared without copying.</summary>
    public sealed partial class AllowlistStore
    {
        private const int SearchFound = 1;
        private const int SearchAbsent = 0;
        private const int SearchBeforeBlock = -1;

        private int SearchBlock(int blockNumber, CardRecord into)
        {
            searchReads++;
            int read;
            try
            {
                read = files.Read(dataNames[activeSlot], blockNumber * blockSize, block, 0, blockSize);
            }
            catch (Exception)
            {
                // A flash driver fault must not escape the tap path: it is reported as a failed lookup.
                read = -1;
            }

            if (read != blockSize)
            {
                return Corrupt(blockNumber);
            }

            int first = TableFormat.BlockHeaderSize;
            int end = (block[TableFormat.BlockOffsetEnd] << 8) | block[TableFormat.BlockOffsetEnd + 1];
            int restarts = block[TableFormat.BlockOffsetRestartCount];
            if ((block[TableFormat.BlockOffsetCount] | block[TableFormat.BlockOffsetCount + 1]) == 0 || end <= first || end > blockSize || restarts > TableFormat.RestartSlots)
            {
                return Corrupt(blockNumber);
            }

            // Navigation (first key, restart offsets and keys) is checked before it steers the search — unless this
            // block's navigation already matched its CRC since the table came in force (verified mask not 0: set by
            // a lookup or by the scrub, cleared on any failure; README "Integrity of the bytes a lookup reads").
            int verifiedMask = verified[blockNumber];
            if (verifiedMask == 0 && !TableFormat.CheckNavigation(block, end, restarts))
            {
                return Corrupt(blockNumber);
            }

            int order = CompareFullKeyAt(first, end);
            if (order == CorruptKey)
            {
                return Corrupt(blockNumber);
            }

            if (order > 0)
            {
                return SearchBeforeBlock;
            }

            // Binary search of the restart points (full keys at known offsets) for the last one <= target;
            // then decode from it up to the next restart point.
            int start = first, limit = end, segment = 0;
            int startOrder = order;
            int lo = 0, hi = restarts - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                int at = TableFormat.BlockOffsetRestarts + 2 * mid;
                int offset = (block[at] << 8) | block[at + 1];
                int restartOrder = offset > first && offset < end ? CompareFullKeyAt(offset, end) : CorruptKey;
                if (restartOrder == CorruptKey)
                {
                    return Corrupt(blockNumber);
                }

                if (restartOrder <= 0)
                {
                    start = offset;
                    startOrder = restartOrder;
                    segment = mid + 1;
                    lo = mid + 1;
                }
                else
                {
                    limit = offset;
                    hi = mid - 1;
                }
            }

            // Only the segment about to be decoded is checked (a few hundred bytes of CRC), and only until it has
            // matched once: its bit in the verified mask then stands for the check until a failure clears it.
            int segmentBit = 1 << segment;
            if ((verifiedMask & segmentBit) == 0)
            {
                if (!TableFormat.CheckSegment(block, segment, start, limit))
                {
                    return Corrupt(blockNumber);
                }

                verified[blockNumber] = (byte)(verifiedMask | segmentBit);
            }

            EntryCodec codec = lookupCodec;
            EntryKey key = codec.Key;
            key.Clear();

            // The running key of delta-coded entries lives in locals (nanoFramework does not inline: a DecodeKey and a
            // CompareTo call per entry cost more than the decoding); it is written back to the codec's key before any
            // other entry is decoded (keyInLocals) and before the matching entry's fields are read.
            int targetLength = target.Length;
            ulong targetValue = target.Value;
            int keyLength = 0;
            ulong keyValue = 0;
            bool keyInLocals = false;
            int position = start;
            while (position < limit)
            {
                int tag = block[position];
                int keyCode = (tag >> 3) & 7;
                int size;
                int keyEnd;
                bool fieldsRead = false;
                int startLength;
                if (position == start && keyCode == EntryCodec.FullKeyCode && (tag & 7) != EntryCodec.RemovalState
                    && (startLength = block[start + 1]) <= CardUid.DoubleSize)
                {
                    // The segment's first entry: the full key the navigation above has just compared with the target
                    // (CompareFullKeyAt: a full-key tag, a valid length, the key inside the block; its order is startOrder).
                    // A full key without attributes is read in place into the running key instead of EntryCodec.Measure,
                    // DecodeKey (a copy of the key bytes) and EntryKey.CompareTo; the same checks remain: not a removal,
                    // the entry inside the segment. Keys of 10 bytes, removals and entries with attributes take the general path.
                    size = 2 + startLength + ((tag & 0x40) != 0 ? 4 : 3) + ((tag & 0x80) != 0 ? 1 : 0);
                    if (position + size > limit)
                    {
                        return Corrupt(blockNumber);
                    }

                    int p = position + 2;
                    keyEnd = p + startLength;
                    keyValue = 0;
                    while (p < keyEnd)
                    {
                        keyValue = (keyValue << 8) | block[p++];
                    }

                    keyLength = startLength;
                    keyInLocals = true;
                    searchDecoded++;
                    order = startOrder;
                    if (order == 0)
                    {
                        key.SetValueOnly(keyLength, keyValue);
                        codec.IsRemoval = false;
                    }
                }
                else if (keyCode < EntryCodec.FullKeyCode && (tag & 7) != EntryCodec.RemovalState)
                {
                    // EntryCodec.Measure of a delta-coded entry, the common one, without the call: tag, keyCode + 1
                    // delta bytes, holder key on 4 bytes (payload bit 0 = tag bit 6) or 3, category when tag bit 7.
                    size = 2 + keyCode + ((tag & 0x40) != 0 ? 4 : 3) + ((tag & 0x80) != 0 ? 1 : 0);

                    // EntryCodec.DecodeKey of a delta entry, inline and with its checks: the previous key is a 4- or
                    // 7-byte one, the delta is not 0 and does not carry past the key's length.
                    if (position + size > limit || (keyLength != CardUid.SingleSize && keyLength != CardUid.DoubleSize))
                    {
                        return Corrupt(blockNumber);
                    }

                    int p = position + 1;
                    ulong delta = block[p++];
                    for (int i = 0; i < keyCode; i++)
                    {
                        delta = (delta << 8) | block[p++];
                    }

                    ulong keyMax = keyLength == CardUid.SingleSize ? 0xFFFFFFFFUL : 0x00FFFFFFFFFFFFFFUL;
                    if (delta == 0 || delta > keyMax - keyValue)
                    {
                        return Corrupt(blockNumber);
                    }

                    keyValue += delta;
                    keyInLocals = true;
                    keyEnd = p;
                    searchDecoded++;

                    // EntryKey.CompareTo for keys of at most 7 bytes: by length, then by value.
                    order = keyLength != targetLength ? (keyLength < targetLength ? -1 : 1) : (keyValue == targetValue ? 0 : (keyValue < targetValue ? -1 : 1));
                    if (order == 0)
                    {
                        key.SetValueOnly(keyLength, keyValue);
                        codec.IsRemoval = false;
                    }
                }
                else
                {
                    if (keyInLocals)
                    {
                        key.SetValueOnly(keyLength, keyValue);
                        keyInLocals = false;
                    }

                    size = EntryCodec.Measure(block, position, limit - position);
                    keyEnd = size <= 0 || position + size > limit ? -1 : codec.DecodeKey(block, position, false);

                    // The fields after the key are read for the matching entry only, except an attribute byte (key code 7),
                    // the one field that can be invalid: it is checked for every entry, as a whole Decode did.
                    fieldsRead = keyEnd >= 0 && keyCode == EntryCodec.FullKeyWithAttributesCode;
                    if (keyEnd < 0 || (fieldsRead && !codec.DecodeFields(block, position, size, keyEnd)))
                    {
                        return Corrupt(blockNumber);
                    }

                    keyLength = key.Length;
                    keyValue = key.Value;
                    searchDecoded++;
                    order = key.CompareTo(target);
                }

                if (order == 0)
                {
                    if (!fieldsRead && !codec.DecodeFields(block, position, size, keyEnd))
                    {
                        return Corrupt(blockNumber);
                    }

                    into.State = codec.State;
                    into.HolderKey = codec.HolderKey;
                    into.Category = codec.Category;
                    into.Family = codec.Family;
                    into.OriginalityDigest = codec.OriginalityDigest;
                    return SearchFound;
                }

                if (order > 0)
                {
                    return SearchAbsent;
                }

                position += size;
            }

            return SearchAbsent;
        }

        private const int CorruptKey = 2;

        /// <summary>
        /// The corrupt-block result of a lookup (a failed lookup: storage fault, never an unknown card), counted; the
        /// block loses its verified mask, so the next lookup checks its navigation and segment CRCs again.
        /// </summary>
        private int Corrupt(int blockNumber)
        {
            CorruptBlockCount++;
            searchFailed = true;
            verified[blockNumber] = 0;
            if (blockNumber == scrubBlock)
            {
                // The scrub's navigation check of this block predates the failure: it starts the block again.
                scrubSegment = -1;
            }

            return SearchAbsent;
        }

        /// <summary>Order (-1, 0, 1) of the full-key entry at block[offset] against the target, or CorruptKey.</summary>
        private int CompareFullKeyAt(int offset, int end)
        {
            // EntryCodec.HasFullKey, CardUid.IsValidLength and CardUid.Compare written out: the lookup calls this for the
            // block's first key and each restart point it visits, and nanoFramework interprets every call frame.
            byte[] b = block;
            if (offset + 2 > end || ((b[offset] >> 3) & 7) < EntryCodec.FullKeyCode)
            {
                return CorruptKey;
            }

            int length = b[offset + 1];
            if ((length != CardUid.SingleSize && length != CardUid.DoubleSize && length != CardUid.TripleSize) || offset + 2 + length > end)
            {
                return CorruptKey;
            }

            // CardUid order: a shorter UID first, then byte by byte.
            int targetLength = target.Length;
            if (length != targetLength)
            {
                return length < targetLength ? -1 : 1;
            }

            byte[] t = target.Bytes;
            int p = offset + 2;
            for (int i = 0; i < length; i++)
            {
                int d = b[p + i] - t[i];
                if (d != 0)
                {
                    return d < 0 ? -1 : 1;
                }
            }

            return 0;
        }
    }
}
