using System;
using LeoCarte.Terminal.Crypto;

namespace LeoCarte.Terminal.Sync
{
    /// <summary>Outcome of reading and checking the pinned CA (gateway.ca_certificate).</summary>
    public enum PinnedCertificateStatus
    {
        /// <summary>One certificate, parsed, within its validity period at the trusted time.</summary>
        Valid = 0,
        /// <summary>Parsed, but the clock is not trusted yet: dates not checked (mbedTLS will, against the system time).</summary>
        DatesUnchecked = 1,
        /// <summary>Valid, but expires within <see cref="PinnedCertificate.ExpiryWarningDays"/> days: renew it and reprovision.</summary>
        ExpiresSoon = 2,
        /// <summary>No PEM configured.</summary>
        Missing = 3,
        /// <summary>More than one certificate: the terminal pins exactly one CA.</summary>
        SeveralCertificates = 4,
        /// <summary>Not a PEM certificate, bad base64, or DER that is not an X.509 certificate (RFC 5280 §4.1).</summary>
        Unreadable = 5,
        /// <summary>The trusted time is before its notBefore.</summary>
        NotYetValid = 6,
        /// <summary>The trusted time is after its notAfter: every handshake would fail.</summary>
        Expired = 7,
    }

    /// <summary>
    /// The one CA certificate a terminal trusts for the gateway's TLS (issue 13, item 6), read on the device
    /// before it is handed to nanoFramework (HttpWebRequest.HttpsAuthentCert, and CertificateManager as the
    /// device's own CA store, see Terminal/Device/Sync/CaStoreGuard): PEM (RFC 7468) → DER → the X.509 fields the
    /// decision needs (RFC 5280 §4.1: validity, subject common name, basicConstraints cA), and the SHA-256
    /// fingerprint a technician compares with the gateway's. Portable and allocation-bounded (boot only, never
    /// on the tap path); a malformed input gives <see cref="PinnedCertificateStatus.Unreadable"/>, never an exception.
    /// </summary>
    public sealed class PinnedCertificate
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

        // ---- DER (ITU-T X.690) over RFC 5280 §4.1 ----

        private bool ParseCertificate(byte[] der)
        {
            // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
            int length;
            int content;
            if (!Header(der, 0, der.Length, 0x30, out content, out length) || content + length != der.Length)
            {
                return false;
            }

            int tbsLength;
            int tbs;
            if (!Header(der, content, content + length, 0x30, out tbs, out tbsLength))
            {
                return false;
            }

            int limit = tbs + tbsLength;
            int p = tbs;

            // version [0] EXPLICIT (optional), serialNumber INTEGER, signature AlgorithmIdentifier
            if (p < limit && der[p] == 0xA0)
            {
                p = Skip(der, p, limit);
            }

            p = Expect(der, p, limit, 0x02);
            p = Expect(der, p, limit, 0x30);
            if (p < 0)
            {
                return false;
            }

            // issuer Name
            int issuerStart = p;
            p = Expect(der, p, limit, 0x30);
            if (p < 0)
            {
                return false;
            }

            int issuerEnd = p;

            // validity SEQUENCE { notBefore Time, notAfter Time }
            int validityLength;
            int validity;
            if (!Header(der, p, limit, 0x30, out validity, out validityLength))
            {
                return false;
            }

            int validityEnd = validity + validityLength;
            DateTime notBefore;
            DateTime notAfter;
            int q = ReadTime(der, validity, validityEnd, out notBefore);
            if (q < 0 || ReadTime(der, q, validityEnd, out notAfter) < 0)
            {
                return false;
            }

            NotBeforeUtc = notBefore;
            NotAfterUtc = notAfter;
            p = validityEnd;

            // subject Name
            int subjectStart = p;
            int subjectLength;
            int subject;
            if (!Header(der, p, limit, 0x30, out subject, out subjectLength))
            {
                return false;
            }

            p = subject + subjectLength;
            IsSelfIssued = SameBytes(der, issuerStart, issuerEnd - issuerStart, subjectStart, p - subjectStart);
            SubjectCommonName = FindCommonName(der, subject, p);

            // subjectPublicKeyInfo, then optional [1] [2] unique ids and [3] extensions
            p = Expect(der, p, limit, 0x30);
            if (p < 0)
            {
                return false;
            }

            while (p >= 0 && p < limit)
            {
                if (der[p] == 0xA3)
                {
                    int extensionsLength;
                    int extensions;
                    if (!Header(der, p, limit, 0xA3, out extensions, out extensionsLength))
                    {
                        return false;
                    }

                    ReadExtensions(der, extensions, extensions + extensionsLength);
                }

                p = Skip(der, p, limit);
            }

            return p == limit;
        }

