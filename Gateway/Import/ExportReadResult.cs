using System;
using System.Collections.Generic;
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
