namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Terminal authentication (Gateway/API.md, "Authentication"): every request carries
    /// <c>X-LeoCarte-Terminal</c>, <c>X-LeoCarte-Timestamp</c> (Unix seconds) and
    /// <c>X-LeoCarte-Signature</c> = lowercase hex HMAC-SHA256(terminal secret, canonical) where canonical is
    /// the ASCII text <c>METHOD \n PATH?QUERY \n TERMINAL-ID \n TIMESTAMP \n hex(SHA-256(body))</c>.
    /// The gateway accepts a timestamp within ±300 s of its clock, and every endpoint is idempotent, so a
    /// replayed request inside the window changes nothing; outside it, it is refused. No nonce store is needed
    /// on either side, which keeps it within reach of a 100 KB heap: one 256-byte buffer, two 32-byte digests.
    /// </summary>
    public sealed partial class RequestSigner
    {
        public const string TerminalHeader = "X-LeoCarte-Terminal";
        public const string TimestampHeader = "X-LeoCarte-Timestamp";
        public const string SignatureHeader = "X-LeoCarte-Signature";

        private readonly string terminalId;
        private readonly byte[] secret;
        private readonly IMessageHasher hasher;
        private readonly byte[] canonical = new byte[512];
        private readonly byte[] digest = new byte[32];

        public RequestSigner(string terminalId, byte[] secret, IMessageHasher hasher)
        {
            this.terminalId = terminalId;
            this.secret = secret;
            this.hasher = hasher;
        }

        public string TerminalId => terminalId;

        /// <summary>Adds the three authentication headers to <paramref name="request"/>. False when the canonical text does not fit or is not ASCII.</summary>
        public bool Sign(HttpRequest request, long unixSeconds)
        {
            int length = BuildCanonical(request.Method, request.PathAndQuery, terminalId, unixSeconds,
                request.Body, request.BodyOffset, request.Body == null ? 0 : request.BodyCount);
            if (length < 0)
            {
                return false;
            }

            hasher.HmacSha256(secret, canonical, 0, length, digest);
            string timestamp = unixSeconds.ToString();
            return request.AddHeader(TerminalHeader, terminalId)
                && request.AddHeader(TimestampHeader, timestamp)
                && request.AddHeader(SignatureHeader, Ascii.ToHex(digest, 0, 32));
        }

        private int BuildCanonical(string method, string pathAndQuery, string id, long unixSeconds, byte[] body, int bodyOffset, int bodyCount)
        {
            int p = Ascii.Write(method, canonical, 0);
            p = NewLine(p);
            p = Ascii.Write(pathAndQuery, canonical, p);
            p = NewLine(p);
            p = Ascii.Write(id, canonical, p);
            p = NewLine(p);
            p = Ascii.WriteInt64(unixSeconds, canonical, p);
            p = NewLine(p);
            if (p < 0)
            {
                return -1;
            }

            hasher.Sha256(body == null ? canonical : body, body == null ? 0 : bodyOffset, bodyCount, digest);
            return Ascii.Write(Ascii.ToHex(digest, 0, 32), canonical, p);
        }

        private int NewLine(int p)
        {
            if (p < 0 || p >= canonical.Length)
            {
                return -1;
            }

            canonical[p] = (byte)'\n';
            return p + 1;
        }
    }
}
