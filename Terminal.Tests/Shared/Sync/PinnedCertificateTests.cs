#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Tests.Sync
{
    /// <summary>
    /// The pinned CA read on the device (issue 13, item 6): hardware/samples/gateway-ca.pem, whose fields
    /// `openssl x509 -noout -dates -subject -fingerprint -sha256 -ext basicConstraints` prints as asserted here.
    /// </summary>
    [TestClass]
    public class PinnedCertificateTests
    {
        /// <summary>hardware/samples/gateway-ca.pem (an EC P-256 root, 2026-11-26 .. 2036-11-23).</summary>
        public const string SampleCaPem =
            "-----BEGIN CERTIFICATE-----\n"
            + "MIICFzCCAb2gAwIBAgIUBkkEOVRa6fC6YhLJRb7IB7gcH/8wCgYIKoZIzj0EAwIw\n"
            + "WTEYMBYGA1UECgwPTGVvQ2FydGUgU0FNUExFMT0wOwYDVQQDDDRMZW9DYXJ0ZSBT\n"
            + "QU1QTEUgR2F0ZXdheSBSb290IENBIChub3QgZm9yIHByb2R1Y3Rpb24pMB4XDTI2\n"
            + "MTEyNjE0MzE1MFoXDTM2MTEyMzE0MzE1MFowWTEYMBYGA1UECgwPTGVvQ2FydGUg\n"
            + "U0FNUExFMT0wOwYDVQQDDDRMZW9DYXJ0ZSBTQU1QTEUgR2F0ZXdheSBSb290IENB\n"
            + "IChub3QgZm9yIHByb2R1Y3Rpb24pMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
            + "pSXZkDXpHaNKzXWnktHzVmVDZL97zrMaXIGflqtiXvZSRq39xllDN1WAXWQbBfw8\n"
            + "CJ6KAJF3amtJwtqmGNjKjaNjMGEwHQYDVR0OBBYEFJafbrifxPV7t0XB51kJ3woK\n"
            + "3AIGMB8GA1UdIwQYMBaAFJafbrifxPV7t0XB51kJ3woK3AIGMA8GA1UdEwEB/wQF\n"
            + "MAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0gAMEUCIQCN1dYq8aiw\n"
            + "LU/O8xDwQQ42pSvYVk7WNzOG9gmCd/o06gIgSmKyxY3gflhRkgizE9lf8q55QpLe\n"
            + "BfuzX5XWzC4+RNM=\n"
            + "-----END CERTIFICATE-----\n";

        /// <summary>Statuses compared by name (nanoFramework prints enums as numbers).</summary>
        private static void Same(PinnedCertificateStatus expected, PinnedCertificateStatus actual)
        {
            Assert.AreEqual(PinnedCertificate.StatusText(expected), PinnedCertificate.StatusText(actual));
        }

        [TestMethod]
        public void TheSampleCaReadsAsOpenSslPrintsIt()
        {
            PinnedCertificate ca = new PinnedCertificate();
            Same(PinnedCertificateStatus.Valid, ca.Read(SampleCaPem));
            Assert.AreEqual(1, ca.CertificateCount);
            Assert.AreEqual("LeoCarte SAMPLE Gateway Root CA (not for production)", ca.SubjectCommonName);
            Assert.IsTrue(ca.IsCertificateAuthority);
            Assert.IsTrue(ca.IsSelfIssued);
            Assert.AreEqual(new DateTime(2026, 11, 26, 14, 31, 50).Ticks, ca.NotBeforeUtc.Ticks);
            Assert.AreEqual(new DateTime(2036, 11, 23, 14, 31, 50).Ticks, ca.NotAfterUtc.Ticks);
            Assert.AreEqual("9adae0888a28b222242d8f8143ba3a9c109eca17a760e497faf2206d1e61e0fd", ca.Sha256Fingerprint);
            Assert.AreEqual(539, ca.Der.Length);
        }

        [TestMethod]
        public void DatesAreCheckedOnlyAgainstATrustedClock()
        {
            PinnedCertificate ca = new PinnedCertificate();
            ca.Read(SampleCaPem);
            Same(PinnedCertificateStatus.DatesUnchecked, ca.Check(new DateTime(1970, 1, 1), false));
            Same(PinnedCertificateStatus.Valid, ca.Check(new DateTime(2027, 1, 1), true));
            Same(PinnedCertificateStatus.NotYetValid, ca.Check(new DateTime(2026, 11, 26, 14, 31, 49), true));
            Same(PinnedCertificateStatus.ExpiresSoon, ca.Check(new DateTime(2036, 11, 1), true));
            Same(PinnedCertificateStatus.Expired, ca.Check(new DateTime(2036, 11, 23, 14, 31, 51), true));
            Assert.IsFalse(PinnedCertificate.Usable(PinnedCertificateStatus.Expired));
            Assert.IsTrue(PinnedCertificate.Usable(PinnedCertificateStatus.DatesUnchecked));
        }

        [TestMethod]
        public void ExactlyOneCertificateIsPinned()
        {
            PinnedCertificate ca = new PinnedCertificate();
            Same(PinnedCertificateStatus.SeveralCertificates, ca.Read(SampleCaPem + SampleCaPem));
            Assert.AreEqual(2, ca.CertificateCount);
            Assert.IsNull(ca.Der);
            Assert.IsFalse(PinnedCertificate.Usable(PinnedCertificateStatus.SeveralCertificates));
            Same(PinnedCertificateStatus.Missing, ca.Read(null));
            Same(PinnedCertificateStatus.Missing, ca.Read(""));
            Same(PinnedCertificateStatus.Unreadable, ca.Read("not a certificate"));
        }

        [TestMethod]
        public void DamagedPemOrDerIsUnreadableNeverAnException()
        {
            PinnedCertificate ca = new PinnedCertificate();
            int end = SampleCaPem.IndexOf("-----END");
            int cases = 0;
            for (int cut = 40; cut < end; cut += 7)
            {
                // Truncated base64 (the END line kept): bad padding or a truncated DER.
                string truncated = SampleCaPem.Substring(0, cut) + "\n-----END CERTIFICATE-----\n";
                Same(PinnedCertificateStatus.Unreadable, ca.Read(truncated));
                cases++;
            }

            Same(PinnedCertificateStatus.Unreadable, ca.Read(SampleCaPem.Substring(0, 30) + "*" + SampleCaPem.Substring(31)));
            Same(PinnedCertificateStatus.Unreadable, ca.Read(SampleCaPem.Substring(0, end)));
            Assert.IsTrue(cases > 50);
        }
    }
}
