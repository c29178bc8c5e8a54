namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Which list may follow the list in force (FORMAT.md, "Versions and database identity"). Versions only grow,
    /// by at most a configured jump, within one gateway database; a list from another database (a reset gateway
    /// restarts at version 1, or another gateway) is accepted only as a snapshot issued no earlier than the list
    /// in force, so a reset gateway forces a fresh snapshot and an old list of a former database cannot be replayed.
    /// </summary>
    public static class ListVersionRules
    {
        /// <param name="list">The header received (structure already checked).</param>
        /// <param name="versionInForce">0 when the terminal holds no list.</param>
        /// <param name="databaseInForce">The database identity of the list in force (0: none, or a table written before identities).</param>
        /// <param name="issuedInForce">Issued-at of the list in force, Unix seconds.</param>
        /// <param name="maxJump">Largest version step accepted.</param>
        public static ListUpdateResult Check(ListHeader list, long versionInForce, long databaseInForce, long issuedInForce, long maxJump)
        {
            bool sameDatabase = versionInForce > 0 && databaseInForce == list.DatabaseId;
            long from = sameDatabase ? versionInForce : 0;
            if (sameDatabase && list.Version <= versionInForce)
            {
                // A replay of the same or an older list of this database.
                return ListUpdateResult.VersionNotNewer;
            }

            if (list.Version - from > maxJump)
            {
                return ListUpdateResult.VersionJumpTooLarge;
            }

            if (list.Kind == ListKind.Delta)
            {
                if (versionInForce > 0 && !sameDatabase)
                {
                    return ListUpdateResult.DatabaseChanged;
                }

                return list.BaseVersion == versionInForce ? ListUpdateResult.Ok : ListUpdateResult.BaseMismatch;
            }

            if (versionInForce > 0 && !sameDatabase && list.IssuedUnixSeconds < issuedInForce)
            {
                // A snapshot of another database issued before the list in force: a replay of a former gateway's list.
                return ListUpdateResult.VersionNotNewer;
            }

            return ListUpdateResult.Ok;
        }
    }
}
