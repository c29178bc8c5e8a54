using System;
using System.IO;
using System.Text.Json;
using LeoCarte.Gateway;

// LéoCarte reference platform gateway.
//   dotnet run --project Gateway -- --sample                    demo on http://127.0.0.1:5080 with Gateway/sample data
//   dotnet run --project Gateway -- --config gateway.json [--urls http://0.0.0.0:5080]
// See Gateway/README.md.
string url = "http://127.0.0.1:5080";
GatewayOptions options = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sample":
            options = SampleOptions();
            break;
        case "--config" when i + 1 < args.Length:
            options = JsonSerializer.Deserialize<GatewayOptions>(File.ReadAllText(args[++i]), new JsonSerializerOptions { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip });
            break;
        case "--urls" when i + 1 < args.Length:
            url = args[++i];
            break;
    }
}

if (options == null)
{
    Console.Error.WriteLine("usage: LeoCarte.Gateway --sample | --config gateway.json [--urls http://127.0.0.1:5080]");
    return 2;
}

var app = GatewayApp.Build(options, url);
Console.WriteLine($"LéoCarte gateway on {url} ({options.Database}); importing {options.ImportSource} every {options.ImportIntervalSeconds} s");
app.Run();
return 0;

static GatewayOptions SampleOptions()
{
    string sample = Path.Combine(AppContext.BaseDirectory, "sample");
    var options = JsonSerializer.Deserialize<GatewayOptions>(File.ReadAllText(Path.Combine(sample, "gateway.sample.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip });
    if (!Path.IsPathRooted(options.ImportSource) && !options.ImportSource.Contains("://", StringComparison.Ordinal))
    {
        options.ImportSource = Path.Combine(sample, options.ImportSource);
    }

    // Keep the demo database beside the binaries, not in whatever folder the command was run from.
    options.ConnectionString = "Data Source=" + Path.Combine(AppContext.BaseDirectory, "leocarte-gateway-sample.db");
    return options;
}
