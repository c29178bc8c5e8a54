using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using LeoCarte.Gateway.Storage;

namespace LeoCarte.Gateway.Web;

/// <summary>The operator's page: list in force, last imports, and every terminal with its list version, last heartbeat and journal backlog.</summary>
public static class StatusPage
{
    public static string Render(IGatewayStore store, DateTime nowUtc)
    {
        ListVersionInfo current = store.CurrentVersion();
        List<TerminalRow> terminals = store.Terminals();
        List<ImportRecord> imports = store.RecentImports(5);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"15\">");
        html.Append("<title>LéoCarte gateway</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
            .Append("td,th{border:1px solid #999;padding:4px 8px;text-align:left}th{background:#eee}.bad{color:#b00;font-weight:bold}.ok{color:#070}</style></head><body>");
        html.Append("<h1>LéoCarte gateway</h1>");
        if (current == null)
        {
            html.Append("<p class=\"bad\">No list published yet.</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>List in force: <b>version {current.Version}</b>, {current.CardCount} cards, issued {current.IssuedUtc:yyyy-MM-dd HH:mm:ss} UTC ({Age(nowUtc - current.IssuedUtc)} ago).</p>");
        }

        html.Append("<h2>Imports</h2><table><tr><th>when (UTC)</th><th>source</th><th>result</th></tr>");
        foreach (ImportRecord import in imports)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{import.AtUtc:yyyy-MM-dd HH:mm:ss}</td><td>{E(import.Source)}</td><td class=\"{(import.Ok ? "ok" : "bad")}\">{E(import.Message)}</td></tr>");
        }

        html.Append("</table><h2>Terminals</h2><table><tr><th>terminal</th><th>firmware</th><th>list version</th><th>list age</th><th>last heartbeat</th>")
            .Append("<th>journal backlog (on terminal)</th><th>records received</th><th>last sequence</th><th>reader</th><th>clock</th><th>last error</th></tr>");
        foreach (TerminalRow t in terminals)
        {
            bool behind = current != null && t.ListVersion < current.Version;
            TimeSpan? silence = t.LastHeartbeatUtc.HasValue ? nowUtc - t.LastHeartbeatUtc.Value : null;
            bool silent = !silence.HasValue || silence.Value > TimeSpan.FromMinutes(5);
            html.Append("<tr>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(t.TerminalId)}</td><td>{E(t.Firmware)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"{(behind ? "bad" : "ok")}\">{t.ListVersion}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(t.ListAgeSeconds < 0 ? "?" : Age(TimeSpan.FromSeconds(t.ListAgeSeconds)))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"{(silent ? "bad" : "ok")}\">{(silence.HasValue ? Age(silence.Value) + " ago" : "never")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"{(t.JournalDepth > 0 ? "bad" : "ok")}\">{t.JournalDepth}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{t.JournalRecords}{(t.JournalConflicts > 0 ? $" <span class=\"bad\">({t.JournalConflicts} conflicts)</span>" : "")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{t.LastSequence}</td><td>{E(t.ReaderHealth)}</td><td>{E(t.ClockState)}{(t.ClockSkewSeconds != 0 ? $" ({t.ClockSkewSeconds:+#;-#} s)" : "")}</td><td>{E(t.LastError)}</td>")
                .Append("</tr>");
        }

        html.Append("</table><p><small>API: <a href=\"/openapi.yaml\">openapi.yaml</a> · status JSON: <a href=\"/api/v1/status\">/api/v1/status</a></small></p></body></html>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text ?? "");

    private static string Age(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        if (span.TotalSeconds < 120)
        {
            return $"{(int)span.TotalSeconds} s";
        }

        if (span.TotalMinutes < 120)
        {
            return $"{(int)span.TotalMinutes} min";
        }

        return span.TotalHours < 48 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalDays} d";
    }
}
