using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using LeoCarte.Gateway.Storage;
using LeoCarte.Terminal.Cards;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// The gateway against exports shaped exactly as ESUP-SGC writes them (EsupPortail/esup-sgc
/// ImportExportService.exportCsv2OutputStream: label headers, super-csv EXCEL_NORTH_EUROPE_PREFERENCE quoting,
/// LocalDateTime.toString() dates, uppercase csn; WsRestEsupSgcApiController.get: users with nested cards),
/// written by <see cref="EsupSgcCsvWriter"/>.
/// </summary>
[TestClass]
public class EsupSgcImportTests
{
    private static readonly string[] Fields = { "id", "csn", "etat", "dateEtat", "eppn", "motifDisable" };

    private static string Csv(params object[][] rows) =>
        EsupSgcCsvWriter.Header(Fields) + string.Concat(rows.Select(r => EsupSgcCsvWriter.Row(r)));

    [TestMethod]
    public void TheWriterReproducesEsupSgcsHeaderQuotingAndDates()
    {
        Assert.AreEqual("id;csn;Etat;Date de modification;Eppn;Motif\n", EsupSgcCsvWriter.Header(Fields));
        Assert.AreEqual("2025-09-01T08:12", EsupSgcCsvWriter.LocalDateTimeToString(new DateTime(2025, 9, 1, 8, 12, 0)));
        Assert.AreEqual("2025-09-01T08:12:07", EsupSgcCsvWriter.LocalDateTimeToString(new DateTime(2025, 9, 1, 8, 12, 7)));
        Assert.AreEqual("2025-10-14T16:40:05.120", EsupSgcCsvWriter.LocalDateTimeToString(new DateTime(2025, 10, 14, 16, 40, 5, 120)));
        Assert.AreEqual("2025-10-14T16:40:05.456789", EsupSgcCsvWriter.LocalDateTimeToString(new DateTime(2025, 10, 14, 16, 40, 5).AddTicks(4567890)));
        Assert.AreEqual("2025-10-14T16:40:05.456789100", EsupSgcCsvWriter.LocalDateTimeToString(new DateTime(2025, 10, 14, 16, 40, 5).AddTicks(4567891)));
        Assert.AreEqual("1;\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";\n", EsupSgcCsvWriter.Row(1, "a;b", "say \"hi\"", "two\nlines", null));
    }

    [TestMethod]
    public void ReadsTheRealCsvSearchShape()
    {
        string csv = Csv(
            new object[] { 1001, "04A1B2C3D4E580", "ENABLED", new DateTime(2025, 9, 1, 8, 12, 0), "alice@unicaen.fr", null },
            new object[] { 1003, "04C3D4E5F60782", "DISABLED", new DateTime(2025, 10, 14, 16, 40, 5).AddTicks(4567890), "chloe@unicaen.fr", "LOST" },
            new object[] { 1004, "04D4E5F6071883", "DISABLED", new DateTime(2025, 10, 20, 11, 2, 31), "david@univ-rouen.fr", "THEFT" },
            new object[] { 1011, "043B4C5D6E7F89", "DISABLED", new DateTime(2025, 11, 10, 12, 0, 0), "jules@univ-rouen.fr", "OUT_OF_ORDER" },
            new object[] { 1016, null, "RENEWED", new DateTime(2025, 11, 25, 17, 45, 2, 310), "karim@univ-lehavre.fr", null });
        ExportReadResult read = EsupSgcExport.Read(EsupSgcCsvWriter.Utf8(csv));
        Assert.AreEqual("csv", read.Format);
        Assert.AreEqual(5, read.RowsRead);
        Assert.AreEqual(0, read.SetAside.Count, string.Join("; ", read.SetAside));
        Assert.IsNull(read.LooksCut);
        Assert.AreEqual("04a1b2c3d4e580", read.Cards[0].Csn, "uppercase csn normalized to the list's form");
        Assert.AreEqual(new DateTime(2025, 9, 1, 8, 12, 0), read.Cards[0].DateEtat);
        Assert.AreEqual(new DateTime(2025, 10, 14, 16, 40, 5).AddTicks(4567890), read.Cards[1].DateEtat);
        Assert.AreEqual("LOST", read.Cards[1].MotifDisable, "the Motif column is read");
        Assert.AreEqual("OUT_OF_ORDER", read.Cards[3].MotifDisable);
        Assert.IsNull(read.Cards[4].Csn);
        CollectionAssert.AreEqual(
            new[] { CardOfficeState.Active, CardOfficeState.Lost, CardOfficeState.Stolen, CardOfficeState.OutOfOrder, CardOfficeState.NotListed },
            StateMapping.Classify(read.Cards));
    }

    [TestMethod]
    public void MultiLineQuotedFieldsAndExtraColumnsAreRead()
    {
        // fields=id,csn,etat,dateEtat,eppn,motifDisable,address,name: the address spans lines, a name holds ';' and quotes.
        string[] fields = { "id", "csn", "etat", "dateEtat", "eppn", "motifDisable", "address", "name" };
        string csv = EsupSgcCsvWriter.Header(fields)
            + EsupSgcCsvWriter.Row(1, "04A1B2C3D4E580", "ENABLED", new DateTime(2025, 9, 1, 8, 12, 0), "a@x", null, "Bâtiment B\nEsplanade de la Paix\n14032 Caen", "Martin; \"Alice\"")
            + EsupSgcCsvWriter.Row(2, "04B2C3D4E5F681", "DISABLED", new DateTime(2025, 9, 2, 8, 12, 0), "b@x", "LOST", null, "Leroy");
        StringAssert.StartsWith(csv, "id;csn;Etat;Date de modification;Eppn;Motif;Adresse;Nom\n");
        ExportReadResult read = EsupSgcExport.Read(EsupSgcCsvWriter.Utf8(csv));
        Assert.AreEqual(2, read.Cards.Count, string.Join("; ", read.SetAside));
        Assert.AreEqual(2, read.Cards[0].Line);
        Assert.AreEqual(5, read.Cards[1].Line, "line numbers count the lines inside quoted fields");
        Assert.AreEqual("LOST", read.Cards[1].MotifDisable);
    }

    [TestMethod]
    [DataRow("id;csn;État;Date de modification;Eppn;Motif")]
    [DataRow("id;csn;ETAT;date de modification;eppn;motif")]
    [DataRow("id;csn;etat;dateEtat;eppn;motifDisable")]
    [DataRow("card.id;card.csn;card.etat;card.dateEtat;userAccount.eppn;card.motifDisable")]
    public void LabelAndFieldNameHeadersAreRecognized(string header)
    {
        ExportReadResult read = EsupSgcExport.Read(header + "\n1;04A1B2C3D4E580;DISABLED;2025-09-01T08:12;a@x;THEFT\n");
        Assert.AreEqual("THEFT", read.Cards.Single().MotifDisable);
        Assert.AreEqual("DISABLED", read.Cards.Single().Etat);
    }

    [TestMethod]
    public void ASitesCustomLabelIsMappedByConfiguration()
    {
        byte[] csv = EsupSgcCsvWriter.Utf8(EsupSgcCsvWriter.Header(Fields, new Dictionary<string, string> { ["etat"] = "Statut de la carte", ["motifDisable"] = "Raison" })
            + EsupSgcCsvWriter.Row(1, "04A1B2C3D4E580", "DISABLED", new DateTime(2025, 9, 1), "a@x", "LOST"));
        var refused = Assert.ThrowsExactly<ExportFormatException>(() => EsupSgcExport.Read(csv));
        StringAssert.Contains(refused.Message, "no 'etat' column");
        var settings = new ExportReadSettings { HeaderAliases = new Dictionary<string, string> { ["Statut de la carte"] = "etat", ["Raison"] = "motifDisable" } };
        Assert.AreEqual("LOST", EsupSgcExport.Read(csv, settings).Cards.Single().MotifDisable);
    }

    [TestMethod]
    [DataRow("2025-10-14T16:40:05.456789", 2025, 10, 14, 16, 40, 5)]
    [DataRow("2025-09-01T08:12", 2025, 9, 1, 8, 12, 0)]
    [DataRow("2025-03-04T05:06:07.123456789", 2025, 3, 4, 5, 6, 7)]
    [DataRow("04-03-2025 05:06", 2025, 3, 4, 5, 6, 0)]
    [DataRow("04/03/2025 05:06", 2025, 3, 4, 5, 6, 0)]
    [DataRow("2025-03-04", 2025, 3, 4, 0, 0, 0)]
    [DataRow("2025-03-04 05:06:07", 2025, 3, 4, 5, 6, 7)]
    public void DatesAreReadExactlyNeverWithDayAndMonthSwapped(string text, int y, int mo, int d, int h, int mi, int s)
    {
        DateTime? date = EsupSgcExport.ParseDate(text);
        Assert.IsTrue(date.HasValue, text);
        Assert.AreEqual(new DateTime(y, mo, d, h, mi, s), new DateTime(date.Value.Year, date.Value.Month, date.Value.Day, date.Value.Hour, date.Value.Minute, date.Value.Second), text);
    }

    [TestMethod]
    public void AnUnreadableDateIsIgnoredWithAWarningNotTheCard()
    {
        ExportReadResult read = EsupSgcExport.Read("id;csn;Etat;Date de modification;Eppn;Motif\n1;04A1B2C3D4E580;ENABLED;14 octobre;a@x;\n");
        Assert.AreEqual(1, read.Cards.Count);
        Assert.IsNull(read.Cards[0].DateEtat);
        Assert.AreEqual("line 2, dateEtat: not a date ESUP-SGC writes; ignored (card id 1)", read.Warnings.Single().ToString());
    }

    [TestMethod]
    [DataRow("9;04A1B2C3D4E580;ENABLED;2025-09-01T08:12;eve@x;\n", "csn", "ENABLED card without csn", "")]
    [DataRow("9;E0040150AB12CD34;ENABLED;2025-09-01T08:12;eve@x;\n", "csn", "ISO 15693", "E0040150AB12CD34")]
    [DataRow("9;04A1B2C3D4;ENABLED;2025-09-01T08:12;eve@x;\n", "csn", "not 4, 7 or 10 bytes", "04A1B2C3D4")]
    [DataRow("9;04A1B2C3D4E5ZZ;ENABLED;2025-09-01T08:12;eve@x;\n", "csn", "not hexadecimal", "04A1B2C3D4E5ZZ")]
    [DataRow("9;04A1B2C3D4E5F0;ACTIVE;2025-09-01T08:12;eve@x;\n", "etat", "not an ESUP-SGC card state", "ACTIVE")]
    [DataRow("9;04A1B2C3D4E5F0;DISABLED;2025-09-01T08:12;eve@x;STOLEN\n", "motifDisable", "not an ESUP-SGC disable motif", "STOLEN")]
    [DataRow("x9;04A1B2C3D4E5F0;ENABLED;2025-09-01T08:12;eve@x;\n", "id", "not a number", "x9")]
    [DataRow("9;04A1B2C3D4E5F0;ENABLED;eve@x\n", null, "4 fields where the header has 6", "eve@x")]
    [DataRow("9;04a1b2c3d4e580;DISABLED;2025-09-01T08:12;eve@x;LOST\n", "csn", "also on line 2", "eve@x")]
    public void ABadRowIsSetAsideByLineAndFieldTheRestIsUsed(string badRow, string field, string reason, string secret)
    {
        string csv = "id;csn;Etat;Date de modification;Eppn;Motif\n1;04A1B2C3D4E580;ENABLED;2025-09-01T08:12;alice@x;\n2;04B2C3D4E5F681;ENABLED;2025-09-01T08:13;bruno@x;\n"
            + badRow.Replace("9;04A1B2C3D4E580;ENABLED;2025-09-01T08:12;eve@x;", "9;;ENABLED;2025-09-01T08:12;eve@x;");
        ExportReadResult read = EsupSgcExport.Read(csv);
        RowIssue issue = read.SetAside.Last();
        Assert.AreEqual(4, issue.Line, issue.ToString());
        Assert.AreEqual(field, issue.Field, issue.ToString());
        StringAssert.Contains(issue.Reason, reason);
        if (secret.Length > 0)
        {
            Assert.IsFalse(issue.ToString().Contains(secret, StringComparison.OrdinalIgnoreCase), "the report quotes no value: " + issue);
        }

        Assert.IsFalse(issue.ToString().Contains("eve", StringComparison.Ordinal), issue.ToString());
        Assert.IsTrue(read.Cards.Any(c => c.Csn == "04b2c3d4e5f681"), "the other rows are used");
    }

    [TestMethod]
    public void ACsnTwiceDifferingOnlyInCaseIsOneCardWhenTheRowsAgree()
    {
        ExportReadResult read = EsupSgcExport.Read("id;csn;Etat;Date de modification;Eppn;Motif\n1;04A1B2C3D4E580;ENABLED;2025-09-01T08:12;a@x;\n1;04a1b2c3d4e580;ENABLED;2025-09-01T08:12;a@x;\n");
        Assert.AreEqual(1, read.Cards.Count);
        Assert.AreEqual(0, read.SetAside.Count);
        Assert.AreEqual(1, read.Warnings.Count);
    }

    [TestMethod]
    public void HeaderOnlyAndCutExportsLookCut()
    {
        Assert.IsNotNull(EsupSgcExport.Read("id;csn;Etat;Date de modification;Eppn;Motif\n").LooksCut);
        Assert.IsNotNull(EsupSgcExport.Read("[]").LooksCut);

        string whole = Csv(new object[] { 1, "04A1B2C3D4E580", "ENABLED", new DateTime(2025, 9, 1), "a@x", null }, new object[] { 2, "04B2C3D4E5F681", "DISABLED", new DateTime(2025, 9, 1), "b@x", "LOST" });
        Assert.IsNull(EsupSgcExport.Read(whole).LooksCut);
        // Cut inside the last row: its csn is truncated; the row is set aside, the export looks cut.
        ExportReadResult midRow = EsupSgcExport.Read(whole.Substring(0, whole.Length - 30));
        StringAssert.Contains(midRow.LooksCut, "does not end with a line break");
        Assert.AreEqual(1, midRow.Cards.Count);
        // Cut inside a quoted multi-line field.
        string quoted = EsupSgcCsvWriter.Header(new[] { "id", "csn", "etat", "eppn", "address" }) + EsupSgcCsvWriter.Row(1, "04A1B2C3D4E580", "ENABLED", "a@x", "1 rue\nCaen") + EsupSgcCsvWriter.Row(2, "04B2C3D4E5F681", "ENABLED", "b@x", "2 rue\nRouen");
        ExportReadResult inQuote = EsupSgcExport.Read(quoted.Substring(0, quoted.Length - 8));
        StringAssert.Contains(inQuote.LooksCut, "quoted field");
        Assert.AreEqual(1, inQuote.Cards.Count);
        Assert.AreEqual(1, inQuote.SetAside.Count);
    }

    [TestMethod]
    public void Latin1AndUtf16AreRefusedWithAClearMessageUtf8IsRequired()
    {
        string csv = "id;csn;Etat;Date de modification;Eppn;Motif\n1;04A1B2C3D4E580;ENABLED;2025-09-01T08:12;hélène.dupré@unicaen.fr;\n";
        var latin1 = Assert.ThrowsExactly<ExportFormatException>(() => EsupSgcExport.Read(Encoding.Latin1.GetBytes(csv)));
        Assert.AreEqual(2, latin1.Line);
        StringAssert.Contains(latin1.Message, "not UTF-8");
        Assert.IsFalse(latin1.Message.Contains("dupr", StringComparison.Ordinal));
        StringAssert.Contains(Assert.ThrowsExactly<ExportFormatException>(() => EsupSgcExport.Read(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(csv)).ToArray())).Message, "UTF-16");
        Assert.AreEqual("hélène.dupré@unicaen.fr", EsupSgcExport.Read(Encoding.UTF8.GetBytes(csv)).Cards.Single().Eppn, "UTF-8 keeps the accents, so the holder key stays the same");
    }

    [TestMethod]
    public void ReadsTheWsRestGetJsonOfUsersWithNestedCards()
    {
        string json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sample", "esup-sgc-export.json"));
        ExportReadResult read = EsupSgcExport.Read(Encoding.UTF8.GetBytes(json));
        Assert.AreEqual("json", read.Format);
        Assert.AreEqual(16, read.RowsRead);
        Assert.AreEqual(0, read.SetAside.Count, string.Join("; ", read.SetAside));
        EsupCard emmaOld = read.Cards.Single(c => c.Id == 1005);
        Assert.AreEqual("emma.garnier@univ-lehavre.fr", emmaOld.Eppn, "the user's eppn is given to its cards");
        Assert.AreEqual(new DateTime(2026, 11, 2), emmaOld.DateEtat);
        Assert.AreEqual("04e5f607182984", emmaOld.Csn);
        CardOfficeState[] states = StateMapping.Classify(read.Cards);
        Assert.AreEqual(CardOfficeState.Replaced, states[read.Cards.IndexOf(emmaOld)], "same-day dates: the enabled card counts as the newer one");
        // No motif in this API: a lost card can only be shown as blocked (the CSV export carries the motif).
        Assert.AreEqual(CardOfficeState.Blocked, states[read.Cards.FindIndex(c => c.Id == 1003)]);
    }

    [TestMethod]
    public void SampleCsvIsTheRealShapeAndAgreesWithTheJson()
    {
        string sample = Path.Combine(AppContext.BaseDirectory, "sample");
        byte[] bytes = File.ReadAllBytes(Path.Combine(sample, "esup-sgc-export.csv"));
        StringAssert.StartsWith(Encoding.UTF8.GetString(bytes), "id;csn;Etat;Date de modification;Eppn;Motif\n");
        ExportReadResult csv = EsupSgcExport.Read(bytes);
        ExportReadResult json = EsupSgcExport.Read(File.ReadAllBytes(Path.Combine(sample, "esup-sgc-export.json")));
        Assert.AreEqual(16, csv.RowsRead);
        Assert.AreEqual(0, csv.SetAside.Count + csv.Warnings.Count);
        CollectionAssert.AreEquivalent(csv.Cards.Select(c => (c.Id, c.Csn, c.Etat, c.Eppn)).ToList(), json.Cards.Select(c => (c.Id, c.Csn, c.Etat, c.Eppn)).ToList());
        CardOfficeState[] states = StateMapping.Classify(csv.Cards);
        CardOfficeState StateOf(long id) => states[csv.Cards.FindIndex(c => c.Id == id)];
        Assert.AreEqual(CardOfficeState.Replaced, StateOf(1005), "emma's old card: DISABLED without motif, her new card ENABLED");
        Assert.AreEqual(CardOfficeState.Active, StateOf(1006));
        Assert.AreEqual(CardOfficeState.NotListed, StateOf(1016), "karim's new-card request has no csn");
        Assert.AreEqual(CardOfficeState.Active, StateOf(1012), "karim's current card stays enabled while the new one is requested");
        Assert.AreEqual(13, states.Count(s => StateMapping.ToList(s).HasValue));
    }

    [TestMethod]
    [DataRow("ENABLED", null, false, CardOfficeState.Active)]
    [DataRow("DISABLED", "LOST", false, CardOfficeState.Lost)]
    [DataRow("DISABLED", "THEFT", false, CardOfficeState.Stolen)]
    [DataRow("DISABLED", "OUT_OF_ORDER", false, CardOfficeState.OutOfOrder)]
    [DataRow("DISABLED", null, true, CardOfficeState.Replaced)]
    [DataRow("DISABLED", null, false, CardOfficeState.Blocked)]
    [DataRow("DISABLED", "LOST", true, CardOfficeState.Lost)]
    [DataRow("CADUC", null, false, CardOfficeState.Expired)]
    [DataRow("DESTROYED", null, false, CardOfficeState.Destroyed)]
    [DataRow("ENCODED", null, false, CardOfficeState.NotActivated)]
    [DataRow("IN_ENCODE", null, false, CardOfficeState.NotActivated)]
    [DataRow("PRINTED", null, false, CardOfficeState.NotActivated)]
    [DataRow("REQUEST_CHECKED", null, false, CardOfficeState.NotActivated)]
    [DataRow("CANCELED", null, false, CardOfficeState.NotListed)]
    [DataRow("REJECTED", null, false, CardOfficeState.NotListed)]
    public void EsupStatesMapAsEsupSgcUsesThem(string etat, string motif, bool newerEnabled, CardOfficeState expected)
    {
        Assert.AreEqual(expected, StateMapping.Classify(etat, motif, hasCsn: true, newerEnabled));
    }

    [TestMethod]
    public void ListEntriesAndTheReasonAtTheTill()
    {
        Assert.AreEqual((CardState.Renewed, (byte)0), StateMapping.ToList(CardOfficeState.Replaced));
        Assert.AreEqual((CardState.BlockedOther, BlockReason.OutOfOrder), StateMapping.ToList(CardOfficeState.OutOfOrder));
        Assert.AreEqual(LeoCarte.Terminal.Decisions.ReasonCode.OutOfOrder, StateMapping.ReasonAtTill(CardState.BlockedOther, BlockReason.OutOfOrder));
        Assert.AreEqual(LeoCarte.Terminal.Decisions.ReasonCode.Renewed, StateMapping.ReasonAtTill(CardState.Renewed, 0));
        Assert.IsNull(StateMapping.ToList(CardOfficeState.NotListed));
    }

    [TestMethod]
    public void ADisabledCardIsReplacedOnlyByANewerEnabledCardOfTheSameHolder()
    {
        var cards = new List<EsupCard>
        {
            new(1, "04000000000001", "DISABLED", new DateTime(2025, 9, 1, 10, 0, 0), "a@x", null, 2),
            new(2, "04000000000002", "ENABLED", new DateTime(2025, 9, 1, 10, 0, 1), "a@x", null, 3),
            // b: re-enabled her old card after a new one was disabled → the disabled new one is replaced too.
            new(3, "04000000000003", "ENABLED", new DateTime(2025, 10, 1), "b@x", null, 4),
            new(4, "04000000000004", "DISABLED", new DateTime(2025, 9, 1), "b@x", null, 5),
            // c: disabled by the card office long after her card was enabled, no newer card.
            new(5, "04000000000005", "ENABLED", new DateTime(2025, 1, 1), "c@x", null, 6),
            new(6, "04000000000006", "DISABLED", new DateTime(2025, 12, 1), "c@x", null, 7),
            // d: no dates: ids decide.
            new(7, "04000000000007", "DISABLED", null, "d@x", null, 8),
            new(8, "04000000000008", "ENABLED", null, "d@x", null, 9),
            // e: disabled, the enabled card belongs to someone else.
            new(9, "04000000000009", "DISABLED", null, "e@x", null, 10),
        };
        CollectionAssert.AreEqual(
            new[] { CardOfficeState.Replaced, CardOfficeState.Active, CardOfficeState.Active, CardOfficeState.Replaced, CardOfficeState.Active, CardOfficeState.Blocked, CardOfficeState.Replaced, CardOfficeState.Active, CardOfficeState.Blocked },
            StateMapping.Classify(cards));
    }

    [TestMethod]
    public void TheCardLookupAcceptsTheCsnFormsOtherSystemsShow()
    {
        // 04A1B2C3D4E580 = 1,303,689,068,602,752 in decimal; reversed 80E5D4C3B2A104 = 36,281,498,998,055,172.
        foreach (string typed in new[] { "04A1B2C3D4E580", "04a1b2c3d4e580", "80E5D4C3B2A104", "1303689068602752", "36281498998055172" })
        {
            CollectionAssert.Contains(LeoCarte.Gateway.Web.CardOfficePages.CsnForms(typed).ToList(), "04a1b2c3d4e580", typed);
        }

        CollectionAssert.Contains(LeoCarte.Gateway.Web.CardOfficePages.CsnForms("2712847316").ToList(), "a1b2c3d4", "a 4-byte Classic UID in decimal");
    }

    [TestMethod]
    [DataRow("https://sgc:s3cret@sgc.example.fr/wsrest/api/csvSearch?etat=ENABLED&fields=id", "https://sgc.example.fr/wsrest/api/csvSearch?etat=ENABLED&fields=id")]
    [DataRow("https://sgc.example.fr/wsrest/api/csvSearch?fields=id&apiKey=abc&access_token=xyz", "https://sgc.example.fr/wsrest/api/csvSearch?fields=id&apiKey=***&access_token=***")]
    [DataRow("/var/lib/leocarte/export.csv", "/var/lib/leocarte/export.csv")]
    public void ImportSourcesAreShownWithoutCredentials(string source, string shown)
    {
        Assert.AreEqual(shown, SourceDisplay.Redact(source));
    }
}
