using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace LeoCarte.Gateway.Import;

/// <summary>One card as ESUP-SGC exports it (fields of its Card entity: id, csn, etat, dateEtat, eppn, motifDisable).</summary>
public sealed record EsupCard(long Id, string Csn, string Etat, DateTime? DateEtat, string Eppn, string MotifDisable, int Line);

/// <summary>A rejected export: which line (1-based; for JSON, the array element number) and why.</summary>
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

/// <summary>
/// Reads ESUP-SGC card exports: the CSV of <c>/wsrest/api/csvSearch?fields=id,csn,etat,dateEtat,eppn,...</c>
/// (header row naming the columns, ';' or ',' separated, optional double quotes) and the JSON of
/// <c>/wsrest/api/get</c> (an array of card objects, or one object). The whole export is validated before any
/// of it is used: the first bad line aborts the import with its line number, so a truncated or garbled export
/// never becomes a list that blocks (or unblocks) half the campus.
/// </summary>
public static class EsupSgcExport
{
    /// <summary>ESUP-SGC's Card.Etat values (esup-sgc Card.java).</summary>
    public static readonly string[] KnownStates =
    {
        "NEW", "REQUEST_CHECKED", "CANCELED", "IN_PRINT", "PRINTED", "IN_ENCODE", "ENCODED", "ENABLED",
        "REJECTED", "DISABLED", "CADUC", "DESTROYED", "RENEWED",
    };

    /// <summary>ESUP-SGC's Card.MotifDisable values.</summary>
    public static readonly string[] KnownMotifs = { "LOST", "THEFT", "OUT_OF_ORDER" };

    public static List<EsupCard> Parse(string text, string formatHint)
    {
        string trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        bool json = formatHint switch
        {
            "json" => true,
            "csv" => false,
            _ => trimmed.StartsWith('[') || trimmed.StartsWith('{'),
        };
        var cards = json ? ParseJson(text) : ParseCsv(text);
        CheckDuplicates(cards);
        return cards;
    }

    public static List<EsupCard> ParseCsv(string text)
    {
        var cards = new List<EsupCard>();
        using var reader = new StringReader(text.TrimStart('\uFEFF'));
        string header = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new ExportFormatException(1, "empty export (no header row)");
        }

        char separator = header.Contains(';') ? ';' : ',';
        string[] names = SplitCsv(header, separator, 1);
        int Column(string name, bool required)
        {
            int index = Array.FindIndex(names, n => string.Equals(n.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (index < 0 && required)
            {
                throw new ExportFormatException(1, $"header has no '{name}' column");
            }

            return index;
        }

        int idColumn = Column("id", true);
        int csnColumn = Column("csn", true);
        int etatColumn = Column("etat", true);
        int dateColumn = Column("dateEtat", false);
        int eppnColumn = Column("eppn", true);
        int motifColumn = Column("motifDisable", false);

        int lineNumber = 1;
        string line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            string[] fields = SplitCsv(line, separator, lineNumber);
            if (fields.Length != names.Length)
            {
                throw new ExportFormatException(lineNumber, $"{fields.Length} fields where the header has {names.Length}");
            }

            string Field(int index) => index < 0 ? null : fields[index].Trim();
            cards.Add(Validate(lineNumber, Field(idColumn), Field(csnColumn), Field(etatColumn), Field(dateColumn), Field(eppnColumn), Field(motifColumn)));
        }

        return cards;
    }

    public static List<EsupCard> ParseJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ExportFormatException((int)(e.LineNumber ?? 0) + 1, "not valid JSON: " + e.Message);
        }

        using (document)
        {
            var cards = new List<EsupCard>();
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                cards.Add(FromJson(root, 1));
                return cards;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new ExportFormatException(1, "expected an array of cards");
            }

            int index = 0;
            foreach (JsonElement element in root.EnumerateArray())
            {
                index++;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new ExportFormatException(index, "card is not a JSON object");
                }

                cards.Add(FromJson(element, index));
            }

            return cards;
        }
    }

    private static EsupCard FromJson(JsonElement element, int index)
    {
        string Text(string name)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => throw new ExportFormatException(index, $"field '{name}' has an unexpected JSON type"),
                    };
                }
            }

            return null;
        }

        return Validate(index, Text("id"), Text("csn"), Text("etat"), Text("dateEtat"), Text("eppn"), Text("motifDisable"));
    }

    private static EsupCard Validate(int line, string id, string csn, string etat, string dateEtat, string eppn, string motif)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long cardId))
        {
            throw new ExportFormatException(line, $"card id '{id}' is not a number");
        }

        etat = etat?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(etat) || Array.IndexOf(KnownStates, etat) < 0)
        {
            throw new ExportFormatException(line, $"unknown etat '{etat}'");
        }

        csn = string.IsNullOrWhiteSpace(csn) ? null : csn.Trim().ToLowerInvariant();
        if (csn != null && !IsUidHex(csn))
        {
            throw new ExportFormatException(line, $"csn '{csn}' is not 4, 7 or 10 bytes of hex");
        }

        if (csn == null && (etat == "ENABLED" || etat == "DISABLED"))
        {
            throw new ExportFormatException(line, $"{etat} card {cardId} has no csn");
        }

        DateTime? date = null;
        if (!string.IsNullOrWhiteSpace(dateEtat))
        {
            if (long.TryParse(dateEtat, NumberStyles.None, CultureInfo.InvariantCulture, out long epochMs))
            {
                // The JSON API serialises dates as epoch milliseconds (Jackson default).
                date = DateTime.UnixEpoch.AddMilliseconds(epochMs);
            }
            else if (DateTime.TryParse(dateEtat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed))
            {
                date = parsed;
            }
            else
            {
                throw new ExportFormatException(line, $"dateEtat '{dateEtat}' is not a date");
            }
        }

        motif = string.IsNullOrWhiteSpace(motif) ? null : motif.Trim().ToUpperInvariant();
        if (motif != null && Array.IndexOf(KnownMotifs, motif) < 0)
        {
            throw new ExportFormatException(line, $"unknown motifDisable '{motif}'");
        }

        return new EsupCard(cardId, csn, etat, date, string.IsNullOrWhiteSpace(eppn) ? null : eppn.Trim(), motif, line);
    }

    private static bool IsUidHex(string csn)
    {
        if (csn.Length != 8 && csn.Length != 14 && csn.Length != 20)
        {
            return false;
        }

        foreach (char c in csn)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckDuplicates(List<EsupCard> cards)
    {
        var seen = new Dictionary<string, EsupCard>();
        foreach (EsupCard card in cards)
        {
            if (card.Csn == null)
            {
                continue;
            }

            if (seen.TryGetValue(card.Csn, out EsupCard first))
            {
                throw new ExportFormatException(card.Line, $"csn {card.Csn} already on line {first.Line}");
            }

            seen.Add(card.Csn, card);
        }
    }

    private static string[] SplitCsv(string line, char separator, int lineNumber)
    {
        var fields = new List<string>();
        int i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new ExportFormatException(lineNumber, "unterminated quoted field");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(line[i++]);
                }

                fields.Add(value.ToString());
                if (i < line.Length && line[i] != separator)
                {
                    throw new ExportFormatException(lineNumber, "text after a closing quote");
                }
            }
            else
            {
                int end = line.IndexOf(separator, i);
                fields.Add(end < 0 ? line.Substring(i) : line.Substring(i, end - i));
                i = end < 0 ? line.Length : end;
            }

            if (i >= line.Length)
            {
                break;
            }

            i++; // separator
            if (i == line.Length)
            {
                fields.Add(string.Empty);
                break;
            }
        }

        return fields.ToArray();
    }
}
