using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using CsvHelper;

namespace LeoCarte.Gateway.Import;

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
public static partial class EsupSgcExport
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
}
