using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace LeoCarte.Gateway.Import;

/// <summary>
/// One card row of an ESUP-SGC export, checked: Csn is lowercase hex of a 4, 7 or 10-byte ISO 14443 UID (the
/// form the list uses) or null when the card has none yet; Etat and MotifDisable are ESUP-SGC enum names;
/// DateEtat is ESUP-SGC's local time (LocalDateTime), null when absent. Line is the 1-based line where the
/// row starts (CSV) or the card's position (JSON: user number).
/// </summary>
public sealed record EsupCard(long Id, string Csn, string Etat, DateTime? DateEtat, string Eppn, string MotifDisable, int Line);

/// <summary>A row set aside (or a value ignored): where and why, never the value itself (it may be personal data).</summary>
public sealed record RowIssue(int Line, string Field, string Reason, long? CardId = null)
{
    /// <summary>For logs and pages: "line 14, csn: not 4, 7 or 10 bytes of hex (12 characters) (card id 1234)".</summary>
    public override string ToString() =>
        $"line {Line}{(Field == null ? "" : ", " + Field)}: {Reason}{(CardId.HasValue ? $" (card id {CardId.Value})" : "")}";
}

/// <summary>A refused export (not UTF-8, no usable header, not JSON...): nothing of it can be used.</summary>
public sealed class ExportFormatException : Exception
{
    public ExportFormatException(int line, string message)
        : base($"line {line}: {message}")
    {
        Line = line;
        Reason = message;
    }

    public int Line { get; }

    public string Reason { get; }
}

/// <summary>What was read from one export.</summary>
public sealed class ExportReadResult
{
    /// <summary>"csv" or "json".</summary>
    public string Format { get; init; }

    /// <summary>Data rows (CSV records after the header; JSON cards), set-aside rows included.</summary>
    public int RowsRead { get; set; }

    /// <summary>The sound rows: usable for the list.</summary>
    public List<EsupCard> Cards { get; } = new();

    /// <summary>
    /// Rows not used: their card keeps whatever the list in force says about it (<see cref="SetAsideCard"/>).
    /// </summary>
    public List<RowIssue> SetAside { get; } = new();

    /// <summary>The identity of each set-aside row, as far as it could be read, to keep its card's state in force.</summary>
    public List<SetAsideCard> SetAsideCards { get; } = new();

    /// <summary>Values ignored without setting the row aside (an unreadable date, a motif on an enabled card).</summary>
    public List<RowIssue> Warnings { get; } = new();

    /// <summary>Why the export looks cut (ends mid-row, inside a quoted field, or has no rows), or null.</summary>
    public string LooksCut { get; set; }
}

/// <summary>A set-aside row's card: the csn when it could be read (normalized), its holder's eppn when present.</summary>
public sealed record SetAsideCard(string Csn, string Eppn);

/// <summary>Site settings for reading exports: extra header labels (a site's custom-messages.properties).</summary>
public sealed class ExportReadSettings
{
    /// <summary>"csv", "json" or "auto" (by the first character).</summary>
    public string Format { get; init; } = "auto";

    /// <summary>Header label → ESUP-SGC field name (id, csn, etat, dateEtat, eppn, motifDisable), on top of the built-in ones.</summary>
    public IReadOnlyDictionary<string, string> HeaderAliases { get; init; }
}

