using System;
using System.IO;
using System.Text.Json;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Tools.ConfigValidator;

/// <summary>
/// Command line: <c>LeoCarte.ConfigValidator [--quiet] [--deploy-json OUT --serialport PORT] FILE...</c>.
/// Exit code 0 when every file is valid and deployable (warnings allowed), 1 when one is invalid (or bad usage),
/// 2 when all are valid but one is a demonstration (terminal.demo = yes, the public sample keys): not deployable.
/// </summary>
public static class ValidatorCommand
{
    public const string Usage =
        "usage: LeoCarte.ConfigValidator [--quiet] [--deploy-json OUT.json --serialport PORT] terminal.conf [more.conf ...]\n" +
        "  Validates terminal configuration files (hardware/configuration.md) before deployment.\n" +
        "  Prints errors as FILE:LINE: FIELD: expected ..., then the effective configuration (secrets masked).\n" +
        "  --quiet        print only errors and warnings\n" +
        "  --deploy-json  write a nanoff file-deployment description for the (single) valid file and its CA file\n" +
        "  --serialport   the terminal's serial port for --deploy-json (COM5, /dev/ttyUSB0)\n" +
        "  exit code: 0 = valid and deployable, 1 = invalid or bad usage, 2 = valid but a demonstration (terminal.demo = yes: not deployable)";

    public static int Run(string[] args, TextWriter output, DateTime utcNow)
    {
        bool quiet = false;
        string deployJson = null;
        string serialPort = null;
        var files = new System.Collections.Generic.List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quiet":
                    quiet = true;
                    break;
                case "--deploy-json" when i + 1 < args.Length:
                    deployJson = args[++i];
                    break;
                case "--serialport" when i + 1 < args.Length:
                    serialPort = args[++i];
                    break;
                case "-h":
                case "--help":
                    output.WriteLine(Usage);
                    return 1;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        output.WriteLine("unknown option " + args[i]);
                        output.WriteLine(Usage);
                        return 1;
                    }

                    files.Add(args[i]);
                    break;
            }
        }

        if (files.Count == 0 || (deployJson != null && (files.Count != 1 || serialPort == null)))
        {
            output.WriteLine(Usage);
            return 1;
        }

        bool allValid = true;
        bool anyDemo = false;
        foreach (string file in files)
        {
            ValidationResult result = ConfigFileValidator.Validate(file, utcNow);
            foreach (Finding finding in result.Findings)
            {
                output.WriteLine(finding.Format(file));
            }

            if (!result.IsValid)
            {
                allValid = false;
                int errors = result.Findings.FindAll(f => !f.IsWarning).Count;
                output.WriteLine(file + ": INVALID (" + errors + " error" + (errors == 1 ? "" : "s") + "): the terminal would stay in deny-all and blink red x1");
                continue;
            }

            if (!result.IsDeployable)
            {
                anyDemo = true;
                output.WriteLine(file + ": NOT DEPLOYABLE: a demonstration configuration (terminal.demo = yes)"
                    + (result.DemoReasons.Count > 0 ? ": " + string.Join("; ", result.DemoReasons) : "")
                    + "; make real keys with  dotnet run --project Tools/KeyGen");
            }
            else
            {
                output.WriteLine(file + ": OK");
            }

            if (!quiet)
            {
                ConfigurationPrinter.Write(result.Configuration, line => output.WriteLine("  " + line));
            }

            if (deployJson != null && !result.IsDeployable)
            {
                output.WriteLine("no " + deployJson + " written: a demonstration configuration is never deployed");
            }
            else if (deployJson != null)
            {
                WriteDeployJson(deployJson, file, result.Configuration, serialPort);
                output.WriteLine("wrote " + deployJson + ": deploy with  nanoff deploy file " + deployJson + " serialport " + serialPort);
            }
        }

        return !allValid ? 1 : (anyDemo ? 2 : 0);
    }

    /// <summary>
    /// The JSON nanoff's file deployment reads (nanoFirmwareFlasher README, "File deployment"): the configuration
    /// goes to I:\terminal.conf whatever its name on the PC, and its CA file beside it.
    /// </summary>
    private static void WriteDeployJson(string outPath, string configPath, TerminalConfiguration config, string serialPort)
    {
        var files = new System.Collections.Generic.List<object>
        {
            new { DestinationFilePath = "I:\\" + TerminalConfiguration.FileName, SourceFilePath = Path.GetFullPath(configPath) },
        };
        if (config.CaCertificateFile != null)
        {
            string caPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? ".", config.CaCertificateFile);
            files.Add(new { DestinationFilePath = "I:\\" + config.CaCertificateFile, SourceFilePath = caPath });
        }

        var document = new { SerialPort = serialPort, Files = files };
        File.WriteAllText(outPath, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
    }
}
