using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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

    /// <summary>Reads the body (bounded) and checks the signature; returns the body, or null after writing a 401/413.</summary>
    private static async Task<byte[]> Authenticate(HttpContext context, string id, TerminalAuthenticator auth, int maxBody)
    {
        byte[] body = Array.Empty<byte>();
        if (context.Request.ContentLength > maxBody)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return null;
        }

        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBody)
                {
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    return null;
                }
            }

            body = buffer.ToArray();
        }

        string pathAndQuery = context.Request.Path.Value + context.Request.QueryString.Value;
        string failure = auth.Check(id, context.Request.Method, pathAndQuery,
            context.Request.Headers["X-LeoCarte-Terminal"], context.Request.Headers["X-LeoCarte-Timestamp"],
            context.Request.Headers["X-LeoCarte-Signature"], body, DateTime.UtcNow);
        if (failure != null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = failure });
            return null;
        }

        return body;
    }

    public const string ListDatabaseHeader = "X-LeoCarte-List-Database";
    public const string ProofHeader = "X-LeoCarte-Proof";

    private static async Task GetList(HttpContext context, string id, long? have, string db, string nonce, TerminalAuthenticator auth, ListService lists, GatewayOptions options)
    {
        if (await Authenticate(context, id, auth, 0) == null)
        {
            return;
        }

        // db and nonce: 16 hex digits each (API.md). db absent: an older terminal; db present, even 0 (a list
        // written before identities), and not ours: the terminal's versions mean nothing here.
        long? terminalDb = db == null ? null : ParseHex64(db);
        long requestNonce = ParseHex64(nonce);
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

    private static long ParseHex64(string text) =>
        text != null && text.Length == 16 && long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long value) ? value : 0;

    private static async Task PostJournal(HttpContext context, string id, TerminalAuthenticator auth, GroupCommitWriter writer, GatewayOptions options, ILoggerFactory loggers)
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

        var records = new List<StoredJournalRecord>();
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
            records.Add(new StoredJournalRecord(id, decoded.JournalId, decoded.Sequence, raw, decoded.UnixMilliseconds,
                Convert.ToHexStringLower(decoded.Uid, 0, decoded.UidLength), decoded.Approved, decoded.Reason, decoded.AmountCents, decoded.ListVersion));
        }

        if (options.Faults.AbortJournalBeforeStore > 0)
        {
            options.Faults.AbortJournalBeforeStore--;
            context.Abort();
            return;
        }

        // Answered only once the commit holding these records is done (group commit: durable before acknowledged).
        JournalStoreResult stored = await writer.StoreJournalAsync(id, records);
        if (stored.Conflicts > 0)
        {
            loggers.CreateLogger("Journal").LogWarning("terminal {Id}: {Conflicts} records reuse a stored sequence with different content", id, stored.Conflicts);
        }

        if (options.Faults.AbortJournalAfterStore > 0)
        {
            options.Faults.AbortJournalAfterStore--;
            context.Abort(); // stored but not acknowledged: the terminal must resend, the gateway must not double it
            return;
        }

        await context.Response.WriteAsJsonAsync(new { ackedUpTo = previous, stored = stored.Inserted, duplicates = stored.Duplicates });
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
            await context.Response.WriteAsJsonAsync(new { error = "heartbeat is not JSON" });
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
