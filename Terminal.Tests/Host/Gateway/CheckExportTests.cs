using System;
using System.IO;
using System.Linq;
using System.Text;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Lists;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>`dotnet run --project Gateway -- check-export FILE_OR_URL [--config gateway.json]`.</summary>
[TestClass]
public class CheckExportTests
{
    private static string Sample => Path.Combine(AppContext.BaseDirectory, "sample", "esup-sgc-export.csv");

    [TestMethod]
    public void TheSampleWouldBePublishedAndItsStatesAreCounted()
    {
        var output = new StringWriter();
        Assert.AreEqual(0, CheckExport.Run(Sample, null, output), output.ToString());
        string text = output.ToString();
        StringAssert.Contains(text, "rows read: 16 (csv); sound: 16; set aside: 0");
        StringAssert.Contains(text, "Replaced              1   at the till: Carte remplacée : utilisez votre nouvelle carte");
        StringAssert.Contains(text, "OutOfOrder            1   at the till: Carte hors service");
        StringAssert.Contains(text, "NotListed             3   at the till: not listed: Carte inconnue");
        StringAssert.Contains(text, "verdict: WOULD PUBLISH");
    }

    [TestMethod]
    public void BadRowsAreListedByLineAndFieldWithoutTheirValues()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string file = Path.Combine(folder, "export.csv");
            File.WriteAllText(file, File.ReadAllText(Sample).Replace("04B2C3D4E5F681", "E0040150AB12CD34").Replace("chloe.petit@unicaen.fr;LOST", "chloe.petit@unicaen.fr;PERDUE"));
            var output = new StringWriter();
            Assert.AreEqual(0, CheckExport.Run(file, null, output), output.ToString());
            string text = output.ToString();
            StringAssert.Contains(text, "line 3, csn: 8 bytes: not an ISO 14443 UID (an ISO 15693 id?); the terminals cannot read it (card id 1002)");
            StringAssert.Contains(text, "line 4, motifDisable: not an ESUP-SGC disable motif (card id 1003)");
            Assert.IsFalse(text.Contains("E0040150AB12CD34", StringComparison.Ordinal) || text.Contains("PERDUE", StringComparison.Ordinal) || text.Contains("chloe", StringComparison.Ordinal), text);

            File.WriteAllBytes(file, Encoding.Latin1.GetBytes(File.ReadAllText(Sample).Replace("ines.faure", "inès.faure")));
            output = new StringWriter();
            Assert.AreEqual(1, CheckExport.Run(file, null, output));
            StringAssert.Contains(output.ToString(), "not UTF-8");
            StringAssert.Contains(output.ToString(), "verdict: REFUSED");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [TestMethod]
    public void AgainstTheDatabaseACutOrShrunkExportWouldBeHeldAndNothingIsWritten()
    {
        string folder = Path.Combine(Path.GetTempPath(), "leocarte-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var options = new GatewayOptions { ListSigningKeyPem = global::LeoCarte.Terminal.Tests.Support.HostListKeys.Pem, ConnectionString = "Data Source=" + Path.Combine(folder, "g.db") };
            var store = GatewayApp.CreateStore(options);
            store.Initialize();
            var lists = new ListService(store, new AllowlistListEncoder(1, global::LeoCarte.Terminal.Tests.Support.HostListKeys.Signing(store.DatabaseId())));
            string full = File.ReadAllText(Sample);
            Assert.IsTrue(lists.Apply(EsupSgcExport.Read(full), "test", DateTime.UtcNow).Ok);

            string export = Path.Combine(folder, "export.csv");
            File.WriteAllText(export, string.Join("\n", full.Split('\n').Take(4)) + "\n");
            var output = new StringWriter();
            Assert.AreEqual(1, CheckExport.Run(export, options, output), output.ToString());
            StringAssert.Contains(output.ToString(), "against the list in force (version 1, 13 cards): 0 added, 10 removed");
            StringAssert.Contains(output.ToString(), "verdict: WOULD HOLD for an operator's confirmation: it removes 10 of the 13 cards in force");

            File.WriteAllText(export, full.Substring(0, full.Length - 10));
            output = new StringWriter();
            Assert.AreEqual(1, CheckExport.Run(export, options, output));
            StringAssert.Contains(output.ToString(), "looks cut");

            File.WriteAllText(export, full.Replace("ENABLED;2026-09-03T10:30;lea", "DISABLED;2026-12-01T10:30;lea").Replace("lea.dubois@unicaen.fr;", "lea.dubois@unicaen.fr;THEFT"));
            output = new StringWriter();
            Assert.AreEqual(0, CheckExport.Run(export, options, output), output.ToString());
            StringAssert.Contains(output.ToString(), "0 added, 0 removed, 1 changed (active → stolen 1)");

            Assert.AreEqual(1L, store.CurrentVersion().Version, "check-export publishes nothing");
            Assert.AreEqual(0, store.HeldImports(5).Count, "and holds nothing");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }
}
