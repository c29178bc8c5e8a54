using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace LeoCarte.Gateway.Import;

/// <summary>
/// Writes a csvSearch export the way ESUP-SGC does (ImportExportService.exportCsv2OutputStream), for tests, the
/// virtual terminal and benchmarks: header cells from sgc-messages.properties labels (card.csv.&lt;field&gt;, the
/// field name when a field has none), super-csv CsvPreference.EXCEL_NORTH_EUROPE_PREFERENCE (';' separator,
/// '"' quote, a field quoted only when it holds ';', '"', CR or LF, quotes doubled, "\n" after every row
/// including the last), null → "" (ConvertNullTo), dates as Java's LocalDateTime.toString(), UTF-8 without BOM.
/// </summary>
public static class EsupSgcCsvWriter
{
    /// <summary>sgc-messages.properties card.csv.* labels of the fields used here (ESUP-SGC 3.x).</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dateEtat"] = "Date de modification",
        ["eppn"] = "Eppn",
        ["etat"] = "Etat",
        ["motifDisable"] = "Motif",
        ["address"] = "Adresse",
        ["name"] = "Nom",
        ["email"] = "Email",
        ["requestDate"] = "Date de demande",
        ["nbRejets"] = "Nb rejets",
    };

    /// <summary>The header row for these csvSearch fields, with a site's label overrides (custom-messages.properties).</summary>
    public static string Header(IReadOnlyList<string> fields, IReadOnlyDictionary<string, string> siteLabels = null)
    {
        var cells = new List<string>();
        foreach (string field in fields)
        {
            string label = siteLabels != null && siteLabels.TryGetValue(field, out string custom) ? custom
                : Labels.TryGetValue(field, out string known) ? known
                : field.Replace("userAccount.", "", StringComparison.Ordinal).Replace("card.", "", StringComparison.Ordinal);
            cells.Add(Quote(label));
        }

        return string.Join(";", cells) + "\n";
    }

    /// <summary>One row: values in field order (null → empty), each quoted only when super-csv would.</summary>
    public static string Row(params object[] values)
    {
        var text = new StringBuilder();
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text.Append(';');
            }

            text.Append(Quote(values[i] switch
            {
                null => "",
                DateTime date => LocalDateTimeToString(date),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => values[i].ToString(),
            }));
        }

        return text.Append('\n').ToString();
    }

    /// <summary>super-csv NormalQuoteMode with EXCEL_NORTH_EUROPE_PREFERENCE: quote when the value holds the separator, a quote or a line break.</summary>
    public static string Quote(string value)
    {
        if (value.IndexOfAny(new[] { ';', '"', '\n', '\r' }) < 0)
        {
            return value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// java.time.LocalDateTime.toString(): uuuu-MM-ddTHH:mm, then :ss when seconds or nanos are not zero, then
    /// the fraction in 3, 6 or 9 digits (the fewest that hold it). .NET ticks give at most 7 digits, printed in 9.
    /// </summary>
    public static string LocalDateTimeToString(DateTime date)
    {
        string text = date.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        long nanos = (date.Ticks % TimeSpan.TicksPerSecond) * 100;
        if (date.Second == 0 && nanos == 0)
        {
            return text;
        }

        text += date.ToString(":ss", CultureInfo.InvariantCulture);
        if (nanos == 0)
        {
            return text;
        }

        if (nanos % 1_000_000 == 0)
        {
            return text + "." + (nanos / 1_000_000).ToString("D3", CultureInfo.InvariantCulture);
        }

        if (nanos % 1_000 == 0)
        {
            return text + "." + (nanos / 1_000).ToString("D6", CultureInfo.InvariantCulture);
        }

        return text + "." + nanos.ToString("D9", CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a whole export as UTF-8 bytes without BOM (what the HTTP body carries).</summary>
    public static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    /// <summary>
    /// A generated campus export of <paramref name="cards"/> rows with fields id,csn,etat,dateEtat,eppn,motifDisable
    /// (most cards enabled, some lost, stolen, out of order, expired, renewed: old card disabled without motif
    /// and new card enabled, plus a pending new-card request without csn), for benchmarks and size tests.
    /// </summary>
    public static void WriteCampus(TextWriter writer, int cards, int seed)
    {
        var random = new Random(seed);
        writer.Write(Header(new[] { "id", "csn", "etat", "dateEtat", "eppn", "motifDisable" }));
        var start = new DateTime(2025, 9, 1, 8, 0, 0);
        int id = 100_000;
        int written = 0;
        int student = 0;
        while (written < cards)
        {
            string eppn = $"etu{student++:D6}@unicaen.fr";
            DateTime when = start.AddSeconds(random.Next(0, 30_000_000)).AddTicks(random.Next(0, 10_000_000));
            string Csn()
            {
                byte[] uid = new byte[7];
                random.NextBytes(uid);
                uid[0] = 0x04;
                return Convert.ToHexString(uid); // uppercase, as esup-sgc-client writes it
            }

            int roll = random.Next(1000);
            if (roll < 30 && written + 3 <= cards)
            {
                // Renewed: the new card enabled, the old one disabled without motif an instant before.
                writer.Write(Row(id + 1, Csn(), "ENABLED", when, eppn, null));
                writer.Write(Row(id, Csn(), "DISABLED", when.AddMilliseconds(-3), eppn, null));
                writer.Write(Row(id + 2, null, "RENEWED", when.AddDays(40), eppn, null));
                id += 3;
                written += 3;
                continue;
            }

            (string etat, string motif) = roll switch
            {
                < 50 => ("DISABLED", "LOST"),
                < 60 => ("DISABLED", "THEFT"),
                < 65 => ("DISABLED", "OUT_OF_ORDER"),
                < 90 => ("CADUC", null),
                < 100 => ("ENCODED", null),
                _ => ("ENABLED", null),
            };
            writer.Write(Row(id++, Csn(), etat, when, eppn, motif));
            written++;
        }
    }
}
