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
}
