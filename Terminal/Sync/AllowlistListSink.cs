using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Connects the sync client to the allowlist (issue 4): downloaded bytes go straight into
    /// <see cref="ListUpdate"/>, which verifies the gateway's ECDSA P-256 signature, each chunk's digest, the version order, the database identity and the structure, and
    /// switches A/B slots only on success. This class only translates results into the sync seam.
    /// </summary>
    public sealed class AllowlistListSink : IListUpdateSink
    {
        private readonly AllowlistStore store;
        private readonly ListUpdate update;
        private ListUpdateResult lastResult = ListUpdateResult.Ok;
        private bool needsSnapshot;

        public AllowlistListSink(AllowlistStore store, uint siteId, ListTrust trust)
        {
            this.store = store;
            update = new ListUpdate(store, siteId, trust);
        }

        /// <summary>The gateway database identity of the list in force (0: none), sent as &amp;db= so a reset gateway answers with a snapshot.</summary>
        public long CurrentDatabaseId => store.DatabaseId;

        public long CurrentVersion => store.Version;

        /// <summary>Result of the last Write/Commit that failed, or Ok.</summary>
        public ListUpdateResult LastResult => lastResult;

        public string LastError => lastResult == ListUpdateResult.Ok ? null : ListUpdateResultNames.Of(lastResult);

        public bool NeedsSnapshot => needsSnapshot;

        public bool Begin()
        {
            update.Begin();
            lastResult = ListUpdateResult.Ok;
            return true;
        }

        public bool Write(byte[] data, int offset, int count)
        {
            ListUpdateResult result = update.Write(data, offset, count);
            if (result != ListUpdateResult.Ok)
            {
                Remember(result);
                return false;
            }

            return true;
        }

        public bool Commit()
        {
            ListUpdateResult result = update.Commit();
            if (result != ListUpdateResult.Ok)
            {
                Remember(result);
                return false;
            }

            needsSnapshot = false;
            return true;
        }

        public void Abort()
        {
            update.Abort();
        }

        private void Remember(ListUpdateResult result)
        {
            lastResult = result;

            // A delta the terminal cannot apply to what it holds: only a snapshot can bring it back in step.
            // So is a delta from another gateway database (a reset gateway): never match versions across databases.
            if (result == ListUpdateResult.BaseMismatch || result == ListUpdateResult.BadDelta || result == ListUpdateResult.DatabaseChanged)
            {
                needsSnapshot = true;
            }
        }
    }
}
