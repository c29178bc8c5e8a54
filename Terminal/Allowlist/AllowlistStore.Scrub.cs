using System;
using LeoCarte.Terminal.Bytes;

namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// The background scrub of the table in force (README, "Integrity of the bytes a lookup reads"): block after block,
    /// one bounded slice per call, it re-reads a block from flash and checks its navigation CRC, then one segment CRC
    /// per call. A block whose checks all pass keeps (or gets) its verified bits, so lookups into it skip their CRCs;
    /// a mismatch or a failing read clears them and is counted like a lookup's corrupt block, so decayed flash is
    /// found within one pass even where no lookup goes, and the next lookup into that block checks its CRCs again
    /// and answers with the corrupt-block result (a failed lookup: storage fault) exactly as before.
    /// </summary>
    public sealed partial class AllowlistStore
    {
        /// <summary><see cref="VerifyNextSlice"/>: no table (or an empty one) in force, nothing to verify.</summary>
        public const int ScrubNothing = 0;

        /// <summary><see cref="VerifyNextSlice"/>: one check of the current block passed, more follow.</summary>
        public const int ScrubProgress = 1;

        /// <summary><see cref="VerifyNextSlice"/>: the last check of a block passed; the next call starts the next block.</summary>
        public const int ScrubBlockVerified = 2;

        /// <summary><see cref="VerifyNextSlice"/>: the block failed a check or could not be read (counted in <see cref="CorruptBlockCount"/>).</summary>
        public const int ScrubCorrupt = 3;

        /// <summary>Blocks <see cref="Open"/> verifies whole before the first tap (64 KB at 2 KB blocks); the scrub does the rest.</summary>
        public const int BootVerifiedBlocks = 32;

        private int scrubBlock;
        private int scrubSegment = -1;
        private int scrubPasses;
        private int scrubCorruptBlocks;
        private int lastScrubCorruptBlock = -1;

        /// <summary>Complete scrub passes over the table in force (reset when another table comes in force).</summary>
        public int ScrubPasses => scrubPasses;

        /// <summary>Blocks the scrub found corrupt or unreadable since construction (also in <see cref="CorruptBlockCount"/>).</summary>
        public int ScrubCorruptBlocks => scrubCorruptBlocks;

        /// <summary>The block the scrub last found corrupt (-1: none yet), for the debug line.</summary>
        public int LastScrubCorruptBlock => lastScrubCorruptBlock;

        /// <summary>Slices a full scrub pass takes at most: per block, its navigation then up to 8 segments.</summary>
        public int ScrubSlicesPerPass => blockCount * (1 + TableFormat.Segments);

        /// <summary>Bytes of RAM of the verified mask (one per block).</summary>
        public int VerifiedMaskBytes => verified.Length;

        /// <summary>The verified mask of block <paramref name="blockNumber"/> of the table in force (bit s: segment s; 0: nothing verified).</summary>
        public int VerifiedSegments(int blockNumber)
        {
            lock (sync)
            {
                return blockNumber >= 0 && blockNumber < blockCount ? verified[blockNumber] : 0;
            }
        }

        /// <summary>
        /// One bounded slice of the scrub: one block read (1 storage read) and one CRC check — the block's navigation
        /// (about 90 bytes) or one segment (about an eighth of the block: ≈ 250 bytes at 2 KB blocks, ≈ 2,600 IL
        /// instructions). Called by the tap loop's idle housekeeping, never while a card is in the field. Returns
        /// <see cref="ScrubNothing"/>, <see cref="ScrubProgress"/>, <see cref="ScrubBlockVerified"/> or
        /// <see cref="ScrubCorrupt"/>. Never throws, allocates nothing.
        /// </summary>
        public int VerifyNextSlice()
        {
            return ScrubSlice(false);
        }

        /// <summary>One scrub step: one block read, then one check (<paramref name="wholeBlock"/> false) or every check left in the block.</summary>
        private int ScrubSlice(bool wholeBlock)
        {
            lock (sync)
            {
                if (activeSlot < 0 || blockCount == 0)
                {
                    return ScrubNothing;
                }

                int number = scrubBlock;
                int read;
                try
                {
                    read = files.Read(dataNames[activeSlot], number * blockSize, block, 0, blockSize);
                }
                catch (Exception)
                {
                    read = -1;
                }

                int first = TableFormat.BlockHeaderSize;
                int end = read == blockSize ? BigEndian.ReadUInt16(block, TableFormat.BlockOffsetEnd) : 0;
                int restarts = read == blockSize ? block[TableFormat.BlockOffsetRestartCount] : 0;
                int segment = scrubSegment;
                if (read == blockSize && BigEndian.ReadUInt16(block, TableFormat.BlockOffsetCount) != 0 && end > first
                    && end <= blockSize && restarts <= TableFormat.RestartSlots)
                {
                    while (true)
                    {
                        if (segment < 0)
                        {
                            if (!TableFormat.CheckNavigation(block, end, restarts))
                            {
                                break;
                            }

                            segment = 0;
                        }
                        else
                        {
                            // The header was read again with this slice: a restart count or offset that changed since
                            // the navigation check fails here (segment past the count, offsets out of order) or at the
                            // next pass's navigation check.
                            if (segment > restarts)
                            {
                                break;
                            }

                            int start = segment == 0 ? first : TableFormat.SegmentEnd(block, segment - 1, restarts, end);
                            int limit = TableFormat.SegmentEnd(block, segment, restarts, end);
                            if (start < first || limit <= start || limit > end || !TableFormat.CheckSegment(block, segment, start, limit))
                            {
                                break;
                            }

                            // The navigation was checked by this pass: the bit may stand for both (see SearchBlock).
                            verified[number] = (byte)(verified[number] | (1 << segment));
                            if (segment == restarts)
                            {
                                NextScrubBlock();
                                return ScrubBlockVerified;
                            }

                            segment++;
                        }

                        if (!wholeBlock)
                        {
                            scrubSegment = segment;
                            return ScrubProgress;
                        }
                    }
                }

                // Decayed or unreadable: the same corrupt-block accounting as a lookup's, and lookups into this block
                // check its CRCs again (and fail where the damage is) until a later pass finds it whole.
                verified[number] = 0;
                CorruptBlockCount++;
                scrubCorruptBlocks++;
                lastScrubCorruptBlock = number;
                NextScrubBlock();
                return ScrubCorrupt;
            }
        }

        /// <summary>
        /// Verifies up to <paramref name="maxBlocks"/> whole blocks from the scrub's position (one read each), stopping
        /// at the end of a pass (<see cref="Open"/> calls it at boot, before the first tap). Returns the corrupt blocks found.
        /// </summary>
        public int VerifyBlocks(int maxBlocks)
        {
            int corrupt = 0, blocks = 0, passes = scrubPasses;
            while (blocks < maxBlocks && scrubPasses == passes)
            {
                int outcome = ScrubSlice(true);
                if (outcome == ScrubNothing)
                {
                    break;
                }

                if (outcome == ScrubCorrupt)
                {
                    corrupt++;
                    blocks++;
                }
                else if (outcome == ScrubBlockVerified)
                {
                    blocks++;
                }
            }

            return corrupt;
        }

        private void NextScrubBlock()
        {
            scrubSegment = -1;
            scrubBlock++;
            if (scrubBlock >= blockCount)
            {
                scrubBlock = 0;
                scrubPasses++;
            }
        }

        private void RestartScrub()
        {
            scrubBlock = 0;
            scrubSegment = -1;
            scrubPasses = 0;
        }
    }
}
