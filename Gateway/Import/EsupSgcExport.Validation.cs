using System;
using System.Collections.Generic;
using System.Globalization;
using CsvHelper;

namespace LeoCarte.Gateway.Import;

/// <summary>Row checks shared by both forms: state, motif, dates (ESUP-SGC's LocalDateTime forms), CSN normalisation, duplicates set aside.</summary>
public static partial class EsupSgcExport
{
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
