using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using LeoCarte.Gateway.Journal;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoCarte.Gateway.Api;

/// <summary>The terminal API (Gateway/API.md, Gateway/openapi.yaml).</summary>
public static class TerminalApi
{
    public const string TimeHeader = "X-LeoCarte-Time";
    public const string ListVersionHeader = "X-LeoCarte-List-Version";
    public const string ListKindHeader = "X-LeoCarte-List-Kind";

    /// <summary>Adds X-LeoCarte-Time (Unix seconds) to every response, errors included, so a terminal can set or check its clock.</summary>
    public static IApplicationBuilder UseGatewayTime(this IApplicationBuilder app)
    {
        return app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                // An endpoint that signed its time (the "up to date" proof) has set it already: keep that value.
                if (!context.Response.Headers.ContainsKey(TimeHeader))
                {
                    context.Response.Headers[TimeHeader] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                }

                return Task.CompletedTask;
            });
            await next();
        });
    }

    public static void MapTerminalApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/terminals/{id}/list", GetList);
        routes.MapPost("/api/v1/terminals/{id}/journal", PostJournal);
        routes.MapPost("/api/v1/terminals/{id}/heartbeat", PostHeartbeat);
    }

    /// <summary>
    /// Authenticates a terminal request in the order that keeps a hostile client cheap (issue 13 item 5): the
    /// headers first (canonical forms, known and not revoked terminal, timestamp in the window) — a request
    /// failing them is answered 401/403 without reading a byte of its body; then the declared length against
    /// this endpoint's limit (413); then the body, bounded; then the signature over the raw request target as
    /// sent and the body. Every refusal is logged with the reason, terminal id (when well-formed) and client
    /// address, never a header value that could be a secret. Returns the body, or null after answering.
    /// </summary>
    private static async Task<byte[]> Authenticate(HttpContext context, string id, TerminalAuthenticator auth, int maxBody)
    {
        HeaderCheck headers = auth.CheckHeaders(id, context.Request.Headers[TerminalHeader], context.Request.Headers[TimestampHeader],
            context.Request.Headers[SignatureHeader], DateTime.UtcNow);
        if (!headers.Passed)
        {
            await Refuse(context, headers.Status, headers.Error);
            return null;
        }

        IHttpMaxRequestBodySizeFeature limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = maxBody;
        }

        if (context.Request.ContentLength > maxBody)
        {
            await Refuse(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {maxBody} bytes");
            return null;
        }

        byte[] body = Array.Empty<byte>();
        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[8192];
            int read;
            try
            {
                while ((read = await context.Request.Body.ReadAsync(chunk)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > maxBody)
                    {
                        await Refuse(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {maxBody} bytes");
                        return null;
                    }
                }
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await Refuse(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {maxBody} bytes");
                return null;
            }

            body = buffer.ToArray();
        }

        // The request target exactly as the terminal sent it (API.md): no decoding or normalisation before the MAC.
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value + context.Request.QueryString.Value;
        if (!auth.CheckSignature(headers, context.Request.Method, rawTarget, id, body))
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "bad signature");
            return null;
        }

        return body;
    }

    public const string ListDatabaseHeader = "X-LeoCarte-List-Database";
    public const string ProofHeader = "X-LeoCarte-Proof";

    public const string TerminalHeader = "X-LeoCarte-Terminal";
    public const string TimestampHeader = "X-LeoCarte-Timestamp";
    public const string SignatureHeader = "X-LeoCarte-Signature";

    private static async Task Refuse(HttpContext context, int status, string error)
    {
        string terminal = context.Request.Headers[TerminalHeader];
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LeoCarte.Gateway.Auth").LogWarning(
            "terminal request refused {Status}: {Reason}; terminal {Terminal}; from {Address}; {Method} {Path}",
            status, error, TerminalAuthenticator.IsCanonicalTerminalId(terminal) ? terminal : "(none or malformed)",
            context.Connection.RemoteIpAddress?.ToString() ?? "?", context.Request.Method, LogSafe(context.Request.Path.Value));
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error });
    }

    /// <summary>A request path for the log: printable ASCII only, at most 100 characters (no log forging with line breaks).</summary>
    private static string LogSafe(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var chars = new char[Math.Min(text.Length, 100)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = text[i] is >= ' ' and <= '~' ? text[i] : '?';
        }

        return new string(chars) + (text.Length > 100 ? "…" : "");
    }

    private static async Task GetList(HttpContext context, string id, TerminalAuthenticator auth, ListService lists, GatewayOptions options)
    {
        if (await Authenticate(context, id, auth, 0) == null)
        {
            return;
        }

        // ?have= in canonical decimal only (what SyncEngine sends); no query = 0.
        long? have = null;
        Microsoft.Extensions.Primitives.StringValues haveText = context.Request.Query["have"];
        if (haveText.Count > 1 || (haveText.Count == 1 && !(TerminalAuthenticator.IsCanonicalDecimal(haveText[0])
            && long.TryParse(haveText[0], NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) && (have = parsed) >= 0)))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "have must be a version in plain decimal digits" });
            return;
        }

        // db and nonce: 16 lowercase hex digits each (API.md), canonical like have. db absent: an older terminal;
        // db present, even 0 (a list written before identities), and not ours: the terminal's versions mean nothing here.
        if (!TryHex64(context.Request.Query["db"], out long? terminalDb) || !TryHex64(context.Request.Query["nonce"], out long? nonce))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "db and nonce must be 16 lowercase hex digits" });
            return;
        }

        long requestNonce = nonce ?? 0;
        ListAnswer answer = lists.GetList(have ?? 0, terminalDb);
        context.Response.Headers[ListDatabaseHeader] = lists.DatabaseId.ToString("x16", CultureInfo.InvariantCulture);
        context.Response.Headers[ListVersionHeader] = answer.Version.ToString(CultureInfo.InvariantCulture);
        switch (answer.Kind)
        {
            case ListAnswerKind.NoList:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new { error = "no list published yet" });
                return;
            case ListAnswerKind.UpToDate:
                // Signed, so that a replayed or forged 204 cannot reset a terminal's staleness clock: the proof
                // binds its database, version, this request's nonce and the time sent in X-LeoCarte-Time.
                long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                context.Response.Headers[TimeHeader] = now.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers[ProofHeader] = auth.UpToDateProof(id, lists.DatabaseId, answer.Version, now, requestNonce);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case ListAnswerKind.TerminalAhead:
                context.Response.StatusCode = StatusCodes.Status409Conflict;
                await context.Response.WriteAsJsonAsync(new { error = "terminal reports a version this gateway never published", current = answer.Version });
                return;
        }

        byte[] bytes = answer.Bytes;
        if (options.Faults.TamperList != null)
        {
            bytes = options.Faults.TamperList(have ?? 0, bytes);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/vnd.leocarte.list";
        context.Response.Headers[ListKindHeader] = answer.Kind == ListAnswerKind.Delta ? "delta" : "snapshot";
        context.Response.ContentLength = bytes.Length;
        int abortAfter = options.Faults.AbortListAfterBytes;
        if (abortAfter >= 0 && abortAfter < bytes.Length)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, abortAfter));
            await context.Response.Body.FlushAsync();
            context.Abort(); // what the terminal sees when the gateway process dies mid-download
            return;
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    /// <summary>An absent parameter (null) or exactly one value of 16 lowercase hex digits; anything else is refused rather than normalised.</summary>
    private static bool TryHex64(Microsoft.Extensions.Primitives.StringValues values, out long? value)
    {
        value = null;
        if (values.Count == 0)
        {
            return true;
        }

        string text = values[0];
        if (values.Count > 1 || text == null || text.Length != 16)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        value = long.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }

    private static async Task PostJournal(HttpContext context, string id, TerminalAuthenticator auth, GroupCommitWriter writer, GatewayOptions options, ILoggerFactory loggers,
        JournalChecker checker, TrustStore trust)
    {
        byte[] body = await Authenticate(context, id, auth, options.MaxJournalBatchBytes);
        if (body == null)
        {
            return;
        }

        if (body.Length == 0 || body.Length % JournalRecord.Size != 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = $"body must be whole {JournalRecord.Size}-byte records", length = body.Length });
            return;
        }

        DateTime receivedUtc = DateTime.UtcNow;
        var records = new List<StoredJournalRecord>();
        var raws = new List<byte[]>();
        var decoded = new JournalRecord();
        long previous = 0;
        for (int offset = 0, index = 0; offset < body.Length; offset += JournalRecord.Size, index++)
        {
            if (!decoded.Decode(body, offset, body.Length - offset))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new { error = "record fails its CRC or format check; nothing stored", index });
                return;
            }

            if (decoded.Sequence <= previous)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new { error = "sequences must increase within a batch; nothing stored", index });
                return;
            }

            previous = decoded.Sequence;
            byte[] raw = body.AsSpan(offset, JournalRecord.Size).ToArray();
            raws.Add(raw);
            records.Add(new StoredJournalRecord(id, decoded.JournalId, decoded.Sequence, raw, decoded.UnixMilliseconds,
                Convert.ToHexStringLower(decoded.Uid, 0, decoded.UidLength), decoded.Approved, decoded.Reason, decoded.AmountCents, decoded.ListVersion));
        }

        if (options.Faults.AbortJournalBeforeStore > 0)
        {
            options.Faults.AbortJournalBeforeStore--;
            context.Abort();
            return;
        }

        // Checked before storing (the sequence rule needs the journal as it was), stored in any case: a record
        // failing a check is kept and flagged, never dropped (Journal/JournalChecker). Answered only once the
        // commit holding these records and their verdicts (group commit: durable before acknowledged) is done.
        // The verdicts go in that same commit: one transaction (one fsync) per group, not one more per request.
        List<JournalVerdict> verdicts = checker.Check(id, raws, receivedUtc);
        JournalStoreResult stored = await writer.StoreJournalAsync(id, records, verdicts);
        int flagged = verdicts.Count(v => v.Anomalies != null);
        if (flagged > 0)
        {
            loggers.CreateLogger("Journal").LogWarning("terminal {Id}: {Flagged} of {Count} records flagged for review (not billed until an operator decides)", id, flagged, verdicts.Count);
        }

        if (stored.Conflicts > 0)
        {
            loggers.CreateLogger("Journal").LogWarning("terminal {Id}: {Conflicts} records reuse a stored sequence with different content", id, stored.Conflicts);
            trust.FlagConflicts(id); // the stored copy is not billed before an operator has looked
        }

        if (options.Faults.AbortJournalAfterStore > 0)
        {
            options.Faults.AbortJournalAfterStore--;
            context.Abort(); // stored but not acknowledged: the terminal must resend, the gateway must not double it
            return;
        }

        await context.Response.WriteAsJsonAsync(new { ackedUpTo = previous, stored = stored.Inserted, duplicates = stored.Duplicates, flagged });
    }

    private static async Task PostHeartbeat(HttpContext context, string id, TerminalAuthenticator auth, GroupCommitWriter writer, ListService lists)
    {
        byte[] body = await Authenticate(context, id, auth, 4096);
        if (body == null)
        {
            return;
        }

        var row = new TerminalRow { TerminalId = id, LastHeartbeatUtc = DateTime.UtcNow };
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the heartbeat is a JSON object");
            }

            row.Firmware = Text(root, "firmware");
            row.ListVersion = Number(root, "listVersion", 0);
            row.ListAgeSeconds = Number(root, "listAgeSeconds", -1);
            row.JournalDepth = (int)Number(root, "journalDepth", 0);
            row.ReaderHealth = Text(root, "readerHealth");
            row.ClockState = Text(root, "clockState");
            row.ClockSkewSeconds = Number(root, "clockSkewSeconds", 0);
            row.LastError = Text(root, "lastError");
        }
        catch (JsonException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "heartbeat is not a JSON object" });
            return;
        }

        await writer.RecordHeartbeatAsync(row);
        ListVersionInfo current = lists.Current();
        await context.Response.WriteAsJsonAsync(new { serverTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), listVersion = current?.Version ?? 0 });
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Number(JsonElement root, string name, long fallback) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : fallback;
}
