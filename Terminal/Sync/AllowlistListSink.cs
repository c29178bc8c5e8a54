using LeoCarte.Terminal.Allowlist;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Connects the sync client to the allowlist (issue 4): downloaded bytes go straight into
    /// <see cref="ListUpdate"/>, which verifies the site's HMAC-SHA256, the version order and the structure, and
    /// switches A/B slots only on success. This class only translates results into the sync seam.
    /// </summary>
    public sealed class AllowlistListSink : IListUpdateSink
    {
        private readonly AllowlistStore store;
        private readonly ListUpdate update;
        private ListUpdateResult lastResult = ListUpdateResult.Ok;
        private bool needsSnapshot;

        public AllowlistListSink(AllowlistStore store, uint siteId, byte[] siteKey)
        {
            this.store = store;
            update = new ListUpdate(store, siteId, siteKey);
        }

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
            if (result == ListUpdateResult.BaseMismatch || result == ListUpdateResult.BadDelta)
            {
                needsSnapshot = true;
            }
        }
    }
}
