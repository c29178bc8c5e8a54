using LeoCarte.Terminal.Time;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>The journal upload (batches trimmed only as far as the gateway acknowledges) and the heartbeat phases of a sync cycle.</summary>
    public sealed partial class SyncEngine
    {
        private SyncStepResult StepJournalUpload()
        {
            if (journal == null || batchesThisCycle >= options.MaxBatchesPerCycle)
            {
                phase = SyncPhase.Heartbeat;
                return SyncStepResult.Working;
            }

            batch.Clear();
            journal.ReadBatch(uploadBuffer, 0, uploadBuffer.Length, batch);
            if (batch.Count == 0 || batch.Length == 0)
            {
                if (batch.CoveredThroughSequence > 0)
                {
                    // Only unreadable records were pending: the journal reports them skipped; let it move past them.
                    journal.Acknowledge(batch.CoveredThroughSequence);
                }

                phase = SyncPhase.Heartbeat;
                return SyncStepResult.Working;
            }

            string path = string.Concat(options.ApiPrefix, "/terminals/", signer.TerminalId, "/journal");
            IHttpResponse response;
            TransportResult sent = Exchange("POST", path, uploadBuffer, batch.Length, "application/vnd.leocarte.journal", out response);
            if (sent != TransportResult.Ok)
            {
                return Fail(string.Concat("journal: ", TransportText(sent)));
            }

            int status = response.StatusCode;
            int length = ReadSmallBody(response);
            if (status != 200)
            {
                return Fail(string.Concat("journal: HTTP ", status.ToString()));
            }

            long acked = length <= 0 ? -1 : Ascii.FindJsonInteger(smallBuffer, 0, length, "ackedUpTo");
            if (acked < batch.FirstSequence)
            {
                // The gateway stored nothing of this batch (or answered nonsense): keep every record, retry later.
                return Fail("journal: batch not acknowledged");
            }

            // Never trim past what was sent, whatever the gateway says; once the whole batch is stored, also
            // release the unreadable records the batch skipped.
            long upTo = acked >= batch.LastSequence ? batch.CoveredThroughSequence : acked;

            journal.Acknowledge(upTo);
            statistics.BatchesUploaded++;
            statistics.RecordsAcknowledged += acked >= batch.LastSequence ? batch.Count : acked - batch.FirstSequence + 1;
            batchesThisCycle++;
            return SyncStepResult.Working;
        }

        private SyncStepResult StepHeartbeat()
        {
            int length = BuildHeartbeat(smallBuffer);
            if (length < 0)
            {
                return Fail("heartbeat: too long");
            }

            string path = string.Concat(options.ApiPrefix, "/terminals/", signer.TerminalId, "/heartbeat");
            IHttpResponse response;
            TransportResult sent = Exchange("POST", path, smallBuffer, length, "application/json", out response);
            if (sent != TransportResult.Ok)
            {
                return Fail(string.Concat("heartbeat: ", TransportText(sent)));
            }

            int status = response.StatusCode;
            response.Close();
            if (status != 200 && status != 204)
            {
                return Fail(string.Concat("heartbeat: HTTP ", status.ToString()));
            }

            statistics.HeartbeatsSent++;
            return EndCycle();
        }

        private int BuildHeartbeat(byte[] buffer)
        {
            long listVersion = allowlist != null ? allowlist.Version : list.CurrentVersion;
            long listAge = -1;
            int listCount = -1;
            if (allowlist != null)
            {
                listCount = allowlist.Count;
                if (listVersion > 0 && clock.IsSynced)
                {
                    listAge = UnixTime.ToSeconds(clock.UtcNow) - UnixTime.ToSeconds(allowlist.IssuedUtc);
                }
            }

            int p = Ascii.Write("{\"firmware\":", buffer, 0);
            p = JsonString(FirmwareInfo.Version, buffer, p);
            p = Ascii.Write(",\"listVersion\":", buffer, p);
            p = Ascii.WriteInt64(listVersion, buffer, p);
            p = Ascii.Write(",\"listAgeSeconds\":", buffer, p);
            p = Ascii.WriteInt64(listAge, buffer, p);
            p = Ascii.Write(",\"listCount\":", buffer, p);
            p = Ascii.WriteInt64(listCount, buffer, p);
            p = Ascii.Write(",\"journalDepth\":", buffer, p);
            p = Ascii.WriteInt64(journal == null ? 0 : journal.PendingCount, buffer, p);
            p = Ascii.Write(",\"readerHealth\":", buffer, p);
            p = JsonString(readerHealth == null ? "unknown" : readerHealth(), buffer, p);
            p = Ascii.Write(",\"clockSynced\":", buffer, p);
            p = Ascii.Write(clock.IsSynced ? "true" : "false", buffer, p);
            p = Ascii.Write(",\"clockState\":", buffer, p);
            p = JsonString(clock.StateText, buffer, p);
            p = Ascii.Write(",\"clockSkewSeconds\":", buffer, p);
            p = Ascii.WriteInt64(clock.LastSkewSeconds, buffer, p);
            p = Ascii.Write(",\"clockSuspect\":", buffer, p);
            p = clock.IsSuspect ? JsonString(clock.SuspectReason, buffer, p) : Ascii.Write("null", buffer, p);
            p = Ascii.Write(",\"clockRefusedSteps\":", buffer, p);
            p = Ascii.WriteInt64(clock.RefusedSteps, buffer, p);
            p = Ascii.Write(",\"uptimeSeconds\":", buffer, p);
            p = Ascii.WriteInt64((clock.MonotonicMilliseconds - bootMilliseconds) / 1000, buffer, p);
            p = Ascii.Write(",\"lastError\":", buffer, p);
            p = statistics.LastError == null ? Ascii.Write("null", buffer, p) : JsonString(statistics.LastError, buffer, p);
            p = Ascii.Write("}", buffer, p);
            return p;
        }

        /// <summary>Writes a JSON string, replacing anything outside printable ASCII, quotes and backslashes by '?'.</summary>
        private static int JsonString(string text, byte[] buffer, int p)
        {
            if (p < 0 || text == null)
            {
                return p < 0 ? p : Ascii.Write("null", buffer, p);
            }

            int length = text.Length > 120 ? 120 : text.Length;
            if (p + length + 2 > buffer.Length)
            {
                return -1;
            }

            buffer[p++] = (byte)'"';
            for (int i = 0; i < length; i++)
            {
                char c = text[i];
                buffer[p++] = c < 32 || c > 126 || c == '"' || c == '\\' ? (byte)'?' : (byte)c;
            }

            buffer[p++] = (byte)'"';
            return p;
        }
    }
}
