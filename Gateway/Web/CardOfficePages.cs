using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Threading.Tasks;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Decisions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeoCarte.Gateway.Web;

/// <summary>
/// The card office's page, server-rendered: sign-in (operators from the configuration, PBKDF2 hashes), the
/// list in force, imports with what they changed, held imports to confirm or reject, terminals, and a card
/// lookup by csn or eppn showing what each terminal applies. Every action is a POST with an antiforgery token
/// (CSRF) under a signed-in operator; the sign-in cookie is HttpOnly, SameSite=Strict, Secure over HTTPS.
/// Nothing personal goes into a URL: the lookup is a POST too.
/// </summary>
public static partial class CardOfficePages
{
    public const string CookieName = "leocarte-office";

    public static void AddCardOffice(this IServiceCollection services)
    {
        services.AddSingleton<OperatorPasswords>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "leocarte-csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__csrf";
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.Events.OnRedirectToLogin = context =>
            {
                // The JSON API answers 401; pages go to the sign-in form (without a return URL in the query).
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    context.Response.Redirect("/signin");
                }

                return Task.CompletedTask;
            };
        });
        services.AddAuthorization();
    }

    public static void MapCardOffice(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/signin", (HttpContext context, IAntiforgery csrf) =>
            Html(SignInPage(csrf.GetAndStoreTokens(context), failed: false)));
        routes.MapPost("/signin", SignIn);
        routes.MapPost("/signout", async (HttpContext context, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        });

        routes.MapGet("/", (HttpContext context, IGatewayStore store, IAntiforgery csrf) =>
            Html(Dashboard(store, csrf.GetAndStoreTokens(context), Operator(context), DateTime.UtcNow, Notice(context.Request.Query["done"]), null, context.RequestServices)))
            .RequireAuthorization();

        routes.MapPost("/cards", async (HttpContext context, IGatewayStore store, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            IFormCollection form = await context.Request.ReadFormAsync();
            string query = form["q"].ToString().Trim();
            return Html(Dashboard(store, csrf.GetAndStoreTokens(context), Operator(context), DateTime.UtcNow, null, CardLookup(store, query), context.RequestServices));
        }).RequireAuthorization();

        routes.MapPost("/admin/import", async (HttpContext context, ImportService imports, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            ImportOutcome outcome = await imports.ImportNowAsync();
            return Results.Redirect("/?done=" + outcome.Status.ToString().ToLowerInvariant());
        }).RequireAuthorization();

        routes.MapPost("/admin/held/{id:long}/confirm", async (long id, HttpContext context, ListService lists, ImportService imports, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            ImportOutcome outcome = lists.ConfirmHeld(id, Operator(context), DateTime.UtcNow);
            imports.Record("held import #" + id.ToString(CultureInfo.InvariantCulture), outcome);
            return Results.Redirect("/?done=" + (outcome.Ok ? "confirmed" : "not-confirmed"));
        }).RequireAuthorization();

        routes.MapPost("/admin/held/{id:long}/reject", async (long id, HttpContext context, ListService lists, IAntiforgery csrf) =>
        {
            if (!await csrf.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            bool rejected = lists.RejectHeld(id, Operator(context), DateTime.UtcNow);
            return Results.Redirect("/?done=" + (rejected ? "rejected" : "not-rejected"));
        }).RequireAuthorization();
    }

    private static async Task<IResult> SignIn(HttpContext context, GatewayOptions options, OperatorPasswords passwords, IAntiforgery csrf)
    {
        if (!await csrf.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }

        IFormCollection form = await context.Request.ReadFormAsync();
        string name = form["name"].ToString().Trim();
        if (!passwords.Check(options, name, form["password"].ToString(), DateTime.UtcNow))
        {
            // Same page, same answer for an unknown name and a wrong password; nothing in the URL.
            return Html(SignInPage(csrf.GetAndStoreTokens(context), failed: true), StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, name) }, CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect("/");
    }

    private static string Operator(HttpContext context) => context.User.Identity?.Name ?? "?";

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string Notice(string done) => done switch
    {
        "published" => "Import done: a new list version was published.",
        "unchanged" => "Import done: nothing changed.",
        "held" => "The import was held: check it below, then confirm or reject it.",
        "refused" => "The import was refused: the list in force stays (see Imports).",
        "confirmed" => "Held import confirmed and published.",
        "not-confirmed" => "The held import was not published (see Imports for why).",
        "rejected" => "Held import rejected: the list in force stays.",
        "not-rejected" => "That import was no longer waiting.",
        _ => TrustPages.Notice(done),
    };

    private static string E(string text) => WebUtility.HtmlEncode(text ?? "");

    private static string Csrf(AntiforgeryTokenSet tokens) =>
        $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";

    private static void Head(StringBuilder html, string title)
    {
        html.Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<title>").Append(E(title)).Append("</title><style>")
            .Append("body{font-family:sans-serif;margin:1.5em;max-width:80em}table{border-collapse:collapse;margin:.5em 0}")
            .Append("td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}")
            .Append(".bad{color:#b00;font-weight:bold}.ok{color:#070}.held{border:2px solid #c60;padding:.5em 1em;margin:1em 0;background:#fff8ee}")
            .Append(".notice{background:#eef;padding:.5em}form.inline{display:inline}small{color:#555}")
            .Append("</style></head><body>");
    }

    public static string SignInPage(AntiforgeryTokenSet tokens, bool failed)
    {
        var html = new StringBuilder();
        Head(html, "LéoCarte — service carte");
        html.Append("<h1>LéoCarte — service carte</h1>");
        if (failed)
        {
            html.Append("<p class=\"bad\" id=\"signin-failed\">Identifiant ou mot de passe incorrect / wrong name or password.</p>");
        }

        html.Append("<form method=\"post\" action=\"/signin\" id=\"signin\">").Append(Csrf(tokens))
            .Append("<p><label>Opérateur / operator <input name=\"name\" id=\"name\" autocomplete=\"username\" required></label></p>")
            .Append("<p><label>Mot de passe / password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>")
            .Append("<p><button type=\"submit\" id=\"signin-button\">Se connecter / sign in</button></p></form></body></html>");
        return html.ToString();
    }

    public static string Dashboard(IGatewayStore store, AntiforgeryTokenSet tokens, string operatorName, DateTime nowUtc, string notice, string lookup,
        IServiceProvider services = null)
    {
        ListVersionInfo current = store.CurrentVersion();
        var html = new StringBuilder();
        Head(html, "LéoCarte — service carte");
        html.Append("<form method=\"post\" action=\"/signout\" class=\"inline\" style=\"float:right\">").Append(Csrf(tokens))
            .Append("<small>").Append(E(operatorName)).Append("</small> <button type=\"submit\" id=\"signout\">Se déconnecter</button></form>");
        html.Append("<h1>LéoCarte — service carte</h1>");
        if (notice != null)
        {
            html.Append("<p class=\"notice\" id=\"notice\">").Append(E(notice)).Append("</p>");
        }

        if (current == null)
        {
            html.Append("<p class=\"bad\" id=\"list\">No list published yet: the terminals refuse every card (\"Terminal sans liste\").</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"list\">List in force: <b>version {current.Version}</b>, {current.CardCount} cards, issued {current.IssuedUtc:yyyy-MM-dd HH:mm:ss} UTC ({Age(nowUtc - current.IssuedUtc)} ago).</p>");
        }

        html.Append("<form method=\"post\" action=\"/admin/import\" class=\"inline\">").Append(Csrf(tokens))
            .Append("<button type=\"submit\" id=\"import-now\">Importer maintenant / import now</button></form> <a href=\"/\">Rafraîchir / refresh</a>");

        // Card lookup.
        html.Append("<h2>Carte / card</h2><form method=\"post\" action=\"/cards\" id=\"lookup\">").Append(Csrf(tokens))
            .Append("<label>csn (hex) ou eppn <input name=\"q\" id=\"lookup-q\" size=\"40\" required></label> <button type=\"submit\" id=\"lookup-button\">Chercher / look up</button></form>");
        if (lookup != null)
        {
            html.Append(lookup);
        }

        // Held imports.
        List<HeldImport> held = store.HeldImports(10);
        foreach (HeldImport h in held.Where(h => h.Status == HeldStatus.Held))
        {
            ImportReport report = ImportReport.FromJson(h.Report);
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"held\" id=\"held-{h.Id}\"><h2>Import #{h.Id} en attente / held for confirmation</h2>")
                .Append(CultureInfo.InvariantCulture, $"<p>{h.AtUtc:yyyy-MM-dd HH:mm:ss} UTC, {E(h.Source)}, against version {h.BaseVersion}.</p>")
                .Append("<p class=\"bad\">Held because ").Append(E(h.Reason)).Append(".</p>");
            if (report != null)
            {
                html.Append("<p>If confirmed: ").Append(E(report.ChangeLine())).Append(CultureInfo.InvariantCulture, $"; {report.ListedCards} cards listed (now {report.PreviousCards}).</p>");
                AppendStates(html, report);
                AppendIssues(html, report);
            }

            html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/admin/held/{h.Id}/confirm\" class=\"inline\">").Append(Csrf(tokens))
                .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" id=\"confirm-{h.Id}\">Confirmer et publier / confirm</button></form> ")
                .Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/admin/held/{h.Id}/reject\" class=\"inline\">").Append(Csrf(tokens))
                .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" id=\"reject-{h.Id}\">Rejeter / reject</button></form></div>");
        }

        // Imports.
        html.Append("<h2>Imports</h2><table id=\"imports\"><tr><th>when (UTC)</th><th>source</th><th>result</th></tr>");
        foreach (ImportRecord import in store.RecentImports(10))
        {
            ImportReport report = ImportReport.FromJson(import.Report);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{import.AtUtc:yyyy-MM-dd HH:mm:ss}</td><td>{E(SourceDisplay.Redact(import.Source))}</td><td class=\"{(import.Ok ? "ok" : "bad")}\">{E(import.Message)}");
            if (report != null && (report.SetAsideCount > 0 || report.WarningCount > 0 || report.ByState.Count > 0))
            {
                html.Append("<details><summary>details</summary>");
                html.Append(CultureInfo.InvariantCulture, $"<p>{report.RowsRead} rows read ({E(report.Format)}), {report.ListedCards} cards listed, {report.NotListedRows} rows not listed (no csn yet, cancelled, rejected, new-card requests).</p>");
                AppendStates(html, report);
                AppendIssues(html, report);
                html.Append("</details>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</table>");

        // Decided held imports.
        if (held.Any(h => h.Status != HeldStatus.Held))
        {
            html.Append("<h3>Held imports decided</h3><table id=\"held-history\"><tr><th>#</th><th>held (UTC)</th><th>why</th><th>status</th><th>by</th></tr>");
            foreach (HeldImport h in held.Where(h => h.Status != HeldStatus.Held))
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{h.Id}</td><td>{h.AtUtc:yyyy-MM-dd HH:mm:ss}</td><td>{E(h.Reason)}</td><td>{E(h.Status)}{(h.PublishedVersion > 0 ? $" (version {h.PublishedVersion})" : "")}</td><td>{E(h.DecidedBy)}</td></tr>");
            }

            html.Append("</table>");
        }

        // Terminals.
        html.Append("<h2>Terminaux / terminals</h2><table id=\"terminals\"><tr><th>terminal</th><th>firmware</th><th>list version</th><th>list age</th><th>last sync</th>")
            .Append("<th>journal backlog</th><th>records received</th><th>cartes non personnalisées / approved by UID only (migration)</th><th>reader</th><th>clock</th><th>last error</th></tr>");
        long uidOnlyTotal = 0, authenticatedTotal = 0;
        foreach (TerminalRow t in store.Terminals())
        {
            uidOnlyTotal += t.UidOnlyApprovals;
            authenticatedTotal += t.AuthenticatedApprovals;
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
                .Append(CultureInfo.InvariantCulture, $"<td class=\"uid-only {(t.UidOnlyApprovals > 0 ? "bad" : "ok")}\">{t.UidOnlyApprovals} (authenticated {t.AuthenticatedApprovals})</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(t.ReaderHealth)}</td>{ClockCell(t)}<td>{E(t.LastError)}</td>")
                .Append("</tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</table><p id=\"card-policy\">Approbations par UID seul (cartes à personnaliser) / approvals by UID only in migration mode: {uidOnlyTotal}; approbations authentifiées DESFire AES / authenticated approvals: {authenticatedTotal}.</p>");
        if (services?.GetService<TrustStore>() is TrustStore trust && services.GetService<LeoCarte.Gateway.Api.TerminalCredentials>() is { } credentials)
        {
            html.Append(TrustPages.Sections(trust, credentials, tokens)); // journal checks, billing, terminal credentials, audit (issue 13)
        }

        html.Append("<p><small>API: <a href=\"/openapi.yaml\">openapi.yaml</a> · status JSON: <a href=\"/api/v1/status\">/api/v1/status</a></small></p></body></html>");
        return html.ToString();
    }

    private static void AppendStates(StringBuilder html, ImportReport report)
    {
        if (report.ByState.Count > 0)
        {
            html.Append("<p>Cards by state: ").Append(E(string.Join(", ", report.ByState.Select(s => $"{s.Key} {s.Value}")))).Append(".</p>");
        }
    }

    private static void AppendIssues(StringBuilder html, ImportReport report)
    {
        if (report.SetAsideCount > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{report.SetAsideCount} row(s) set aside (their cards keep the state in force; {report.Retained} kept):</p><ul class=\"set-aside\">");
            foreach (RowIssue issue in report.SetAside.Take(50))
            {
                html.Append("<li>").Append(E(issue.ToString())).Append("</li>");
            }

            html.Append(report.SetAsideCount > 50 ? "<li>…</li>" : "").Append("</ul>");
        }

        if (report.WarningCount > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{report.WarningCount} value(s) ignored: ").Append(E(string.Join("; ", report.Warnings.Take(10)))).Append("</p>");
        }
    }

    /// <summary>
    /// The cards matching a csn (hex, any case) or an eppn, with the state in force and, per terminal, what it
    /// applies now: its list version's state of the card (from the kept changes), or "until its next sync".
    /// </summary>
    public static string CardLookup(IGatewayStore store, string query)
    {
        var html = new StringBuilder("<div id=\"card-result\">");
        Dictionary<string, ListCard> cards = store.CurrentCards();
        var found = new List<ListCard>();
        string csn = EsupSgcExport.NormalizeCsn(query, out _);
        string eppn = null;
        if (csn != null || IsDecimal(query))
        {
            // The csn as ESUP-SGC shows it (hex), or the forms other campus systems print: the hex reversed, the
            // decimal of the UID and of the reversed UID (reader-facts.md).
            foreach (string form in CsnForms(query))
            {
                if (cards.TryGetValue(form, out ListCard card) && !found.Contains(card))
                {
                    found.Add(card);
                }
            }
        }
        else if (query.Length > 0)
        {
            eppn = query;
            if (store.FindHolderKeys(new[] { query }).TryGetValue(query, out int holder))
            {
                found.AddRange(cards.Values.Where(c => c.HolderKey == holder).OrderBy(c => c.Csn, StringComparer.Ordinal));
            }
        }

        if (found.Count == 0)
        {
            html.Append("<p class=\"bad\">No listed card for ").Append(E(query))
                .Append(": a terminal answers \"Carte inconnue\" (not in the export, no csn yet, or a cancelled/rejected request).</p></div>");
            return html.ToString();
        }

        ListVersionInfo current = store.CurrentVersion();
        List<TerminalRow> terminals = store.Terminals();
        foreach (ListCard card in found)
        {
            string holderEppn = eppn ?? store.HolderEppn(card.HolderKey);
            ReasonCode reason = StateMapping.ReasonAtTill(card.State, card.Category);
            List<ListChange> history = store.CardHistory(card.Csn);
            html.Append("<table class=\"card\"><tr><th>csn</th><td class=\"csn\">").Append(E(card.Csn.ToUpperInvariant())).Append("</td></tr>")
                .Append("<tr><th>eppn</th><td>").Append(E(holderEppn)).Append("</td></tr>")
                .Append("<tr><th>state in force</th><td class=\"state\">").Append(E(StateMapping.Describe(card.State, card.Category)))
                .Append(CultureInfo.InvariantCulture, $" (version {current?.Version ?? 0}{(history.Count > 0 ? $", changed in version {history[^1].Version}" : "")})</td></tr>")
                .Append("<tr><th>at the till</th><td class=\"till\">").Append(E(ReasonText.InFrench(reason))).Append(" / ").Append(E(ReasonText.InEnglish(reason))).Append("</td></tr>");
            foreach (TerminalRow t in terminals)
            {
                html.Append("<tr><th>").Append(E(t.TerminalId)).Append("</th><td>").Append(E(StateAtTerminal(card, history, t.ListVersion, current?.Version ?? 0))).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</div>");
        return html.ToString();
    }

    private static bool IsDecimal(string text) => text.Length is > 0 and <= 25 && text.All(char.IsAsciiDigit);

    /// <summary>The list keys a typed card number may stand for: hex as typed and reversed; decimal (of the UID or of the reversed UID) as 4, 7 or 10 bytes.</summary>
    public static IEnumerable<string> CsnForms(string query)
    {
        query = query.Trim();
        var forms = new List<string>();
        string hex = EsupSgcExport.NormalizeCsn(query, out _);
        if (hex != null)
        {
            forms.Add(hex);
            forms.Add(Convert.ToHexStringLower(Convert.FromHexString(hex).Reverse().ToArray()));
        }

        if (IsDecimal(query) && System.Numerics.BigInteger.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            byte[] bigEndian = number.ToByteArray(isUnsigned: true, isBigEndian: true);
            foreach (int length in new[] { 4, 7, 10 })
            {
                if (bigEndian.Length <= length)
                {
                    byte[] uid = new byte[length];
                    bigEndian.CopyTo(uid, length - bigEndian.Length);
                    forms.Add(Convert.ToHexStringLower(uid));
                    forms.Add(Convert.ToHexStringLower(uid.Reverse().ToArray()));
                }
            }
        }

        return forms.Distinct();
    }

    private static string StateAtTerminal(ListCard card, List<ListChange> history, long terminalVersion, long currentVersion)
    {
        string now = Meaning(card.State, card.Category);
        if (terminalVersion >= currentVersion)
        {
            return $"applies: {now} (list version {terminalVersion})";
        }

        // The state at the terminal's version: the last kept change at or before it.
        ListChange atTerminal = history.LastOrDefault(c => c.Version <= terminalVersion);
        bool changedSince = history.Any(c => c.Version > terminalVersion);
        if (!changedSince)
        {
            return $"applies: {now} (list version {terminalVersion}, not changed since)";
        }

        string then = atTerminal == null
            ? "what it had before version " + history.First(c => c.Version > terminalVersion).Version.ToString(CultureInfo.InvariantCulture) + " (not listed, or older than the kept history)"
            : atTerminal.State.HasValue ? Meaning(atTerminal.State.Value, atTerminal.Category) : "Carte inconnue (removed)";
        return $"applies: {then} (list version {terminalVersion}); {now} after its next sync";
    }

    private static string Meaning(CardState state, byte category) =>
        $"{StateMapping.Describe(state, category)} — \"{ReasonText.InFrench(StateMapping.ReasonAtTill(state, category))}\"";

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
