using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Tools.ConfigValidator;

/// <summary>One finding about a configuration file, in the firmware's terms (line 0 = the file as a whole).</summary>
public sealed record Finding(int Line, string Field, string Expected, bool IsWarning)
{
    /// <summary>"path:12: wifi.ssid: expected ..." — the form compilers use, so editors can jump to the line.</summary>
    public string Format(string path)
    {
        string where = Line > 0 ? path + ":" + Line + ": " : path + ": ";
        return where + Field + ": " + (IsWarning ? "warning: " : "expected ") + Expected;
    }
}

/// <summary>The outcome of validating one file: its findings, and the effective configuration when it is valid.</summary>
public sealed class ValidationResult
{
    public List<Finding> Findings { get; } = new();

    public TerminalConfiguration Configuration { get; } = new();

    public bool IsValid => !Findings.Exists(f => !f.IsWarning);

    /// <summary>What makes a valid file a demonstration (terminal.demo = yes and the sample material it holds).</summary>
    public List<string> DemoReasons { get; } = new();

    /// <summary>Valid and no demonstration: a file that may go on a terminal.</summary>
    public bool IsDeployable => IsValid && !Configuration.Demo;
}

/// <summary>
/// Validates a terminal configuration file exactly as the firmware will parse it (the same portable
/// <see cref="ConfigurationParser"/>), then adds what only a PC can check before deployment: the CA certificate
/// file exists beside the configuration, and every CA certificate is real X.509, a CA and not expired.
/// </summary>
public static class ConfigFileValidator
{
    /// <summary>A certificate expiring within this many days gets a warning: replace it before the terminals lose the gateway.</summary>
    public const int ExpiryWarningDays = 90;

    public static ValidationResult Validate(string path, DateTime utcNow)
    {
        var result = new ValidationResult();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Findings.Add(new Finding(0, "file", "a readable file (" + e.Message + ")", false));
            return result;
        }

        var errors = new ConfigErrors();
        bool parsed = ConfigurationParser.Parse(bytes, bytes.Length, result.Configuration, errors);
        for (int i = 0; i < errors.Count; i++)
        {
            result.Findings.Add(new Finding(errors[i].Line, errors[i].Field, errors[i].Expected, false));
        }

        if (errors.Dropped > 0)
        {
            result.Findings.Add(new Finding(0, "file", "fewer errors: " + errors.Dropped + " more not listed (the firmware keeps " + ConfigErrors.Capacity + ")", false));
        }

        if (!parsed)
        {
            return result;
        }

        TerminalConfiguration config = result.Configuration;
        string[] lines = File.ReadAllLines(path);
        if (config.CaCertificateFile != null)
        {
            int line = LineOf(lines, "ca_certificate_file");
            string caPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", config.CaCertificateFile);
            if (!File.Exists(caPath))
            {
                result.Findings.Add(new Finding(line, "gateway.ca_certificate_file",
                    "the file " + config.CaCertificateFile + " next to the configuration (it is deployed with it to I:\\)", false));
            }
            else
            {
                var length = new FileInfo(caPath).Length;
                if (length > ConfigurationLoader.MaxCaFileBytes)
                {
                    result.Findings.Add(new Finding(line, "gateway.ca_certificate_file", "at most " + ConfigurationLoader.MaxCaFileBytes + " bytes (found " + length + ")", false));
                }
                else
                {
                    string caText = File.ReadAllText(caPath).Replace("\r", "", StringComparison.Ordinal);
                    CheckCertificates(caText, line, "gateway.ca_certificate_file", utcNow, result);
                    if (DemoMaterial.IsSampleCertificate(caText))
                    {
                        // The firmware cannot read the CA file while parsing: the validator checks it here.
                        if (config.Demo)
                        {
                            result.DemoReasons.Add("gateway.ca_certificate_file: the sample CA (its subject says \"not for production\")");
                        }
                        else
                        {
                            result.Findings.Add(new Finding(line, "gateway.ca_certificate_file",
                                "the site's own CA, not the sample CA (its subject says \"not for production\"), or terminal.demo = yes for a demonstration, never deployable", false));
                        }
                    }
                }
            }
        }

        if (config.CaCertificatePem != null)
        {
            CheckCertificates(config.CaCertificatePem, LineOf(lines, "ca_certificate"), "gateway.ca_certificate", utcNow, result);
        }

        if (config.DemoReason != null)
        {
            result.DemoReasons.Insert(0, config.DemoReason);
        }

        if (config.WifiPassword.Length == 0)
        {
            result.Findings.Add(new Finding(LineOf(lines, "password"), "wifi.password", "an open network lets anyone nearby see the terminal's traffic; prefer WPA2", true));
        }

        return result;
    }

    /// <summary>1-based line of the first "key =" line, or 0.</summary>
    private static int LineOf(string[] lines, string key)
    {
        var pattern = new Regex(@"^\s*" + Regex.Escape(key) + @"\s*=", RegexOptions.IgnoreCase);
        for (int i = 0; i < lines.Length; i++)
        {
            if (pattern.IsMatch(lines[i]))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static void CheckCertificates(string pem, int line, string field, DateTime utcNow, ValidationResult result)
    {
        var blocks = Regex.Matches(pem, ConfigurationParser.PemBegin + @"(.*?)" + ConfigurationParser.PemEnd, RegexOptions.Singleline);
        if (blocks.Count == 0)
        {
            result.Findings.Add(new Finding(line, field, ConfigurationParser.PemBegin + " ... " + ConfigurationParser.PemEnd, false));
            return;
        }

        int index = 0;
        foreach (Match block in blocks)
        {
            index++;
            string which = blocks.Count > 1 ? "certificate " + index + ": " : "";
            X509Certificate2 certificate;
            try
            {
                byte[] der = Convert.FromBase64String(Regex.Replace(block.Groups[1].Value, @"\s", ""));
                certificate = X509CertificateLoader.LoadCertificate(der);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                result.Findings.Add(new Finding(line, field, which + "a well-formed X.509 certificate (" + e.Message.Trim() + ")", false));
                continue;
            }

            using (certificate)
            {
                string subject = certificate.Subject;
                if (certificate.NotAfter.ToUniversalTime() < utcNow)
                {
                    result.Findings.Add(new Finding(line, field, which + "a certificate valid now; " + subject + " expired on " + certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd"), false));
                }
                else if (certificate.NotBefore.ToUniversalTime() > utcNow)
                {
                    result.Findings.Add(new Finding(line, field, which + "a certificate valid now; " + subject + " is valid only from " + certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd"), false));
                }
                else if (certificate.NotAfter.ToUniversalTime() < utcNow.AddDays(ExpiryWarningDays))
                {
                    result.Findings.Add(new Finding(line, field, which + subject + " expires on " + certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd") + ": plan its replacement", true));
                }

                var constraints = certificate.Extensions["2.5.29.19"] as X509BasicConstraintsExtension;
                if (constraints == null || !constraints.CertificateAuthority)
                {
                    result.Findings.Add(new Finding(line, field, which + subject + " is not a CA certificate: it works only while the gateway keeps exactly this certificate", true));
                }
            }
        }
    }
}
