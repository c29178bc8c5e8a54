using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LeoCarte.Terminal.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace LeoCarte.Terminal.Tests.Host.Sync;

/// <summary>
/// The device's X.509 reader (<see cref="PinnedCertificate"/>) against certificates made and read by .NET's own
/// X509Certificate2: RSA and EC keys, CA and leaf, UTCTime and GeneralizedTime (dates from 2050 on, RFC 5280
/// §4.1.2.5), long names, plus every single-byte corruption of a certificate (a clear status, never an exception).
/// </summary>
[TestClass]
public class PinnedCertificateDotNetTests
{
    private static X509Certificate2 Make(bool ca, bool rsa, DateTimeOffset from, DateTimeOffset to, string name)
    {
        CertificateRequest request;
        if (rsa)
        {
            request = new CertificateRequest("CN=" + name + ", O=Universite de Caen", RSA.Create(2048), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        else
        {
            request = new CertificateRequest("CN=" + name, ECDsa.Create(ECCurve.NamedCurves.nistP256), HashAlgorithmName.SHA256);
        }

        if (ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        }

        return request.CreateSelfSigned(from, to);
    }

    [TestMethod]
    [DataRow(true, true, 2026, 2036)]
    [DataRow(true, false, 2026, 2036)]
    [DataRow(false, false, 2025, 2027)]
    [DataRow(true, true, 2030, 2060)]   // notAfter as GeneralizedTime
    [DataRow(false, true, 1999, 2049)]  // UTCTime on both sides of 2000
    public void FieldsMatchDotNet(bool ca, bool rsa, int fromYear, int toYear)
    {
        var from = new DateTimeOffset(fromYear, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var to = new DateTimeOffset(toYear, 8, 9, 10, 11, 12, TimeSpan.Zero);
        using X509Certificate2 cert = Make(ca, rsa, from, to, "LeoCarte Gateway CA " + fromYear);
        string pem = cert.ExportCertificatePem();

        var pinned = new PinnedCertificate();
        Assert.AreEqual(PinnedCertificateStatus.Valid, pinned.Read(pem));
        CollectionAssert.AreEqual(cert.RawData, pinned.Der);
        Assert.AreEqual(cert.NotBefore.ToUniversalTime(), pinned.NotBeforeUtc);
        Assert.AreEqual(cert.NotAfter.ToUniversalTime(), pinned.NotAfterUtc);
        Assert.AreEqual(ca, pinned.IsCertificateAuthority);
        Assert.IsTrue(pinned.IsSelfIssued);
        Assert.AreEqual(cert.GetNameInfo(X509NameType.SimpleName, false), pinned.SubjectCommonName);
        Assert.AreEqual(Convert.ToHexStringLower(cert.GetCertHash(HashAlgorithmName.SHA256)), pinned.Sha256Fingerprint);
        StringAssert.Contains(pinned.Describe(), pinned.Sha256Fingerprint);
    }

    [TestMethod]
    public void ALeafIssuedByTheCaIsNotSelfIssued()
    {
        using X509Certificate2 root = Make(true, false, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5), "Root");
        var leafRequest = new CertificateRequest("CN=gateway.leocarte.example", ECDsa.Create(ECCurve.NamedCurves.nistP256), HashAlgorithmName.SHA256);
        using X509Certificate2 leaf = leafRequest.Create(root, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1), new byte[] { 1, 2, 3 });
        var pinned = new PinnedCertificate();
        Assert.AreEqual(PinnedCertificateStatus.Valid, pinned.Read(leaf.ExportCertificatePem()));
        Assert.IsFalse(pinned.IsSelfIssued);
        Assert.IsFalse(pinned.IsCertificateAuthority);
        StringAssert.Contains(pinned.Describe(), "not a CA");
    }

    [TestMethod]
    public void EveryByteCorruptionGivesAStatusNeverAnException()
    {
        using X509Certificate2 cert = Make(true, false, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5), "Fuzz");
        byte[] der = cert.RawData;
        var pinned = new PinnedCertificate();
        int cases = 0;
        int unreadable = 0;
        for (int i = 0; i < der.Length; i++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                byte[] damaged = (byte[])der.Clone();
                damaged[i] ^= mask;
                string pem = "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(damaged, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";
                PinnedCertificateStatus status = pinned.Read(pem);
                cases++;
                if (status == PinnedCertificateStatus.Unreadable)
                {
                    unreadable++;
                }
                else
                {
                    // A flip inside a value (key, signature, name) still parses: what mbedTLS then refuses.
                    Assert.AreEqual(PinnedCertificateStatus.Valid, status);
                }
            }

            byte[] truncated = new byte[i];
            Array.Copy(der, truncated, i);
            if (i > 0)
            {
                string cut = "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(truncated) + "\n-----END CERTIFICATE-----\n";
                Assert.AreEqual(PinnedCertificateStatus.Unreadable, pinned.Read(cut), "truncated at " + i);
                cases++;
            }
        }

        Console.WriteLine($"pinned CA reader: {cases} damaged certificates, {unreadable} of the byte flips unreadable, 0 exceptions");
        Assert.IsTrue(cases > 1000);
    }
}
