using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using LeoCarte.Gateway.Api;
using LeoCarte.Gateway.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeoCarte.Gateway.Web;

/// <summary>
/// The card-office page's trust sections (issue 13): journal records flagged by the checks, with Accept (bill
/// it) / Reject (never bill it); the billing export, which takes only clean or accepted approvals and marks them
/// billed; the terminal credentials, with Revoke and Re-provision; the audit log of these actions. Same rules as
/// the rest of the page: signed-in operator, POST with the antiforgery token, nothing personal in a URL.
/// </summary>
public static class TrustPages
{
    public static void MapTrustPages(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/admin/terminals/{id}/revoke", async (string id, HttpContext context, TerminalCredentials credentials, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            bool done = credentials.Revoke(id, Operator(context), DateTime.UtcNow);
            return Results.Redirect("/?done=" + (done ? "revoked" : "unknown-terminal"));
        }).RequireAuthorization();

        routes.MapPost("/admin/terminals/{id}/reprovision", async (string id, HttpContext context, TerminalCredentials credentials, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            string secret = credentials.Reprovision(id, Operator(context), DateTime.UtcNow);
            if (secret == null)
            {
                return Results.Redirect("/?done=unknown-terminal");
            }

            // Shown once, in this POST's answer only (never in a URL, never stored in the page): the technician enters it as keys.terminal_secret.
            context.Response.Headers.CacheControl = "no-store";
            var html = new StringBuilder("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>LéoCarte — nouveau secret</title></head><body>");
            html.Append("<h1>Terminal ").Append(E(id)).Append(" re-provisioned / nouveau secret</h1>")
                .Append("<p>Enter this secret on the terminal as <code>keys.terminal_secret</code> (terminal.conf). It is shown once; the previous secret no longer works.</p>")
                .Append("<p><code id=\"new-secret\">").Append(E(secret)).Append("</code></p><p><a href=\"/\">Back / retour</a></p></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8);
        }).RequireAuthorization();

        routes.MapPost("/admin/journal/{terminal}/{journalId:int}/{sequence:long}/{decision}", async (string terminal, int journalId, long sequence, string decision,
            HttpContext context, TrustStore trust, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context) || decision is not ("accept" or "reject"))
            {
                return Results.BadRequest();
            }

            bool done = trust.Decide(terminal, journalId, sequence, decision == "accept", Operator(context), DateTime.UtcNow);
            return Results.Redirect("/?done=" + (done ? (decision == "accept" ? "record-accepted" : "record-rejected") : "not-flagged"));
        }).RequireAuthorization();

        routes.MapPost("/admin/billing/export", async (HttpContext context, TrustStore trust, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            List<BilledRecord> records = trust.ExportBilling(Operator(context), DateTime.UtcNow, out long batch);
            context.Response.Headers.CacheControl = "no-store";
            return Results.File(Encoding.UTF8.GetBytes(BillingCsv(records)), "text/csv; charset=utf-8",
                $"leocarte-billing-{batch.ToString(CultureInfo.InvariantCulture)}.csv");
        }).RequireAuthorization();
    }

    /// <summary>
    /// The export's CSV (';', as the card office's spreadsheet expects in France): one line per approved record,
    /// with the holder's eppn where the card is still listed. Amounts in cents, times in UTC (ISO 8601).
    /// </summary>
    public static string BillingCsv(IEnumerable<BilledRecord> records)
    {
        var csv = new StringBuilder("terminal;journal_id;sequence;time_utc;uid;eppn;amount_cents;list_version;check\n");
        foreach (BilledRecord r in records)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.TerminalId};{r.JournalId};{r.Sequence};{TimeText(r.TimeUnixMs)};{r.Uid};{CsvField(r.Eppn)};{r.AmountCents};{r.ListVersion};{r.Status}\n");
        }

        return csv.ToString();
    }

    public static string Notice(string done) => done switch
    {
        "revoked" => "Terminal secret revoked: its requests are refused (403) until it is re-provisioned.",
        "unknown-terminal" => "No such terminal in the configuration.",
        "record-accepted" => "Record accepted: it goes into the next billing export.",
        "record-rejected" => "Record rejected: it will never be billed.",
        "not-flagged" => "That record was no longer waiting for a decision.",
        _ => null,
    };

    /// <summary>The sections appended to the card-office page.</summary>
    public static string Sections(TrustStore trust, TerminalCredentials credentials, AntiforgeryTokenSet tokens)
    {
        var html = new StringBuilder();
        string csrf = $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";

        // Journal checks and billing.
        ReviewSummary summary = trust.Summary();
        html.Append("<h2>Contrôle des transactions / journal checks</h2>")
            .Append(CultureInfo.InvariantCulture, $"<p id=\"review-summary\">Ready to bill: <b>{summary.BillableRecords}</b> approved records, {summary.BillableCents / 100m:0.00} €. ")
            .Append(CultureInfo.InvariantCulture, $"<span class=\"{(summary.Flagged > 0 ? "bad" : "ok")}\">{summary.Flagged} flagged</span> (never billed until decided); ")
            .Append(CultureInfo.InvariantCulture, $"{summary.Unchecked} not checked yet; {summary.Billed} billed.</p>")
            .Append("<form method=\"post\" action=\"/admin/billing/export\" class=\"inline\">").Append(csrf)
            .Append("<button type=\"submit\" id=\"billing-export\">Exporter pour facturation / billing export (CSV)</button></form>");

        List<FlaggedRecord> flagged = trust.FlaggedRecords(100);
        if (flagged.Count > 0)
        {
            html.Append("<table id=\"flagged\"><tr><th>terminal</th><th>seq</th><th>time (terminal)</th><th>received</th><th>uid</th><th>decision</th><th>amount</th><th>list</th><th>why flagged</th><th>status</th></tr>");
            foreach (FlaggedRecord f in flagged)
            {
                string key = $"{Uri.EscapeDataString(f.TerminalId)}/{f.JournalId.ToString(CultureInfo.InvariantCulture)}/{f.Sequence.ToString(CultureInfo.InvariantCulture)}";
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"flagged-record\" data-sequence=\"{f.Sequence}\"><td>{E(f.TerminalId)}</td><td>{f.Sequence}</td><td>{E(TimeText(f.TimeUnixMs))}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{f.ReceivedUtc:yyyy-MM-dd HH:mm:ss}</td><td>{E(f.Uid.ToUpperInvariant())}</td><td>{(f.Approved ? "approved" : "denied")} ({E(((LeoCarte.Terminal.Decisions.ReasonCode)f.Reason).ToString())})</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{f.AmountCents / 100m:0.00} €</td><td>{f.ListVersion}</td><td class=\"bad anomalies\">{E(f.Anomalies)}</td><td>");
                if (f.Status == ReviewStatus.Flagged)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/admin/journal/{key}/accept\" class=\"inline\">").Append(csrf)
                        .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" id=\"accept-{f.Sequence}\">{(f.Approved ? "Facturer / bill" : "Vu / acknowledge")}</button></form> ")
                        .Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/admin/journal/{key}/reject\" class=\"inline\">").Append(csrf)
                        .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" id=\"reject-{f.Sequence}\">Ne pas facturer / reject</button></form>");
                }
                else
                {
                    html.Append(E(f.Status)).Append(" by ").Append(E(f.DecidedBy));
                }

                html.Append("</td></tr>");
            }

            html.Append("</table>");
        }

        // Terminal credentials.
        html.Append("<h2>Secrets des terminaux / terminal credentials</h2><table id=\"credentials\"><tr><th>terminal</th><th>secret</th><th>changed</th><th>actions</th></tr>");
        foreach (TerminalCredentialState c in credentials.All())
        {
            string state = c.Revoked ? "<span class=\"bad\">revoked</span>" : c.Reprovisioned ? "<span class=\"ok\">active (re-provisioned)</span>" : "<span class=\"ok\">active (configuration)</span>";
            html.Append(CultureInfo.InvariantCulture, $"<tr id=\"credential-{E(c.TerminalId)}\"><td>{E(c.TerminalId)}</td><td class=\"credential-state\">{state}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(c.ChangedUtc.HasValue ? $"{c.ChangedUtc:yyyy-MM-dd HH:mm} by {E(c.ChangedBy)}" : "")}</td><td>");
            string id = Uri.EscapeDataString(c.TerminalId);
            if (!c.Revoked)
            {
                html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/admin/terminals/{id}/revoke\" class=\"inline\">").Append(csrf)
                    .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" id=\"revoke-{E(c.TerminalId)}\">Révoquer / revoke</button></form> ");
            }

            html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/admin/terminals/{id}/reprovision\" class=\"inline\">").Append(csrf)
                .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" id=\"reprovision-{E(c.TerminalId)}\">Nouveau secret / re-provision</button></form></td></tr>");
        }

        html.Append("</table>");

        // Audit log.
        List<AuditEntry> audit = trust.RecentAudit(20);
        if (audit.Count > 0)
        {
            html.Append("<h3>Journal des actions / audit log</h3><table id=\"audit\"><tr><th>when (UTC)</th><th>operator</th><th>action</th><th>what</th></tr>");
            foreach (AuditEntry a in audit)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{a.AtUtc:yyyy-MM-dd HH:mm:ss}</td><td>{E(a.Operator)}</td><td>{E(a.Action)}</td><td>{E(a.Target)}{(a.Detail != null ? " — " + E(a.Detail) : "")}</td></tr>");
            }

            html.Append("</table>");
        }

        return html.ToString();
    }

    private static string Operator(HttpContext context) => context.User.Identity?.Name ?? "?";

    private static string E(string text) => WebUtility.HtmlEncode(text ?? "");

    private static string CsvField(string text) => text == null ? "" : text.Contains(';') || text.Contains('"') || text.Contains('\n') ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    private static string TimeText(long unixMs) =>
        unixMs is < -62135596800000 or > 253402300799999 ? unixMs.ToString(CultureInfo.InvariantCulture) + " ms"
            : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
