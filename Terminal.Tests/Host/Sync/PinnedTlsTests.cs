using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Sync;

/// <summary>
/// HTTPS with the gateway's CA pinned, on loopback: a terminal trusts exactly the CA it was provisioned with
/// (the device does this with nanoFramework's HttpsAuthentCert); a gateway whose certificate another CA issued is
/// refused at the handshake and nothing is downloaded.
/// </summary>
[TestClass]
public class PinnedTlsTests
{
    [TestMethod]
    public async Task TerminalSyncsOverHttpsOnlyWithTheGatewaysOwnCa()
    {
        (X509Certificate2 siteCa, X509Certificate2 serverCertificate) = Pki("site");
        (X509Certificate2 otherCa, _) = Pki("other");
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(10, ("04a1b2c3d4e580", "ENABLED", "")), serverCertificate);
        Assert.AreEqual("https", gateway.BaseUri.Scheme);

        using (var wrongPin = gateway.NewTerminal(new MemoryFileStore(), new ManualClockHardware(DateTime.UtcNow), pinnedCa: otherCa))
        {
            Assert.AreEqual(SyncStepResult.CycleFailed, wrongPin.StepUntilCycleEnds());
            Assert.AreEqual("list: TLS failed", wrongPin.Sync.Statistics.LastError);
            Assert.AreEqual(0L, wrongPin.Allowlist.Version);
        }

        using var terminal = gateway.NewTerminal(new MemoryFileStore(), new ManualClockHardware(DateTime.UtcNow), pinnedCa: siteCa);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds(), terminal.Sync.Statistics.LastError);
        Assert.AreEqual(1L, terminal.Allowlist.Version);
    }

    /// <summary>A CA and a server certificate for 127.0.0.1 that it issued (with its private key).</summary>
    private static (X509Certificate2 Ca, X509Certificate2 Server) Pki(string name)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN=LeoCarte test CA {name}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 caWithKey = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using RSA serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using X509Certificate2 issued = request.Create(caWithKey, now.AddHours(-1), now.AddDays(10), RandomNumberGenerator.GetBytes(8));
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(serverKey);

        // Round-trip through PKCS#12 so the key is usable by the TLS stack on Linux.
        X509Certificate2 server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        X509Certificate2 ca = X509CertificateLoader.LoadCertificate(caWithKey.Export(X509ContentType.Cert));
        return (ca, server);
    }
}
