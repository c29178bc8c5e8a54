using System;
using System.Collections.Generic;
using System.Text;
using LeoCarte.Simulator;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.VirtualTerminal;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.App;

/// <summary>
/// ApplicationOptions.MessageHasher is the seam where the device puts nanoFramework's native HMAC-SHA256
/// (Terminal/Device/Sync/NativeMessageHasher): the request signer must use it, and without it the portable code.
/// </summary>
[TestClass]
public sealed class MessageHasherSeamTests
{
    private sealed class FixedTagHasher : IMessageHasher
    {
        public int HmacCalls;
        public int ShaCalls;

        public void Sha256(byte[] data, int offset, int count, byte[] output)
        {
            ShaCalls++;
            LeoCarte.Terminal.Crypto.Sha256.Hash(data, offset, count, output, 0);
        }

        public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
        {
            HmacCalls++;
            for (int i = 0; i < 32; i++)
            {
                output[i] = 0xAB;
            }
        }
    }

    /// <summary>
    /// Captures each request's signature and what .NET's own HMACSHA256 gives for its canonical text
    /// (Gateway/API.md: METHOD \n PATH?QUERY \n TERMINAL-ID \n TIMESTAMP \n hex(SHA-256(body))), then answers like a
    /// dead link.
    /// </summary>
    private sealed class CapturingTransport : IHttpTransport
    {
        public readonly List<string> Signatures = new();
        public readonly List<string> DotNetSignatures = new();

        public TransportResult Send(HttpRequest request, out IHttpResponse response)
        {
            string signature = null, terminal = null, timestamp = null;
            for (int i = 0; i < request.HeaderCount; i++)
            {
                if (request.HeaderName(i) == RequestSigner.SignatureHeader)
                {
                    signature = request.HeaderValue(i);
                }

                if (request.HeaderName(i) == RequestSigner.TerminalHeader)
                {
                    terminal = request.HeaderValue(i);
                }

                if (request.HeaderName(i) == RequestSigner.TimestampHeader)
                {
                    timestamp = request.HeaderValue(i);
                }

            }

            byte[] body = request.Body == null ? Array.Empty<byte>() : request.Body.AsSpan(request.BodyOffset, request.BodyCount).ToArray();
            string canonical = $"{request.Method}\n{request.PathAndQuery}\n{terminal}\n{timestamp}\n{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))}";
            Signatures.Add(signature);
            DotNetSignatures.Add(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Convert.FromHexString(AppRig.Secret), Encoding.ASCII.GetBytes(canonical))));
            response = null;
            return TransportResult.ConnectFailed;
        }
    }

    private static (TerminalApplication App, CapturingTransport Transport) Compose(IMessageHasher hasher)
    {
        var sim = new Mfrc522Simulator(0x92, 3);
        var files = new MemoryFileStore();
        string text = VirtualTerminalHost.ConfigurationText("http://127.0.0.1:9", AppRig.SiteId, AppRig.ListPublicKeyLine, AppRig.Secret, "restaurant", 60);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        files.Append(TerminalConfiguration.FileName, bytes, 0, bytes.Length);
        var transport = new CapturingTransport();
        var platform = new VirtualPlatform(sim, new VirtualWifi(), _ => transport);
        var app = new TerminalApplication(platform, files, new VirtualClockHardware(sim, AppRig.NoonParisUtc), _ => { }, new ApplicationOptions { MessageHasher = hasher });
        app.Boot();
        app.Clock.ReportSntpTime();
        for (int i = 0; i < 10 && transport.Signatures.Count == 0; i++)
        {
            app.Sync.Step();
        }

        return (app, transport);
    }

    [TestMethod]
    public void RequestSigner_UsesTheHasherTheOptionsGive()
    {
        var hasher = new FixedTagHasher();
        var (_, transport) = Compose(hasher);

        Assert.IsTrue(transport.Signatures.Count > 0, "a request was sent");
        Assert.AreEqual(string.Concat(System.Linq.Enumerable.Repeat("ab", 32)), transport.Signatures[0]);
        Assert.IsTrue(hasher.HmacCalls > 0 && hasher.ShaCalls > 0);
    }

    [TestMethod]
    public void RequestSigner_WithoutAHasher_SignsWithThePortableHmac()
    {
        var (_, transport) = Compose(null);

        Assert.IsTrue(transport.Signatures.Count > 0, "a request was sent");
        Assert.AreEqual(transport.DotNetSignatures[0], transport.Signatures[0], "portable HMAC-SHA256 = .NET's over the canonical text");
    }
}