/// <summary>
/// Reads ESUP-SGC card exports as ESUP-SGC writes them (EsupPortail/esup-sgc):
/// <list type="bullet">
/// <item><c>/wsrest/api/csvSearch?fields=id,csn,etat,dateEtat,eppn,motifDisable</c>: ImportExportService.
/// exportCsv2OutputStream, super-csv EXCEL_NORTH_EUROPE_PREFERENCE (';' separator, '"' quote, quoted fields may
/// span lines, LF line ends, UTF-8 without BOM). The header cells are the i18n labels of
/// <c>card.csv.&lt;field&gt;</c> in sgc-messages.properties (Etat, Date de modification, Eppn, Motif), the field
/// name where a field has no label; a site may relabel them in custom-messages.properties (e.g. État), which
/// <see cref="ExportReadSettings.HeaderAliases"/> maps back. dateEtat is LocalDateTime.toString()
/// (2025-10-14T16:40:05.456789, 2025-09-01T08:12), local time; older versions wrote dd-MM-yyyy HH:mm.
/// Parsed with CsvHelper.</item>
/// <item><c>/wsrest/api/get?eppn=...</c>: an array of users, each with nested <c>cards[]</c> (id, csn, etat,
/// dateEtat as yyyy-MM-dd, desfireIds, escnUid; no eppn or motif on the cards). A plain array of card
/// objects (this gateway's earlier sample form) is read too.</item>
/// </list>
/// A row that cannot be used is set aside (reported by line and field, never quoting its values) and the rest
/// is used; only an export that cannot be read at all (not UTF-8, no usable header, not JSON) is refused. An
/// export that ends mid-row or inside a quoted field, or has no rows, is flagged <see cref="ExportReadResult.LooksCut"/>
/// (ESUP-SGC answers 200 with whatever it wrote when an export is interrupted: it only logs).
/// </summary>
public static class EsupSgcExport
{
    /// <summary>ESUP-SGC's Card.Etat values (esup-sgc Card.java).</summary>
    public static readonly string[] KnownStates =
    {
        "NEW", "REQUEST_CHECKED", "CANCELED", "IN_PRINT", "PRINTED", "IN_ENCODE", "ENCODED", "ENABLED",
        "REJECTED", "DISABLED", "CADUC", "DESTROYED", "RENEWED",
    };

