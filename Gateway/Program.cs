using System;
using System.IO;
using System.Text.Json;
using LeoCarte.Gateway;
using LeoCarte.Gateway.Import;
using LeoCarte.Gateway.Web;
using Microsoft.Extensions.Hosting;

// LéoCarte reference platform gateway.
//   dotnet run --project Gateway -- --sample                    demo on http://127.0.0.1:5080 with Gateway/sample data
//   dotnet run --project Gateway -- --config gateway.json [--urls http://0.0.0.0:5080]
//   dotnet run --project Gateway -- check-export FILE_OR_URL [--config gateway.json]
//   dotnet run --project Gateway -- hash-password               (reads the password on standard input)
//   dotnet run --project Gateway -- new-secret                  (prints a new 32-byte secret, hex)
// See Gateway/README.md.
string url = "http://127.0.0.1:5080";
GatewayOptions options = null;
string checkExport = null;
bool hashPassword = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sample":
            options = SampleOptions();
            break;
        case "--config" when i + 1 < args.Length:
            options = LoadOptions(CheckExport.ResolvePath(args[++i]));
            options.SampleMode = false; // only --sample accepts the demo secrets, whatever a configuration file says
            break;
        case "--urls" when i + 1 < args.Length:
            url = args[++i];
            break;
        case "check-export" when i + 1 < args.Length:
            checkExport = args[++i];
            break;
        case "hash-password":
            hashPassword = true;
            break;
        case "new-secret":
            // A terminal request secret (Terminals.<id>, keys.terminal_secret) or a site key: 32 bytes from the OS CSPRNG.
            Console.WriteLine(LeoCarte.Gateway.Api.SecretPolicy.Generate());
            return 0;
    }
}

if (hashPassword)
{
    // From standard input, never from the command line (shell history, process list).
    if (!Console.IsInputRedirected)
    {
        Console.Error.Write("password: ");
    }

    string password = Console.IsInputRedirected ? Console.ReadLine() : ReadHidden();
    if (string.IsNullOrEmpty(password) || password.Length < 10)
    {
        Console.Error.WriteLine("a password of at least 10 characters, please");
        return 2;
    }

    Console.WriteLine(OperatorPasswords.Hash(password));
    return 0;
}

if (checkExport != null)
{
    return CheckExport.Run(checkExport, options, Console.Out);
}

if (options == null)
{
    Console.Error.WriteLine("usage: LeoCarte.Gateway --sample | --config gateway.json [--urls http://127.0.0.1:5080]");
    Console.Error.WriteLine("       LeoCarte.Gateway check-export FILE_OR_URL [--config gateway.json]");
    Console.Error.WriteLine("       LeoCarte.Gateway hash-password   (password on standard input)");
    Console.Error.WriteLine("       LeoCarte.Gateway new-secret      (a new 32-byte terminal secret or site key, hex)");
    return 2;
}

if (LeoCarte.Gateway.Api.SecretPolicy.Problems(options) is { Count: > 0 } refused)
{
    Console.Error.WriteLine("refused secrets in the configuration (" + string.Join("; ", refused) + ").");
    Console.Error.WriteLine("Generate each with `dotnet run --project Gateway -- new-secret` (or `openssl rand -hex 32`); the sample values work only with --sample.");
    return 2;
}

if (GatewayApp.PortTaken(url))
{
    Console.Error.WriteLine($"{url}: that port is already in use (another gateway running?); choose another with --urls http://127.0.0.1:5081");
    return 3;
}

var app = GatewayApp.Build(options, url);
try
{
    app.Start();
}
catch (IOException e) when (GatewayApp.IsAddressInUse(e))
{
    Console.Error.WriteLine($"{url}: that port is already in use (another gateway running?); choose another with --urls http://127.0.0.1:5081");
    return 3;
}

Console.WriteLine($"LéoCarte gateway on {url} ({options.Database}); importing {SourceDisplay.Redact(options.ImportSource)} every {options.ImportIntervalSeconds} s; card office: {url}/ ({options.Operators.Count} operator(s))");
app.WaitForShutdown();
return 0;

// Reads a line from the keyboard without echoing it.
static string ReadHidden()
{
    var typed = new System.Text.StringBuilder();
    while (true)
    {
        ConsoleKeyInfo key = Console.ReadKey(intercept: true);
        if (key.Key == ConsoleKey.Enter)
        {
            Console.Error.WriteLine();
            return typed.ToString();
        }

        if (key.Key == ConsoleKey.Backspace)
        {
            if (typed.Length > 0)
            {
                typed.Length--;
            }
        }
        else if (!char.IsControl(key.KeyChar))
        {
            typed.Append(key.KeyChar);
        }
    }
}

static GatewayOptions LoadOptions(string path) =>
    JsonSerializer.Deserialize<GatewayOptions>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

static GatewayOptions SampleOptions()
{
    string sample = Path.Combine(AppContext.BaseDirectory, "sample");
    var options = LoadOptions(Path.Combine(sample, "gateway.sample.json"));
    options.SampleMode = true; // the public demo secrets are accepted here and nowhere else
    if (!Path.IsPathRooted(options.ImportSource) && !options.ImportSource.Contains("://", StringComparison.Ordinal))
    {
        options.ImportSource = Path.Combine(sample, options.ImportSource);
    }

    if (!string.IsNullOrEmpty(options.ListSigningKeyFile) && !Path.IsPathRooted(options.ListSigningKeyFile))
    {
        options.ListSigningKeyFile = Path.Combine(sample, options.ListSigningKeyFile);
    }

    options.Demo = true;

    // Keep the demo database beside the binaries, not in whatever folder the command was run from.
    options.ConnectionString = "Data Source=" + Path.Combine(AppContext.BaseDirectory, "leocarte-gateway-sample.db");
    return options;
}