        private void ReadExtensions(byte[] der, int start, int end)
        {
            int listLength;
            int list;
            if (!Header(der, start, end, 0x30, out list, out listLength))
            {
                return;
            }

            int listEnd = list + listLength;
            int p = list;
            while (p >= 0 && p < listEnd)
            {
                int extensionLength;
                int extension;
                if (!Header(der, p, listEnd, 0x30, out extension, out extensionLength))
                {
                    return;
                }

                int extensionEnd = extension + extensionLength;

                // extnID 2.5.29.19 basicConstraints: 06 03 55 1D 13
                if (extensionEnd - extension > 5 && der[extension] == 0x06 && der[extension + 1] == 0x03 && der[extension + 2] == 0x55
                    && der[extension + 3] == 0x1D && der[extension + 4] == 0x13)
                {
                    int v = extension + 5;
                    if (v < extensionEnd && der[v] == 0x01)
                    {
                        v = Skip(der, v, extensionEnd); // critical BOOLEAN
                    }

                    int octetsLength;
                    int octets;
                    int constraintsLength;
                    int constraints;
                    if (v >= 0 && Header(der, v, extensionEnd, 0x04, out octets, out octetsLength)
                        && Header(der, octets, octets + octetsLength, 0x30, out constraints, out constraintsLength))
                    {
                        // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
                        IsCertificateAuthority = constraintsLength >= 3 && der[constraints] == 0x01 && der[constraints + 1] == 0x01
                            && der[constraints + 2] != 0;
                    }
                }

                p = extensionEnd;
            }
        }

        /// <summary>The value of the first commonName attribute (OID 2.5.4.3: 06 03 55 04 03) in a Name, as text.</summary>
        private static string FindCommonName(byte[] der, int start, int end)
        {
            for (int i = start; i + 6 < end; i++)
            {
                if (der[i] == 0x06 && der[i + 1] == 0x03 && der[i + 2] == 0x55 && der[i + 3] == 0x04 && der[i + 4] == 0x03)
                {
                    int valueLength;
                    int value;
                    if (!Header(der, i + 5, end, der[i + 5], out value, out valueLength))
                    {
                        return null;
                    }

                    char[] text = new char[valueLength];
                    for (int k = 0; k < valueLength; k++)
                    {
                        byte b = der[value + k];
                        text[k] = b >= 32 && b < 127 ? (char)b : '?';
                    }

                    return new string(text);
                }
            }

            return null;
        }

        /// <summary>UTCTime (0x17, YYMMDDHHMMSSZ: YY ≥ 50 is 19YY, RFC 5280 §4.1.2.5.1) or GeneralizedTime (0x18, YYYYMMDDHHMMSSZ).</summary>
        private static int ReadTime(byte[] der, int p, int limit, out DateTime utc)
        {
            utc = DateTime.MinValue;
            if (p < 0 || p >= limit)
            {
                return -1;
            }

            byte tag = der[p];
            int length;
            int value;
            if ((tag != 0x17 && tag != 0x18) || !Header(der, p, limit, tag, out value, out length))
            {
                return -1;
            }

            int yearDigits = tag == 0x17 ? 2 : 4;
            if (length != yearDigits + 11 || der[value + length - 1] != (byte)'Z')
            {
                return -1;
            }

            int year = Digits(der, value, yearDigits);
            int month = Digits(der, value + yearDigits, 2);
            int day = Digits(der, value + yearDigits + 2, 2);
            int hour = Digits(der, value + yearDigits + 4, 2);
            int minute = Digits(der, value + yearDigits + 6, 2);
            int second = Digits(der, value + yearDigits + 8, 2);
            if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
            {
                return -1;
            }

            if (tag == 0x17)
            {
                year += year >= 50 ? 1900 : 2000;
            }

            if (year < 1 || year > DateTime.MaxValue.Year || day > DateTime.DaysInMonth(year, month))
            {
                return -1;
            }

            utc = new DateTime(year, month, day, hour, minute, second);
            return value + length;
        }

        private static int Digits(byte[] der, int at, int count)
        {
            int value = 0;
            for (int i = 0; i < count; i++)
            {
                int digit = der[at + i] - '0';
                if (digit < 0 || digit > 9)
                {
                    return -1;
                }

                value = value * 10 + digit;
            }

            return value;
        }

        /// <summary>Reads the tag and definite length (X.690 §8.1.3) at <paramref name="p"/>; content must end by <paramref name="limit"/>.</summary>
        private static bool Header(byte[] der, int p, int limit, int tag, out int content, out int length)
        {
            content = -1;
            length = 0;
            if (p < 0 || p + 2 > limit || der[p] != tag)
            {
                return false;
            }

            int first = der[p + 1];
            int at = p + 2;
            if (first < 0x80)
            {
                length = first;
            }
            else
            {
                int octets = first & 0x7F;
                if (octets == 0 || octets > 3 || at + octets > limit)
                {
                    return false; // indefinite or absurd lengths are not DER
                }

                for (int i = 0; i < octets; i++)
                {
                    length = (length << 8) | der[at++];
                }
            }

            if (length > limit - at)
            {
                return false;
            }

            content = at;
            return true;
        }

        /// <summary>The position after the element at <paramref name="p"/>, or -1.</summary>
        private static int Skip(byte[] der, int p, int limit)
        {
            if (p < 0 || p >= limit)
            {
                return -1;
            }

            int content;
            int length;
            return Header(der, p, limit, der[p], out content, out length) ? content + length : -1;
        }

        /// <summary>Skips an element that must have tag <paramref name="tag"/>; -1 otherwise.</summary>
        private static int Expect(byte[] der, int p, int limit, int tag)
        {
            if (p < 0 || p >= limit || der[p] != tag)
            {
                return -1;
            }

            return Skip(der, p, limit);
        }

        private static bool SameBytes(byte[] bytes, int a, int aLength, int b, int bLength)
        {
            if (aLength != bLength)
            {
                return false;
            }

            for (int i = 0; i < aLength; i++)
            {
                if (bytes[a + i] != bytes[b + i])
                {
                    return false;
                }
            }

            return true;
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