    private static readonly Dictionary<string, string> StateNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NEW"] = "NEW", ["REQUEST_CHECKED"] = "REQUEST_CHECKED", ["CANCELED"] = "CANCELED", ["IN_PRINT"] = "IN_PRINT", ["PRINTED"] = "PRINTED",
        ["IN_ENCODE"] = "IN_ENCODE", ["ENCODED"] = "ENCODED", ["ENABLED"] = "ENABLED", ["REJECTED"] = "REJECTED", ["DISABLED"] = "DISABLED",
        ["CADUC"] = "CADUC", ["DESTROYED"] = "DESTROYED", ["RENEWED"] = "RENEWED",
    };

    /// <summary>ESUP-SGC's Card.MotifDisable values.</summary>
    public static readonly string[] KnownMotifs = { "LOST", "THEFT", "OUT_OF_ORDER" };

    /// <summary>The fields the gateway uses, by their ESUP-SGC names.</summary>
    public static readonly string[] Fields = { "id", "csn", "etat", "dateEtat", "eppn", "motifDisable" };

    private static readonly string[] RequiredFields = { "id", "csn", "etat", "eppn" };

    /// <summary>
    /// Built-in header labels: sgc-messages.properties (card.csv.etat = Etat, card.csv.dateEtat = Date de
    /// modification, card.csv.eppn = Eppn, card.csv.motifDisable = Motif; card.csv.state = État and
    /// card.csv.state.date, card.csv.disable.reason are the same columns under other keys). Compared without case,
    /// accents or surrounding spaces, so "État" and "ETAT" match too.
    /// </summary>
    private static readonly Dictionary<string, string> BuiltInLabels = new(StringComparer.Ordinal)
    {
        ["id"] = "id",
        ["csn"] = "csn",
        ["etat"] = "etat",
        ["state"] = "etat",
        ["datedemodification"] = "dateEtat",
        ["dateetat"] = "dateEtat",
        ["eppn"] = "eppn",
        ["motif"] = "motifDisable",
        ["motifdisable"] = "motifDisable",
    };

    /// <summary>Decodes strictly: an invalid byte throws instead of becoming U+FFFD (which would change an eppn, and so a holder key).</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads an export (bytes as received). Throws <see cref="ExportFormatException"/> when nothing of it can be used.</summary>
    public static ExportReadResult Read(byte[] bytes, ExportReadSettings settings = null)
    {
        settings ??= new ExportReadSettings();
        string text = DecodeUtf8(bytes);
        string trimmed = text.TrimStart(' ', '\t', '\r', '\n');
        bool json = settings.Format switch
        {
            "json" => true,
            "csv" => false,
            _ => trimmed.StartsWith('[') || trimmed.StartsWith('{'),
        };
        ExportReadResult result = json ? ReadJson(text) : ReadCsv(bytes, text, settings);
        SetAsideDuplicates(result);
        if (result.LooksCut == null && result.RowsRead == 0)
        {
            result.LooksCut = "no card rows (header only or empty): an interrupted ESUP-SGC export looks like this";
        }

        return result;
    }

    /// <summary>Text convenience for tests and tools (the text is UTF-8 encoded first).</summary>
    public static ExportReadResult Read(string text, string format = "auto") =>
        Read(Encoding.UTF8.GetBytes(text), new ExportReadSettings { Format = format });

    private static string DecodeUtf8(byte[] bytes)
    {
        int offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            throw new ExportFormatException(1, "the export is UTF-16; ESUP-SGC exports UTF-8: export it again as UTF-8");
        }

        try
        {
            return StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
        }
        catch (DecoderFallbackException e)
        {
            int at = offset + Math.Max(0, e.Index);
            int line = 1;
            for (int i = 0; i < at && i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                }
            }

            throw new ExportFormatException(line, $"the export is not UTF-8 (byte 0x{(e.BytesUnknown is { Length: > 0 } b ? b[0] : 0):X2} at offset {at} is not valid UTF-8; a Latin-1 or Windows-1252 file?): ESUP-SGC exports UTF-8, nothing was imported");
        }
    }

    /// <summary>A header cell as it is compared: lowercase, without accents, spaces or underscores.</summary>
    public static string LabelKey(string label)
    {
        string decomposed = (label ?? "").Trim().Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark || char.IsWhiteSpace(c) || c == '_' || c == '-')
            {
                continue;
            }

            key.Append(char.ToLowerInvariant(c));
        }

        return key.ToString();
    }

    /// <summary>Maps header cells to field indexes; a site's aliases win over the built-in labels.</summary>
    private static Dictionary<string, int> MapHeader(IReadOnlyList<string> header, ExportReadSettings settings)
    {
        var labels = new Dictionary<string, string>(BuiltInLabels, StringComparer.Ordinal);
        if (settings.HeaderAliases != null)
        {
            foreach (var alias in settings.HeaderAliases)
            {
                string field = Array.Find(Fields, f => string.Equals(f, alias.Value?.Trim(), StringComparison.OrdinalIgnoreCase));
                if (field == null)
                {
                    throw new ExportFormatException(1, $"configuration: header alias for unknown field '{alias.Value}' (known: {string.Join(", ", Fields)})");
                }

                labels[LabelKey(alias.Key)] = field;
            }
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            string raw = header[i] ?? "";
            // csvSearch fields may be written with prefixes (card.csn, userAccount.eppn): ESUP-SGC strips them
            // from the label when no message exists; do the same.
            string key = LabelKey(raw.Replace("userAccount.", "", StringComparison.Ordinal).Replace("card.", "", StringComparison.Ordinal));
            if (!labels.TryGetValue(key, out string field))
            {
                continue; // a column the gateway does not use (Nom, Adresse...)
            }

            if (columns.ContainsKey(field))
            {
                throw new ExportFormatException(1, $"header has two columns for '{field}' (columns {columns[field] + 1} and {i + 1})");
            }

            columns[field] = i;
        }

        foreach (string required in RequiredFields)
        {
            if (!columns.ContainsKey(required))
            {
                throw new ExportFormatException(1, $"header has no '{required}' column (ESUP-SGC label or field name; a site label can be added under ImportHeaderAliases); csvSearch needs fields=id,csn,etat,dateEtat,eppn,motifDisable");
            }
        }

        return columns;
    }

    private static ExportReadResult ReadCsv(byte[] bytes, string text, ExportReadSettings settings)
    {
        var result = new ExportReadResult { Format = "csv" };
        int firstBreak = text.IndexOf('\n');
        string firstLine = firstBreak < 0 ? text : text.Substring(0, firstBreak);
        if (firstLine.Trim().Length == 0)
        {
            throw new ExportFormatException(1, "empty export (no header row)");
        }

        // ESUP-SGC writes ';' (EXCEL_NORTH_EUROPE_PREFERENCE); ',' is accepted for hand-made files.
        char separator = firstLine.Contains(';') ? ';' : ',';
        var malformed = new Dictionary<long, CsvMalformedReason>();
        var options = new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = true,
            TrackLineNumbers = true,
            IncludeValuesInExceptions = false,
            TrimWhitespace = false,
            OnMalformedRecord = m =>
            {
                if (m.Reason != CsvMalformedReason.FieldCountMismatch)
                {
                    malformed[m.LineNumber] = m.Reason;
                }
            },
        };

        // The reader's own BOM handling is bypassed: the bytes were checked as UTF-8 above.
        using CsvReader reader = CsvReader.Create(Encoding.UTF8.GetBytes(text), options);
        Dictionary<string, int> columns = MapHeader(reader.Headers, settings);
        int fieldCount = reader.Headers.Count;
        int[] fieldColumn = Array.ConvertAll(Fields, f => columns.TryGetValue(f, out int i) ? i : -1);
        bool endsWithLineBreak = text.EndsWith('\n');
        int lastLine = 0;
        while (reader.Read())
        {
            result.RowsRead++;
            int line = (int)reader.LineNumber;
            lastLine = line;
            string Field(int field) => fieldColumn[field] >= 0 && fieldColumn[field] < reader.FieldCount ? reader.GetString(fieldColumn[field]) : null;
            if (malformed.Count > 0 && malformed.TryGetValue(line, out CsvMalformedReason reason))
            {
                string eppnForRetention = Field(4);
                string csnForRetention = NormalizeCsn(Field(1), out _);
                string why = reason switch
                {
                    CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed (the export ends inside it)",
                    CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
                    CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
                    _ => "malformed quoting",
                };
                SetAside(result, new RowIssue(line, null, why), csnForRetention, eppnForRetention);
                if (reason == CsvMalformedReason.UnterminatedQuote)
                {
                    result.LooksCut = $"the export ends inside a quoted field (line {line})";
                }

                continue;
            }

            if (reader.FieldCount != fieldCount)
            {
                SetAside(result, new RowIssue(line, null, $"{reader.FieldCount} fields where the header has {fieldCount}"), NormalizeCsn(Field(1), out _), Field(4));
                continue;
            }

            Validate(result, line, Field(0), Field(1), Field(2), Field(3), Field(4), Field(5), jsonDates: false);
        }

        if (!endsWithLineBreak && result.RowsRead > 0 && result.LooksCut == null)
        {
            // super-csv ends every row with a line break: a body that stops without one was cut mid-row, and its
            // last row may be missing fields or hold a truncated csn.
            result.LooksCut = $"the export does not end with a line break: its last row (line {lastLine}) was cut";
            if (result.SetAside.Count == 0 || result.SetAside[^1].Line != lastLine)
            {
                int index = result.Cards.FindIndex(c => c.Line == lastLine);
                if (index >= 0)
                {
                    EsupCard cut = result.Cards[index];
                    result.Cards.RemoveAt(index);
                    SetAside(result, new RowIssue(lastLine, null, "row cut: the export ends in it", cut.Id), cut.Csn, cut.Eppn);
                }
            }
        }

        return result;
    }

    private static ExportReadResult ReadJson(string text)
    {
        var result = new ExportReadResult { Format = "json" };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            // Text.Json messages quote no values, only positions.
            throw new ExportFormatException((int)(e.LineNumber ?? 0) + 1, "not valid JSON (cut or damaged): " + e.Message);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            var items = new List<JsonElement>();
            if (root.ValueKind == JsonValueKind.Object)
            {
                items.Add(root);
            }
            else if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement element in root.EnumerateArray())
                {
                    items.Add(element);
                }
            }
            else
            {
                throw new ExportFormatException(1, "expected ESUP-SGC's array of users (wsrest/api/get) or an array of cards");
            }

            int position = 0;
            foreach (JsonElement item in items)
            {
                position++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    result.RowsRead++;
                    SetAside(result, new RowIssue(position, null, "not a JSON object"), null, null);
                    continue;
                }

                if (item.TryGetProperty("cards", out JsonElement cards))
                {
                    // wsrest/api/get: a user, its eppn on the user, its cards nested (no eppn, no motif on them).
                    string eppn = Text(item, "eppn", out _);
                    if (cards.ValueKind != JsonValueKind.Array)
                    {
                        result.RowsRead++;
                        SetAside(result, new RowIssue(position, "cards", "not an array"), null, eppn);
                        continue;
                    }

                    foreach (JsonElement card in cards.EnumerateArray())
                    {
                        result.RowsRead++;
                        if (card.ValueKind != JsonValueKind.Object)
                        {
                            SetAside(result, new RowIssue(position, "cards", "a card is not a JSON object"), null, eppn);
                            continue;
                        }

                        FromJson(result, card, position, eppn);
                    }
                }
                else
                {
                    result.RowsRead++;
                    FromJson(result, item, position, null);
                }
            }
        }

        return result;
    }

    private static string Text(JsonElement element, string name, out bool badType)
    {
        badType = false;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        return property.Value.GetString();
                    case JsonValueKind.Number:
                        return property.Value.GetRawText();
                    case JsonValueKind.Null:
                        return null;
                    default:
                        badType = true;
                        return null;
                }
            }
        }

        return null;
    }

    private static void FromJson(ExportReadResult result, JsonElement card, int position, string userEppn)
    {
        string[] values = new string[Fields.Length];
        for (int i = 0; i < Fields.Length; i++)
        {
            values[i] = Text(card, Fields[i], out bool badType);
            if (badType)
            {
                SetAside(result, new RowIssue(position, Fields[i], "unexpected JSON type"), NormalizeCsn(Text(card, "csn", out _), out _), userEppn);
                return;
            }
        }

        Validate(result, position, values[0], values[1], values[2], values[3], values[4] ?? userEppn, values[5], jsonDates: true);
    }

    private static void SetAside(ExportReadResult result, RowIssue issue, string csn, string eppn)
    {
        result.SetAside.Add(issue);
        result.SetAsideCards.Add(new SetAsideCard(csn, string.IsNullOrWhiteSpace(eppn) ? null : eppn.Trim()));
    }

    private static void Validate(ExportReadResult result, int line, string id, string csnText, string etat, string dateEtat, string eppn, string motif, bool jsonDates)
    {
        eppn = string.IsNullOrWhiteSpace(eppn) ? null : eppn.Trim();
        string csn = NormalizeCsn(csnText, out string csnProblem);
        long? idForReport = long.TryParse(id?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long parsedId) ? parsedId : null;
        if (!idForReport.HasValue)
        {
            SetAside(result, new RowIssue(line, "id", string.IsNullOrWhiteSpace(id) ? "empty" : "not a number"), csn, eppn);
            return;
        }

        etat = etat == null ? null : StateNames.TryGetValue(etat.Trim(), out string known) ? known : etat.Trim();
        if (string.IsNullOrEmpty(etat) || !StateNames.ContainsKey(etat))
        {
            SetAside(result, new RowIssue(line, "etat", string.IsNullOrEmpty(etat) ? "empty" : "not an ESUP-SGC card state", parsedId), csn, eppn);
            return;
        }

        if (csnProblem != null)
        {
            SetAside(result, new RowIssue(line, "csn", csnProblem, parsedId), null, eppn);
            return;
        }

        if (csn == null && etat == "ENABLED")
        {
            SetAside(result, new RowIssue(line, "csn", "an ENABLED card without csn", parsedId), null, eppn);
            return;
        }

        motif = string.IsNullOrWhiteSpace(motif) ? null : motif.Trim().ToUpperInvariant();
        if (motif != null && Array.IndexOf(KnownMotifs, motif) < 0)
        {
            if (etat == "DISABLED")
            {
                SetAside(result, new RowIssue(line, "motifDisable", "not an ESUP-SGC disable motif", parsedId), csn, eppn);
                return;
            }

            result.Warnings.Add(new RowIssue(line, "motifDisable", "not an ESUP-SGC disable motif; ignored (the card is not DISABLED)", parsedId));
            motif = null;
        }

        DateTime? date = null;
        if (!string.IsNullOrWhiteSpace(dateEtat))
        {
            date = ParseDate(dateEtat.Trim(), jsonDates);
            if (!date.HasValue)
            {
                result.Warnings.Add(new RowIssue(line, "dateEtat", "not a date ESUP-SGC writes; ignored", parsedId));
            }
        }

        result.Cards.Add(new EsupCard(parsedId, csn, etat, date, eppn, motif, line));
    }

    /// <summary>
    /// ESUP-SGC's date forms, each exact (never a culture's guess, which swaps day and month when the day is
    /// ≤ 12): LocalDateTime.toString() (yyyy-MM-ddTHH:mm[:ss[.fraction]]), the JSON yyyy-MM-dd, the older
    /// super-csv FmtDate dd-MM-yyyy HH:mm, dd/MM/yyyy[ HH:mm], yyyy-MM-dd HH:mm:ss, and epoch milliseconds
    /// (Jackson's default for dates in older versions).
    /// </summary>
    public static DateTime? ParseDate(string text, bool allowEpoch = true)
    {
        if (TryParseLocalDateTime(text, out DateTime iso))
        {
            return iso;
        }

        string[] formats =
        {
            "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
            "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
            "dd-MM-yyyy HH:mm", "dd-MM-yyyy HH:mm:ss", "dd-MM-yyyy", "dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm:ss", "dd/MM/yyyy",
        };
        // Java prints up to 9 fraction digits (nanoseconds); .NET parses 7.
        int dot = text.IndexOf('.');
        if (dot > 0 && text.Length - dot - 1 > 7 && text.IndexOf('T') > 0)
        {
            text = text.Substring(0, dot + 8);
        }

        if (DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime parsed))
        {
            return parsed;
        }

        if (allowEpoch && text.Length >= 10 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long epochMs))
        {
            return DateTime.UnixEpoch.AddMilliseconds(epochMs);
        }

        return null;
    }

    /// <summary>
    /// Java's LocalDateTime.toString() (uuuu-MM-ddTHH:mm[:ss[.fraction of 1–9 digits]]), digit by digit: the form
    /// of every csvSearch row, so it is read without trying a list of formats.
    /// </summary>
    private static bool TryParseLocalDateTime(string t, out DateTime value)
    {
        value = default;
        if (t.Length < 16 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':')
        {
            return false;
        }

        int Digits(int at, int count)
        {
            int n = 0;
            for (int i = at; i < at + count; i++)
            {
                int d = t[i] - '0';
                if ((uint)d > 9)
                {
                    return -1;
                }

                n = n * 10 + d;
            }

            return n;
        }

        int year = Digits(0, 4), month = Digits(5, 2), day = Digits(8, 2), hour = Digits(11, 2), minute = Digits(14, 2), second = 0;
        long ticks = 0;
        if (t.Length > 16)
        {
            if (t.Length < 19 || t[16] != ':' || (second = Digits(17, 2)) < 0)
            {
                return false;
            }

            if (t.Length > 19)
            {
                int digits = t.Length - 20;
                if (t[19] != '.' || digits < 1 || digits > 9)
                {
                    return false;
                }

                long fraction = 0;
                for (int i = 20; i < t.Length; i++)
                {
                    int d = t[i] - '0';
                    if ((uint)d > 9)
                    {
                        return false;
                    }

                    fraction = fraction * 10 + d;
                }

                for (int i = digits; i < 7; i++)
                {
                    fraction *= 10;
                }

                for (int i = 7; i < digits; i++)
                {
                    fraction /= 10; // below 100 ns: .NET ticks stop there
                }

                ticks = fraction;
            }
        }

        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second).AddTicks(ticks);
        return true;
    }

    /// <summary>
    /// ESUP-SGC's csn (uppercase hex, esup-sgc-client's byteArrayToHexString, in the order the UID is received)
    /// → the list's lowercase form; null when empty. Only ISO 14443 UIDs (4, 7 or 10 bytes) can be read by the
    /// terminals: anything else is reported (an ISO 15693 id has 8 bytes).
    /// </summary>
    public static string NormalizeCsn(string csn, out string problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(csn))
        {
            return null;
        }

        csn = csn.Trim();
        foreach (char c in csn)
        {
            if (!Uri.IsHexDigit(c))
            {
                problem = $"not hexadecimal ({csn.Length} characters)";
                return null;
            }
        }

        if (csn.Length != 8 && csn.Length != 14 && csn.Length != 20)
        {
            problem = csn.Length == 16
                ? "8 bytes: not an ISO 14443 UID (an ISO 15693 id?); the terminals cannot read it"
                : $"not 4, 7 or 10 bytes of hex ({csn.Length} characters)";
            return null;
        }

        return csn.ToLowerInvariant();
    }

    /// <summary>
    /// A csn on two rows (ESUP-SGC keeps csn unique, so this is a damaged or merged export; rows differing only
    /// in case are the same card): identical rows are read once, conflicting rows are all set aside so the
    /// list keeps what it says about that card.
    /// </summary>
    private static void SetAsideDuplicates(ExportReadResult result)
    {
        var firstRow = new Dictionary<string, int>(result.Cards.Count, StringComparer.Ordinal);
        Dictionary<string, List<int>> byCsn = null;
        for (int i = 0; i < result.Cards.Count; i++)
        {
            string csn = result.Cards[i].Csn;
            if (csn == null)
            {
                continue;
            }

            if (firstRow.TryAdd(csn, i))
            {
                continue;
            }

            byCsn ??= new Dictionary<string, List<int>>(StringComparer.Ordinal);
            if (!byCsn.TryGetValue(csn, out List<int> rows))
            {
                byCsn[csn] = rows = new List<int> { firstRow[csn] };
            }

            rows.Add(i);
        }

        if (byCsn == null)
        {
            return;
        }

        var remove = new HashSet<int>();
        foreach (List<int> rows in byCsn.Values)
        {
            if (rows.Count < 2)
            {
                continue;
            }

            EsupCard first = result.Cards[rows[0]];
            bool allSame = rows.TrueForAll(i => result.Cards[i].Id == first.Id && result.Cards[i].Etat == first.Etat && result.Cards[i].MotifDisable == first.MotifDisable && result.Cards[i].Eppn == first.Eppn);
            for (int k = allSame ? 1 : 0; k < rows.Count; k++)
            {
                EsupCard card = result.Cards[rows[k]];
                remove.Add(rows[k]);
                if (allSame)
                {
                    result.Warnings.Add(new RowIssue(card.Line, "csn", $"same card as line {first.Line}; read once", card.Id));
                }
                else
                {
                    string others = string.Join(", ", rows.FindAll(i => i != rows[k]).ConvertAll(i => result.Cards[i].Line));
                    SetAside(result, new RowIssue(card.Line, "csn", $"csn also on line {others} with another card or state", card.Id), card.Csn, card.Eppn);
                }
            }
        }

        if (remove.Count > 0)
        {
            var kept = new List<EsupCard>(result.Cards.Count - remove.Count);
            for (int i = 0; i < result.Cards.Count; i++)
            {
                if (!remove.Contains(i))
                {
                    kept.Add(result.Cards[i]);
                }
            }

            result.Cards.Clear();
            result.Cards.AddRange(kept);
        }
    }
}
