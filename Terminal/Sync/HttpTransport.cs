namespace LeoCarte.Terminal.Sync
{
    /// <summary>
    /// Outcome of one HTTP exchange at the transport level (before the status code is looked at). The device
    /// adapter turns every exception of nanoFramework's HttpClient into one of these, so a dropped Wi-Fi link
    /// or a TLS failure is a result code for the scheduler, never an exception escaping the sync thread.
    /// </summary>
    public enum TransportResult
    {
        Ok = 0,
        /// <summary>No network link (Wi-Fi down, no IP address).</summary>
        NoNetwork = 1,
        /// <summary>TCP connection refused or reset before a response arrived.</summary>
        ConnectFailed = 2,
        /// <summary>The TLS handshake failed (certificate not issued by the pinned CA, expired, wrong host).</summary>
        TlsFailed = 3,
        /// <summary>No answer within the configured timeout.</summary>
        Timeout = 4,
        /// <summary>Anything else the HTTP stack reported.</summary>
        Failed = 5,
    }

    /// <summary>
    /// One request, built by the sync core and reused: the body is a slice of a caller-owned buffer so an
    /// upload never copies the journal batch (nanoFramework has no System.IO.Stream in mscorlib; the device
    /// adapter wraps the slice in a ByteArrayContent).
    /// </summary>
    public sealed class HttpRequest
    {
        /// <summary>Maximum number of extra headers; the sync core uses four (terminal, timestamp, signature, content type).</summary>
        public const int MaxHeaders = 6;

        /// <summary>"GET" or "POST".</summary>
        public string Method;

        /// <summary>Path and query relative to the gateway base address, starting with '/', e.g. "/api/v1/terminals/T1/list?have=4".</summary>
        public string PathAndQuery;

        /// <summary>Body bytes are Body[BodyOffset .. BodyOffset+BodyCount); Body null or BodyCount 0 means no body.</summary>
        public byte[] Body;
        public int BodyOffset;
        public int BodyCount;

        /// <summary>Content type of the body, e.g. "application/json"; null when there is no body.</summary>
        public string ContentType;

        private readonly string[] headerNames = new string[MaxHeaders];
        private readonly string[] headerValues = new string[MaxHeaders];
        private int headerCount;

        public int HeaderCount => headerCount;

        public string HeaderName(int index) => headerNames[index];

        public string HeaderValue(int index) => headerValues[index];

        /// <summary>Forgets the previous request so the instance can be reused.</summary>
        public void Reset(string method, string pathAndQuery)
        {
            Method = method;
            PathAndQuery = pathAndQuery;
            Body = null;
            BodyOffset = 0;
            BodyCount = 0;
            ContentType = null;
            for (int i = 0; i < headerCount; i++)
            {
                headerNames[i] = null;
                headerValues[i] = null;
            }

            headerCount = 0;
        }

        /// <summary>Adds a header; returns false when <see cref="MaxHeaders"/> are already set.</summary>
        public bool AddHeader(string name, string value)
        {
            if (headerCount >= MaxHeaders)
            {
                return false;
            }

            headerNames[headerCount] = name;
            headerValues[headerCount] = value;
            headerCount++;
            return true;
        }

        public void SetBody(byte[] body, int offset, int count, string contentType)
        {
            Body = body;
            BodyOffset = offset;
            BodyCount = count;
            ContentType = contentType;
        }
    }

    /// <summary>
    /// A response whose headers have arrived and whose body is read in caller-sized chunks, so a 1 MB list goes
    /// from the socket to flash through one small buffer. Must be closed (it holds the socket).
    /// </summary>
    public interface IHttpResponse
    {
        /// <summary>HTTP status code (200, 204, 401, ...).</summary>
        int StatusCode { get; }

        /// <summary>Declared body length, or -1 when the server did not send Content-Length.</summary>
        long ContentLength { get; }

        /// <summary>Value of a response header (case-insensitive name), or null when absent.</summary>
        string Header(string name);

        /// <summary>
        /// Reads up to <paramref name="count"/> body bytes; returns the number read, 0 at the end of the body,
        /// or -1 when the connection failed mid-body (the caller treats the body as truncated).
        /// </summary>
        int Read(byte[] buffer, int offset, int count);

        /// <summary>Releases the connection; safe to call twice.</summary>
        void Close();
    }

    /// <summary>
    /// The HTTP seam between the sync core and the platform: nanoFramework's HttpClient (HTTPS with a pinned
    /// CA certificate) on the device, .NET's HttpClient on the host, scripted fakes in tests.
    /// </summary>
    public interface IHttpTransport
    {
        /// <summary>
        /// Sends the request and waits for the response headers. On <see cref="TransportResult.Ok"/>
        /// <paramref name="response"/> is set and must be closed; otherwise it is null.
        /// </summary>
        TransportResult Send(HttpRequest request, out IHttpResponse response);
    }
}
