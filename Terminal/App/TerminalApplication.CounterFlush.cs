namespace LeoCarte.Terminal.App
{
    /// <summary>Write-behind of the meal / spending counters (Terminal/Decisions/DecisionEngine.WriteBehind.cs), on the tap loop's idle iterations.</summary>
    public sealed partial class TerminalApplication
    {
        /// <summary>
        /// After an iteration that made no card decision (no card, the decided card resting or removed): the counter
        /// entry of the last approval is written now, one 16-byte flash write once per approval — work moved after the
        /// decision, which cost one flash write (its journal record) instead of two. A failure is retried by the next
        /// idle iteration; the next approval flushes first anyway (DecisionEngine.FlushCounters).
        /// </summary>
        private void FlushCountersWhenIdle(TapKind kind)
        {
            if (kind == TapKind.None || kind == TapKind.Resting || kind == TapKind.Removed)
            {
                decisions.FlushCounters();
            }
        }
    }
}
