using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Terminal.App
{
    /// <summary>
    /// The allowlist's flash scrub in the tap loop's idle housekeeping (Allowlist/README.md, "Integrity of the bytes a
    /// lookup reads"): lookups skip the CRC checks of blocks verified since the table came in force, so decayed flash
    /// must be found by re-reading it. <see cref="Step"/> runs one bounded slice (one block read, one CRC check) per
    /// <see cref="ApplicationOptions.ListScrubIntervalMilliseconds"/>, only in an iteration whose poll found the field
    /// empty — never while a card is present, never in a tap's iteration.
    /// </summary>
    public sealed partial class TerminalApplication
    {
        private long nextListScrub;
        private int reportedScrubCorrupt = -1;

        private void ScrubList(long now)
        {
            nextListScrub = now + options.ListScrubIntervalMilliseconds;
            AllowlistStore list = allowlist;
            if (list == null || list.VerifyNextSlice() != AllowlistStore.ScrubCorrupt)
            {
                return;
            }

            // Counted by the store (CorruptBlockCount, like a lookup's); said once per damaged block, not once per pass.
            int block = list.LastScrubCorruptBlock;
            if (block != reportedScrubCorrupt)
            {
                reportedScrubCorrupt = block;
                Say("allowlist: block " + block.ToString() + " failed its flash check (scrub): lookups into it check their CRCs again, a damaged segment answers as a storage error");
            }
        }
    }
}
