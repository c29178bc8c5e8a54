namespace LeoCarte.Terminal.Sync
{
    /// <summary>The list phase of a sync cycle: the signed request with this terminal's list version, database identity and nonce, the proven "up to date" answer, and the download streamed chunk by chunk into the allowlist update.</summary>
    public sealed partial class SyncEngine
    {
        private SyncStepResult StepListRequest()
        {
            bool snapshot = list.NeedsSnapshot;
            long have = snapshot ? 0 : list.CurrentVersion;
            requestNonce = NextNonce();
            string path = string.Concat(options.ApiPrefix, "/terminals/", signer.TerminalId, "/list?have=" + have.ToString())
                + string.Concat("&db=", RequestSigner.Hex16(snapshot ? 0 : list.CurrentDatabaseId), "&nonce=", RequestSigner.Hex16(requestNonce));
            IHttpResponse response;
            TransportResult sent = Exchange("GET", path, null, 0, null, out response);
            if (sent != TransportResult.Ok)
            {
                return Fail(string.Concat("list: ", TransportText(sent)));
            }

            int status = response.StatusCode;
            if (status == 204)
            {
                // Only a proof for our version, database and this request's nonce confirms the list (a replayed
                // or unsigned 204 does not reset the staleness clock: the decision engine keeps counting).
                string gatewayTime = response.Header(TimeHeader);
                bool proven = signer.VerifyUpToDate(response.Header(RequestSigner.ProofHeader), gatewayTime,
                    snapshot ? 0 : list.CurrentDatabaseId, have, requestNonce);
                response.Close();
                if (!proven)
                {
                    statistics.UpToDateUnproven++;
                    cycleHadError = true;
                    statistics.LastError = "list: up-to-date answer without a valid proof";
                    phase = SyncPhase.JournalUpload;
                    return SyncStepResult.Working;
                }

                statistics.ListsUpToDate++;
                statistics.LastProvenGatewayTime = Ascii.ParseNonNegative(gatewayTime);
                if (ListConfirmed != null && have > 0)
                {
                    ListConfirmed();
                }

                phase = SyncPhase.JournalUpload;
                return SyncStepResult.Working;
            }

            if (status != 200)
            {
                response.Close();
                return Fail(string.Concat("list: HTTP ", status.ToString()));
            }

            if (response.ContentLength > options.MaxListBytes)
            {
                response.Close();
                return RejectList("list: too large");
            }

            if (!list.Begin())
            {
                response.Close();
                return RejectList(string.Concat("list: ", list.LastError));
            }

            download = response;
            downloadDeclaredLength = response.ContentLength;
            downloadReceived = 0;
            phase = SyncPhase.ListDownload;
            return SyncStepResult.Working;
        }

        private long NextNonce()
        {
            nonceState ^= nonceState << 13;
            nonceState ^= nonceState >> 7;
            nonceState ^= nonceState << 17;
            return (long)nonceState;
        }

        private SyncStepResult StepListDownload()
        {
            for (int i = 0; i < options.ChunksPerStep; i++)
            {
                int read = download.Read(chunk, 0, chunk.Length);
                if (read < 0)
                {
                    // Connection cut mid-body: nothing of it is applied, the current list stays.
                    EndDownload(true);
                    return Fail("list: download cut");
                }

                if (read == 0)
                {
                    bool complete = downloadDeclaredLength < 0 || downloadReceived == downloadDeclaredLength;
                    EndDownload(!complete);
                    if (!complete)
                    {
                        return Fail("list: truncated");
                    }

                    if (list.Commit())
                    {
                        statistics.ListsApplied++;
                        if (ListConfirmed != null)
                        {
                            ListConfirmed();
                        }
                    }
                    else
                    {
                        statistics.ListsRejected++;
                        cycleHadError = true;
                        statistics.LastError = string.Concat("list rejected: ", list.LastError);
                    }

                    phase = SyncPhase.JournalUpload;
                    return SyncStepResult.Working;
                }

                downloadReceived += read;
                statistics.ListBytesReceived += read;
                if (read > statistics.LargestChunk)
                {
                    statistics.LargestChunk = read;
                }

                if (downloadReceived > options.MaxListBytes || (downloadDeclaredLength >= 0 && downloadReceived > downloadDeclaredLength))
                {
                    EndDownload(true);
                    return RejectList("list: longer than declared or allowed");
                }

                if (!list.Write(chunk, 0, read))
                {
                    // Refused mid-stream (header, signature, a chunk against the signed manifest): stop the download.
                    EndDownload(true);
                    return RejectList(string.Concat("list rejected: ", list.LastError));
                }
            }

            return SyncStepResult.Working;
        }

        private SyncStepResult RejectList(string reason)
        {
            // The list is refused but the link works: carry on with the journal and the heartbeat (which
            // reports the rejection), and retry the list after the backoff delay rather than every interval.
            statistics.ListsRejected++;
            statistics.LastError = reason;
            cycleHadError = true;
            phase = SyncPhase.JournalUpload;
            return SyncStepResult.Working;
        }

        private void EndDownload(bool abort)
        {
            if (download != null)
            {
                download.Close();
                download = null;
            }

            if (abort)
            {
                list.Abort();
            }
        }
    }
}
