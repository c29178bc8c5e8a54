using System;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// The one CA certificate a terminal trusts for the gateway's TLS (issue 13, item 6), read on the device
    /// before it is handed to nanoFramework (HttpWebRequest.HttpsAuthentCert, and CertificateManager as the
    /// device's own CA store, see Terminal/Device/Sync/CaStoreGuard): PEM (RFC 7468) → DER → the X.509 fields the
    /// decision needs (RFC 5280 §4.1: validity, subject common name, basicConstraints cA), and the SHA-256
    /// fingerprint a technician compares with the gateway's. Portable and allocation-bounded (boot only, never
    /// on the tap path); a malformed input gives <see cref="PinnedCertificateStatus.Unreadable"/>, never an exception.
    /// </summary>
    public sealed partial class PinnedCertificate
    {
        /// <summary>Warn this many days before notAfter (a terminal visit is planned monthly).</summary>
        public const int ExpiryWarningDays = 30;

        private const string Begin = "-----BEGIN CERTIFICATE-----";
        private const string End = "-----END CERTIFICATE-----";

        /// <summary>DER bytes of the certificate, or null.</summary>
        public byte[] Der { get; private set; }

        public DateTime NotBeforeUtc { get; private set; }

        public DateTime NotAfterUtc { get; private set; }

        /// <summary>basicConstraints cA = TRUE (RFC 5280 §4.2.1.9); false for a self-signed gateway certificate pinned directly.</summary>
        public bool IsCertificateAuthority { get; private set; }

        /// <summary>Issuer and subject are the same name (a root, or a self-signed gateway certificate).</summary>
        public bool IsSelfIssued { get; private set; }

        /// <summary>The subject's commonName (2.5.4.3), or null.</summary>
        public string SubjectCommonName { get; private set; }

        /// <summary>SHA-256 of the DER, lowercase hex (what `openssl x509 -noout -fingerprint -sha256` prints, without colons).</summary>
        public string Sha256Fingerprint { get; private set; }

        /// <summary>Number of certificates in the PEM text last read.</summary>
        public int CertificateCount { get; private set; }

        /// <summary>Reads <paramref name="pem"/>: exactly one certificate. Returns Valid (dates not yet checked: see <see cref="Check"/>) or why not.</summary>
        public PinnedCertificateStatus Read(string pem)
        {
            Der = null;
            SubjectCommonName = null;
            Sha256Fingerprint = null;
            IsCertificateAuthority = false;
            IsSelfIssued = false;
            CertificateCount = 0;
            if (pem == null || pem.Length == 0)
            {
                return PinnedCertificateStatus.Missing;
            }

            int first = pem.IndexOf(Begin);
            int search = 0;
            while (true)
            {
                int at = pem.IndexOf(Begin, search);
                if (at < 0)
                {
                    break;
                }

                CertificateCount++;
                search = at + Begin.Length;
            }

            if (CertificateCount == 0)
            {
                return PinnedCertificateStatus.Unreadable;
            }

            if (CertificateCount > 1)
            {
                return PinnedCertificateStatus.SeveralCertificates;
            }

            int bodyStart = first + Begin.Length;
            int end = pem.IndexOf(End, bodyStart);
            if (end < 0)
            {
                return PinnedCertificateStatus.Unreadable;
            }

            byte[] der = Base64Decode(pem, bodyStart, end);
            if (der == null || !ParseCertificate(der))
            {
                return PinnedCertificateStatus.Unreadable;
            }

            Der = der;
            byte[] digest = new byte[32];
            Sha256.Hash(der, 0, der.Length, digest, 0);
            Sha256Fingerprint = Ascii.ToHex(digest, 0, 32);
            return PinnedCertificateStatus.Valid;
        }

        /// <summary>
        /// The validity decision at <paramref name="trustedUtc"/> when <paramref name="clockTrusted"/> (the terminal's
        /// SyncedClock is synced); DatesUnchecked otherwise: an untrusted clock cannot tell expired from valid, and
        /// mbedTLS checks the dates against the system time anyway (which the device presets to the last trusted time).
        /// </summary>
        public PinnedCertificateStatus Check(DateTime trustedUtc, bool clockTrusted)
        {
            if (Der == null)
            {
                return PinnedCertificateStatus.Unreadable;
            }

            if (!clockTrusted)
            {
                return PinnedCertificateStatus.DatesUnchecked;
            }

            if (trustedUtc.Ticks < NotBeforeUtc.Ticks)
            {
                return PinnedCertificateStatus.NotYetValid;
            }

            if (trustedUtc.Ticks > NotAfterUtc.Ticks)
            {
                return PinnedCertificateStatus.Expired;
            }

            if (NotAfterUtc.Ticks - trustedUtc.Ticks < ExpiryWarningDays * TimeSpan.TicksPerDay)
            {
                return PinnedCertificateStatus.ExpiresSoon;
            }

            return PinnedCertificateStatus.Valid;
        }

        /// <summary>The text for the boot log and self-test, e.g. "LeoCarte Gateway CA, CA, valid 2026-01-01..2036-01-01, sha256 ab12…".</summary>
        public string Describe()
        {
            if (Der == null)
            {
                return "none";
            }

            return (SubjectCommonName == null ? "(no common name)" : SubjectCommonName)
                + (IsCertificateAuthority ? ", CA" : (IsSelfIssued ? ", self-signed certificate" : ", not a CA"))
                + ", valid " + Date(NotBeforeUtc) + ".." + Date(NotAfterUtc)
                + ", sha256 " + Sha256Fingerprint;
        }

        /// <summary>Short English name of a status for logs.</summary>
        public static string StatusText(PinnedCertificateStatus status)
        {
            switch (status)
            {
                case PinnedCertificateStatus.Valid: return "valid";
                case PinnedCertificateStatus.DatesUnchecked: return "dates not checked (clock not trusted yet)";
                case PinnedCertificateStatus.ExpiresSoon: return "expires within 30 days";
                case PinnedCertificateStatus.Missing: return "missing";
                case PinnedCertificateStatus.SeveralCertificates: return "several certificates: pin exactly one CA";
                case PinnedCertificateStatus.Unreadable: return "unreadable";
                case PinnedCertificateStatus.NotYetValid: return "not yet valid";
                case PinnedCertificateStatus.Expired: return "expired";
                default: return "status " + ((int)status).ToString();
            }
        }

        /// <summary>True when the terminal may use this CA for its gateway connection (unreadable, several or expired: no sync, rather than a wider trust).</summary>
        public static bool Usable(PinnedCertificateStatus status)
        {
            return status == PinnedCertificateStatus.Valid || status == PinnedCertificateStatus.DatesUnchecked
                || status == PinnedCertificateStatus.ExpiresSoon || status == PinnedCertificateStatus.NotYetValid;
        }

        private static string Date(DateTime utc)
        {
            return utc.Year.ToString() + "-" + Two(utc.Month) + "-" + Two(utc.Day);
        }

        private static string Two(int value)
        {
            return value < 10 ? "0" + value.ToString() : value.ToString();
        }

        /// <summary>Base64 (RFC 4648 §4) of text[start..end), whitespace ignored; null on any other character or bad padding.</summary>
        private static byte[] Base64Decode(string text, int start, int end)
        {
            int symbols = 0;
            int padding = 0;
            for (int i = start; i < end; i++)
            {
                char c = text[i];
                if (c == '=')
                {
                    padding++;
                }
                else if (SixBits(c) >= 0)
                {
                    if (padding > 0)
                    {
                        return null;
                    }

                    symbols++;
                }
                else if (c != '\r' && c != '\n' && c != ' ' && c != '\t')
                {
                    return null;
                }
            }

            if ((symbols + padding) % 4 != 0 || padding > 2 || symbols == 0)
            {
                return null;
            }

            byte[] output = new byte[symbols * 3 / 4];
            int bits = 0;
            int buffer = 0;
            int o = 0;
            for (int i = start; i < end; i++)
            {
                int six = SixBits(text[i]);
                if (six < 0)
                {
                    continue;
                }

                buffer = (buffer << 6) | six;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    if (o < output.Length)
                    {
                        output[o++] = (byte)(buffer >> bits);
                    }
                }
            }

            return output;
        }

        private static int SixBits(char c)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return c - 'A';
            }

            if (c >= 'a' && c <= 'z')
            {
                return c - 'a' + 26;
            }

            if (c >= '0' && c <= '9')
            {
                return c - '0' + 52;
            }

            if (c == '+')
            {
                return 62;
            }

            return c == '/' ? 63 : -1;
        }
    }
}
