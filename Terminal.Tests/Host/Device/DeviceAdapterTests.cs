using System;
using System.IO;
using System.Linq;
using System.Reflection;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Conformance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Device;

/// <summary>
/// The device adapters (Terminal/Device, Drivers/Device) run here: each test compiles the real adapter source
/// with a fake of the nanoFramework package it uses (Terminal.Tests/Host/DeviceFakes, behaviour read in the
/// package's source at the pinned tag) and a scenario, in memory, and runs the scenario. The fakes reproduce
/// the library behaviour that broke the adapters (issue 10, item 6); the .nfproj build in .ci/run checks the
/// adapters against the real API shapes.
/// </summary>
[TestClass]
public class DeviceAdapterTests
{
    private static string RepoRoot => ConformanceCheckerTests.Metadata("RepoRoot");

    private static Type Compile(string scenario, params string[] sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(RepoRoot, s)), new CSharpParseOptions(LanguageVersion.CSharp12), s))
            .Append(CSharpSyntaxTree.ParseText(scenario, new CSharpParseOptions(LanguageVersion.CSharp12)));
        // The runtime's own assemblies, without the ones that define the APIs the fakes replace.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var references = Directory.GetFiles(framework, "*.dll")
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "System.Collections.dll" or "System.Collections.NonGeneric.dll" or "System.Linq.dll")
            .Append(typeof(TransportResult).Assembly.Location)
            .Append(typeof(LeoCarte.Drivers.Mfrc522.IReaderPins).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("DeviceHarness" + Guid.NewGuid().ToString("N"), trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.IsTrue(result.Success, string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return Assembly.Load(image.ToArray()).GetType("Scenario");
    }

    private static string Run(Type scenario, string method) => (string)scenario.GetMethod(method).Invoke(null, null);

    private const string HttpScenario = """
        using System;
        using System.Net;
        using System.Net.Sockets;
        using LeoCarte.Terminal.Device.Sync;
        using LeoCarte.Terminal.Sync;

        public static class Scenario
        {
            private static string Exchange(string method, byte[] body)
            {
                var transport = new NanoHttpTransport("https://gateway.example", "-----BEGIN CERTIFICATE-----", 15000);
                var request = new HttpRequest();
                request.Reset(method, "/api/v1/terminals/T1/journal");
                if (body != null) request.SetBody(body, 0, body.Length, "application/octet-stream");
                TransportResult result = transport.Send(request, out IHttpResponse response);
                string text = result.ToString();
                if (response != null)
                {
                    byte[] buffer = new byte[64];
                    int n = response.Read(buffer, 0, buffer.Length);
                    text += " " + response.StatusCode + " read " + n + " time " + response.Header("X-LeoCarte-Time");
                    response.Close();
                }
                return text + " received " + FakeGateway.ReceivedBody.Length + " open " + FakeGateway.OpenConnections;
            }

            public static string Post()
            {
                FakeGateway.Reset();
                FakeGateway.ResponseBody = new byte[] { 1, 2, 3 };
                return Exchange("POST", new byte[80]);
            }

            public static string Get()
            {
                FakeGateway.Reset();
                return Exchange("GET", null);
            }

            /// The fake reproduces the library: writing the body inside using(...) closes the connection.
            public static string PostWithDisposedClone()
            {
                FakeGateway.Reset();
                var web = (HttpWebRequest)WebRequest.Create("https://gateway.example/x");
                web.Method = "POST";
                using (var stream = web.GetRequestStream()) stream.Write(new byte[8], 0, 8);
                try { web.GetResponse(); return "answered"; }
                catch (WebException e) { return "WebException status " + (int)e.Status + " inner " + e.InnerException.GetType().Name; }
            }

            public static string Failure(string method, string where, string kind)
            {
                FakeGateway.Reset();
                Exception failure = kind switch
                {
                    "dns" => new WebException("Unable to resolve Dns entry to valid IPv4 Address", WebExceptionStatus.NameResolutionFailure),
                    "refused" => new WebException("connection failed", new SocketException(10061), WebExceptionStatus.ConnectFailure, null),
                    "tls" => new SocketException(-1),
                    "reset" => new SocketException(10054),
                    "garbage" => new FormatException("not HTTP"),
                    _ => throw new ArgumentException(kind),
                };
                if (where == "connect") FakeGateway.ConnectFailure = failure; else FakeGateway.ResponseFailure = failure;
                return Exchange(method, method == "POST" ? new byte[10] : null);
            }
        }
        """;

    // Compiled once for all the HTTP tests (a compilation takes about a second).
    private static readonly Lazy<Type> HttpHarness = new(() => Compile(HttpScenario, "Terminal/Device/Sync/NanoHttpTransport.cs", "Terminal.Tests/Host/DeviceFakes/NanoHttp.cs"));

    private static Type Http() => HttpHarness.Value;

    [TestMethod]
    public void TheFakeReproducesSystemNetHttp1_5_209_DisposingTheRequestStreamClosesTheConnection()
    {
        Assert.AreEqual("WebException status 0 inner ObjectDisposedException", Run(Http(), "PostWithDisposedClone"));
    }

    [TestMethod]
    public void APostBodyReachesTheGatewayAndItsAnswerIsRead()
    {
        Assert.AreEqual("Ok 200 read 3 time 1764583200 received 80 open 0", Run(Http(), "Post"));
    }

    [TestMethod]
    public void AGetIsAnsweredAndTheConnectionReleased()
    {
        Assert.AreEqual("Ok 200 read 0 time 1764583200 received 0 open 0", Run(Http(), "Get"));
    }

    [TestMethod]
    [DataRow("GET", "connect", "dns", "ConnectFailed")]
    [DataRow("POST", "connect", "dns", "ConnectFailed")]
    [DataRow("GET", "connect", "refused", "ConnectFailed")]
    [DataRow("POST", "connect", "refused", "ConnectFailed")]
    [DataRow("GET", "connect", "tls", "ConnectFailed")] // connects inside GetResponse: a handshake failure looks like a reset
    [DataRow("POST", "connect", "tls", "TlsFailed")]
    [DataRow("GET", "response", "reset", "ConnectFailed")]
    [DataRow("POST", "response", "reset", "ConnectFailed")]
    [DataRow("POST", "response", "garbage", "Failed")]
    public void TransportFailuresGetTheirClassAndLeaveNoConnectionOpen(string method, string where, string kind, string expected)
    {
        Assert.AreEqual(expected + " received " + (method == "POST" && where == "response" ? 10 : 0) + " open 0",
            (string)Http().GetMethod("Failure").Invoke(null, new object[] { method, where, kind }));
    }

    private const string GpioScenario = """
        using System.Device.Gpio;
        using LeoCarte.Drivers.Device;

        public static class Scenario
        {
            /// The LEDs, buzzer and vend output are opened by the application (GpioOutputs, its own controller);
            /// the reader's pins by GpioReaderPins. Releasing the reader must leave the outputs working.
            public static string ReaderReleasedWhileOutputsStayOpen()
            {
                GpioController.ResetForTest();
                var outputs = new GpioController();
                GpioPin green = outputs.OpenPin(25, PinMode.Output);
                GpioPin vend = outputs.OpenPin(32, PinMode.Output);
                var reader = new GpioReaderPins(22, 21);
                int openWithReader = GpioController.OpenPinCount;
                reader.Dispose();
                reader.Dispose();
                int openAfterRelease = GpioController.OpenPinCount;
                green.Write(PinValue.High);
                vend.Write(PinValue.High);
                var again = new GpioReaderPins(22, 21);
                return "open with reader " + openWithReader + ", after " + openAfterRelease + ", green " + !green.IsDisposed + ", vend " + !vend.IsDisposed
                    + ", reader reopened " + again.IrqAsserted;
            }

            /// The fake reproduces the library: any controller's Dispose closes every open pin.
            public static string ControllerDisposeClosesEveryPin()
            {
                GpioController.ResetForTest();
                GpioPin green = new GpioController().OpenPin(25, PinMode.Output);
                new GpioController().Dispose();
                return "green open " + !green.IsDisposed;
            }
        }
        """;

    [TestMethod]
    public void ReleasingTheReaderPinsClosesOnlyTheReadersPins()
    {
        Type scenario = Compile(GpioScenario, "Drivers/Device/GpioReaderPins.cs", "Terminal.Tests/Host/DeviceFakes/NanoGpio.cs");
        Assert.AreEqual("green open False", Run(scenario, "ControllerDisposeClosesEveryPin"), "System.Device.Gpio 1.1.62 behaviour");
        Assert.AreEqual("open with reader 4, after 2, green True, vend True, reader reopened False", Run(scenario, "ReaderReleasedWhileOutputsStayOpen"));
    }
}
