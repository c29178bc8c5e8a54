using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Tests.Conformance;
using LeoCarte.Tools.ConfigValidator;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Config;

/// <summary>The host validator over the shipped samples and over broken copies of them.</summary>
[TestClass]
public class ConfigValidatorTests
{
    private static readonly DateTime Now = new(2027, 1, 15, 12, 0, 0, DateTimeKind.Utc);

    internal static string Samples => Path.Combine(ConformanceCheckerTests.Metadata("RepoRoot"), "hardware", "samples");

    private static (int Exit, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        int exit = ValidatorCommand.Run(args, output, Now);
        return (exit, output.ToString());
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "leocarte-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Copies a sample into a fresh directory (with the sample CA), applying <paramref name="edit"/> to its lines.</summary>
    private static string BrokenCopy(string sample, Func<string[], string[]> edit)
    {
        string dir = TempDir();
        File.Copy(Path.Combine(Samples, "gateway-ca.pem"), Path.Combine(dir, "gateway-ca.pem"));
        string path = Path.Combine(dir, "terminal.conf");
        File.WriteAllLines(path, edit(File.ReadAllLines(Path.Combine(Samples, sample))));
        return path;
    }

    private static int LineStarting(string[] lines, string prefix)
    {
        int index = Array.FindIndex(lines, l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.IsTrue(index >= 0, "sample has a line starting with " + prefix);
        return index + 1;
    }

    [TestMethod]
    [DataRow("restaurant.conf")]
    [DataRow("vending.conf")]
    public void EverySampleIsAValidDemonstrationNotDeployableAndPrintsItsConfigurationWithoutSecrets(string sample)
    {
        string path = Path.Combine(Samples, sample);
        var (exit, output) = Run(path);
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, path + ": NOT DEPLOYABLE: a demonstration configuration (terminal.demo = yes): keys.list_public_key: the public sample list key");
        StringAssert.Contains(output, "keys.terminal_secret: a sample secret");
        StringAssert.Contains(output, "the sample CA");
        StringAssert.Contains(output, "keys.list_public_key = 1:04ce0bcf2e198d53… (P-256)");
        foreach (string line in File.ReadAllLines(path))
        {
            foreach (string secret in new[] { "terminal_secret", "password" })
            {
                if (line.StartsWith(secret + " = ", StringComparison.Ordinal))
                {
                    string value = line.Substring(secret.Length + 3);
                    Assert.IsFalse(output.Contains(value), secret + " is printed in clear");
                }
            }
        }
    }

    [TestMethod]
    [DataRow("restaurant.conf", 3)]
    [DataRow("vending.conf", 2)]
    public void WithoutTheDemoFlagEverySampleKeyAndTheSampleCaAreRefusedByName(string sample, int expectedErrors)
    {
        string path = BrokenCopy(sample, lines => Array.ConvertAll(lines, l => l == "demo = yes" ? "demo = no" : l));
        var (exit, output) = Run(path);
        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, path + ": INVALID (" + expectedErrors + " errors)");
        string[] lines = File.ReadAllLines(path);
        StringAssert.Contains(output, path + ":" + LineStarting(lines, "list_public_key = ") + ": keys.list_public_key: expected the site's own key, not the public sample list key");
        StringAssert.Contains(output, path + ":" + LineStarting(lines, "terminal_secret = ") + ": keys.terminal_secret: expected the site's own key, not a sample secret");
        if (sample == "restaurant.conf")
        {
            // The inline sample CA (the vending sample's CA file is checked once the file parses: see the next test).
            StringAssert.Contains(output, ": gateway.ca_certificate: expected the site's own key, not the sample CA (its subject says \"not for production\")");
        }

        StringAssert.Contains(output, "dotnet run --project Tools/KeyGen");
    }

