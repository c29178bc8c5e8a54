using System;
using System.Collections.Generic;
using System.Text.Json;

namespace LeoCarte.Gateway.Import;

/// <summary>The JSON forms: ESUP-SGC's /wsrest/api/get users with nested cards, and a plain array of cards.</summary>
public static partial class EsupSgcExport
{
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
}
