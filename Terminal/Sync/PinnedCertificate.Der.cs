using System;

namespace LeoCarte.Terminal.Sync
{
    // PinnedCertificate, part: the DER reader (ITU-T X.690) over the X.509 fields RFC 5280 §4.1 defines.
    public sealed partial class PinnedCertificate
    {

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
    }
}