    [TestMethod]
    public void TheSampleCaFileIsRefusedOutsideDemoMode()
    {
        // The vending sample with real keys but still the sample CA file.
        string path = DeployableCopy();
        File.Copy(Path.Combine(Samples, "gateway-ca.pem"), Path.Combine(Path.GetDirectoryName(path), "gateway-ca.pem"), overwrite: true);
        var (exit, output) = Run(path);
        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, ": gateway.ca_certificate_file: expected the site's own CA, not the sample CA (its subject says \"not for production\")");
    }

    [TestMethod]
    public void WithTheSitesOwnKeysAndCaASampleIsDeployable()
    {
        string path = DeployableCopy();
        var (exit, output) = Run(path);
        Assert.AreEqual(0, exit, output);
        StringAssert.Contains(output, path + ": OK");
        StringAssert.Contains(output, "terminal.demo = no");
    }

    /// <summary>
    /// The vending sample with what a site makes with Tools/KeyGen (a fresh list key pair and terminal secret) and
    /// its own CA, demo = no.
    /// </summary>
    private static string DeployableCopy()
    {
        using var listKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string publicLine = "7:" + Convert.ToHexString(LeoCarte.Gateway.Lists.PemListSigner.PublicKeyOf(listKey)).ToLowerInvariant();
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        string path = BrokenCopy("vending.conf", lines => Array.ConvertAll(lines, l =>
            l == "demo = yes" ? "demo = no"
            : l.StartsWith("list_public_key = ", StringComparison.Ordinal) ? "list_public_key = " + publicLine
            : l.StartsWith("terminal_secret = ", StringComparison.Ordinal) ? "terminal_secret = " + secret
            : l));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path), "gateway-ca.pem"), SelfSigned(isCa: true, Now.AddYears(-1), Now.AddYears(5)));
        return path;
    }

    [TestMethod]
    public void TheSamplesCoverBothModes()
    {
        var restaurant = ConfigFileValidator.Validate(Path.Combine(Samples, "restaurant.conf"), Now);
        var vending = ConfigFileValidator.Validate(Path.Combine(Samples, "vending.conf"), Now);
        Assert.AreEqual(TerminalMode.Restaurant, restaurant.Configuration.Mode);
        Assert.IsNotNull(restaurant.Configuration.CaCertificatePem, "restaurant sample: inline PEM");
        Assert.AreEqual(TerminalMode.Vending, vending.Configuration.Mode);
        Assert.AreEqual("gateway-ca.pem", vending.Configuration.CaCertificateFile, "vending sample: CA file");
        Assert.AreEqual(0, restaurant.Findings.Count + vending.Findings.Count, "no warning either");
        Assert.IsTrue(restaurant.Configuration.Demo && vending.Configuration.Demo, "the samples are demonstrations");
        Assert.IsFalse(restaurant.IsDeployable || vending.IsDeployable);
    }

    /// <summary>One line of a sample replaced: the error names that file, that line and that field.</summary>
    [TestMethod]
    [DataRow("restaurant.conf", "mode = ", "mode = cafeteria", "terminal.mode")]
    [DataRow("restaurant.conf", "timezone = ", "timezone = CET", "time.timezone")]
    [DataRow("restaurant.conf", "window = dinner", "window = dinner 13:30-20:30", "service.window")]
    [DataRow("restaurant.conf", "ssid = ", "ssid = ", "wifi.ssid")]
    [DataRow("restaurant.conf", "password = ", "password = 1234", "wifi.password")]
    [DataRow("restaurant.conf", "url = ", "url = http://leocarte-gw.example.fr/terminal", "gateway.url")]
    [DataRow("restaurant.conf", "sync_interval_seconds = ", "sync_interval_seconds = 1", "gateway.sync_interval_seconds")]
    [DataRow("restaurant.conf", "list_public_key = ", "list_public_key = abc", "keys.list_public_key")]
    [DataRow("restaurant.conf", "terminal_secret = ", "terminal_secret = 0000000000000000000000000000000000000000000000000000000000000000", "keys.terminal_secret")]
    [DataRow("restaurant.conf", "card_daily_offline_cap_cents = ", "card_daily_offline_cap_cents = 6.60", "limits.card_daily_offline_cap_cents")]
    [DataRow("restaurant.conf", "[limits]", "[limit]", "[limit]")]
    [DataRow("vending.conf", "pulse_count = ", "pulse_count = 21", "vend.pulse_count")]
    [DataRow("vending.conf", "buzzer = ", "buzzer = 26", "pins.buzzer")]
    [DataRow("vending.conf", "ca_certificate_file = ", "ca_certificate_file = C:\\certs\\ca.pem", "gateway.ca_certificate_file")]
    [DataRow("vending.conf", "ca_certificate_file = ", "ca_certificate_file = missing-ca.pem", "gateway.ca_certificate_file")]
    public void ABrokenLineIsReportedWithFileLineAndField(string sample, string linePrefix, string replacement, string field)
    {
        int line = 0;
        string path = BrokenCopy(sample, lines =>
        {
            line = LineStarting(lines, linePrefix);
            lines[line - 1] = replacement;
            return lines;
        });
        var (exit, output) = Run(path);
        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, path + ":" + line + ": " + field + ": expected ");
        StringAssert.Contains(output, path + ": INVALID (1 error)");
    }

    [TestMethod]
    public void AMissingRequiredFieldIsReportedForTheWholeFile()
    {
        string path = BrokenCopy("vending.conf", lines => Array.FindAll(lines, l => !l.StartsWith("id = ", StringComparison.Ordinal)));
        var (exit, output) = Run(path);
        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, path + ": terminal.id: expected a value (required)");
    }

    [TestMethod]
    public void ACertificateThatIsNotX509IsCaughtBeforeDeployment()
    {
        int line = 0;
        string path = BrokenCopy("restaurant.conf", lines =>
        {
            line = LineStarting(lines, "ca_certificate = ");
            lines[line + 2] = new string('A', lines[line + 2].Length); // valid base64 characters, broken DER
            return lines;
        });
        var (exit, output) = Run(path);
        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, path + ":" + line + ": gateway.ca_certificate: expected a well-formed X.509 certificate");
    }

    [TestMethod]
    public void AnExpiredCaIsAnErrorAndANonCaCertificateAWarning()
    {
        string conf = DeployableCopy();
        string dir = Path.GetDirectoryName(conf);

        File.WriteAllText(Path.Combine(dir, "gateway-ca.pem"), SelfSigned(isCa: true, Now.AddYears(-3), Now.AddDays(-1)));
        var (exit, output) = Run(conf);
        Assert.AreEqual(1, exit, output);
        int line = LineStarting(File.ReadAllLines(conf), "ca_certificate_file = ");
        StringAssert.Contains(output, conf + ":" + line + ": gateway.ca_certificate_file: expected a certificate valid now; CN=Test expired on " + Now.AddDays(-1).ToString("yyyy-MM-dd"));

        File.WriteAllText(Path.Combine(dir, "gateway-ca.pem"), SelfSigned(isCa: false, Now.AddYears(-1), Now.AddDays(30)));
        (exit, output) = Run(conf);
        Assert.AreEqual(0, exit, output);
        StringAssert.Contains(output, conf + ":" + line + ": gateway.ca_certificate_file: warning: CN=Test expires on");
        StringAssert.Contains(output, "warning: CN=Test is not a CA certificate");
    }

    [TestMethod]
    public void AnUnreadableFileAndBadUsageExitWithOne()
    {
        var (exit, output) = Run(Path.Combine(TempDir(), "nope.conf"));
        Assert.AreEqual(1, exit);
        StringAssert.Contains(output, "nope.conf: file: expected a readable file");
        Assert.AreEqual(1, Run().Exit);
        Assert.AreEqual(1, Run("--frobnicate", "x.conf").Exit);
        Assert.AreEqual(1, Run("--deploy-json", "d.json", Path.Combine(Samples, "vending.conf")).Exit, "--deploy-json needs --serialport");
    }

    [TestMethod]
    public void TheDeployJsonPutsTheConfigurationAndItsCaOnTheInternalDrive()
    {
        string json = Path.Combine(TempDir(), "deploy.json");
        var (exit, output) = Run("--quiet", "--deploy-json", json, "--serialport", "COM5", DeployableCopy());
        Assert.AreEqual(0, exit, output);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        Assert.AreEqual("COM5", document.RootElement.GetProperty("SerialPort").GetString());
        var files = document.RootElement.GetProperty("Files");
        Assert.AreEqual(2, files.GetArrayLength());
        Assert.AreEqual("I:\\terminal.conf", files[0].GetProperty("DestinationFilePath").GetString());
        Assert.IsTrue(File.Exists(files[0].GetProperty("SourceFilePath").GetString()));
        Assert.AreEqual("I:\\gateway-ca.pem", files[1].GetProperty("DestinationFilePath").GetString());
        Assert.IsTrue(File.Exists(files[1].GetProperty("SourceFilePath").GetString()));
        Assert.IsFalse(output.Contains("pins.spi_sck"), "--quiet prints no configuration");
    }

    [TestMethod]
    public void ADemonstrationIsNeverGivenADeployJson()
    {
        string json = Path.Combine(TempDir(), "deploy.json");
        var (exit, output) = Run("--quiet", "--deploy-json", json, "--serialport", "COM5", Path.Combine(Samples, "vending.conf"));
        Assert.AreEqual(2, exit, output);
        Assert.IsFalse(File.Exists(json));
        StringAssert.Contains(output, "a demonstration configuration is never deployed");
    }

    private static string SelfSigned(bool isCa, DateTime notBefore, DateTime notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return certificate.ExportCertificatePem() + "\n";
    }
}
