// Fake of nanoFramework System.Net.Http 1.5.209 (HttpWebRequest), System.Net 1.11.54 (SocketException,
// SslProtocols, SslVerification, X509Certificate): just the behaviour NanoHttpTransport meets, as in the sources
// at tag v1.5.209 of github.com/nanoframework/System.Net.Http:
//  - GetRequestStream() connects (DNS, TCP, TLS, request line and headers) and returns
//    m_requestStream.CloneStream(): a MemberwiseClone sharing the socket; the clone's Dispose closes the socket
//    (InputNetworkStreamWrapper.Dispose, the "if (!m_isClone)" guard commented out).
//  - GetResponse() submits the request if not sent, parses the answer; any exception inside is re-thrown as
//    WebException("GetResponse() failed", inner), Status 0.
//  - Connect failures: WebException(ConnectFailure) / (NameResolutionFailure), thrown directly by
//    GetRequestStream, wrapped by GetResponse for a request without a body.
//  - Dispose() of the request closes the connection when no response was created.
using System;
using System.Collections;
using System.IO;
using System.Text;

namespace System.Net.Sockets
{
    public class SocketException : Exception
    {
        public SocketException(int errorCode) : base("socket error " + errorCode) { ErrorCode = errorCode; }
        public int ErrorCode { get; }
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate(string pem) { Pem = pem; }
        public string Pem { get; }
    }
}

namespace System.Net.Security
{
    [Flags]
    public enum SslProtocols { None = 0, Tls = 0x10, Tls11 = 0x20, Tls12 = 0x40 }

    public enum SslVerification { NoVerification = 1, VerifyPeer = 2, CertificateRequired = 4, Optional = 8 }
}

namespace System.Net
{
    using System.Net.Security;
    using System.Net.Sockets;
    using System.Security.Cryptography.X509Certificates;

    public enum WebExceptionStatus
    {
        Success = 0, NameResolutionFailure = 1, ConnectFailure = 2, ReceiveFailure = 3, SendFailure = 4, PipelineFailure = 5,
        RequestCanceled = 6, ProtocolError = 7, ConnectionClosed = 8, TrustFailure = 9, SecureChannelFailure = 10,
        ServerProtocolViolation = 11, KeepAliveFailure = 12, Pending = 13, Timeout = 14, ProxyNameResolutionFailure = 15,
    }

    public enum HttpStatusCode { OK = 200, NoContent = 204, Unauthorized = 401, NotFound = 404 }

    public class WebException : Exception
    {
        public WebException(string message) : base(message) { }
        public WebException(string message, Exception inner) : base(message, inner) { }
        public WebException(string message, WebExceptionStatus status) : base(message) { Status = status; }
        public WebException(string message, Exception inner, WebExceptionStatus status, WebResponse response) : base(message, inner) { Status = status; }
        public WebExceptionStatus Status { get; }
    }

    public class WebHeaderCollection
    {
        public readonly Hashtable Values = new Hashtable();
        public void Add(string name, string value) => Values[name.ToLowerInvariant()] = value;
    }

    /// <summary>What the test sets up: how the next exchange goes, and what the "gateway" received.</summary>
    public static class FakeGateway
    {
        public static Exception ConnectFailure;      // thrown while connecting (DNS, TCP, TLS)
        public static Exception ResponseFailure;     // thrown while waiting for the answer
        public static int StatusCode = 200;
        public static byte[] ResponseBody = new byte[0];
        public static string ResponseTimeHeader = "1764583200";
        public static readonly MemoryStream ReceivedBody = new MemoryStream();
        public static int OpenConnections;
        public static string LastMethod;
        public static string LastUrl;

        public static void Reset()
        {
            ConnectFailure = null;
            ResponseFailure = null;
            StatusCode = 200;
            ResponseBody = new byte[0];
            ReceivedBody.SetLength(0);
            OpenConnections = 0;
        }
    }

    /// <summary>The socket, shared by the request stream and its clones (MemberwiseClone shares the reference).</summary>
    internal sealed class FakeConnection
    {
        public bool Open = true;
        public FakeConnection() { FakeGateway.OpenConnections++; }
        public void Close()
        {
            if (Open)
            {
                Open = false;
                FakeGateway.OpenConnections--;
            }
        }
    }

    /// <summary>InputNetworkStreamWrapper: Dispose closes the socket, clone or not (1.5.209).</summary>
    internal sealed class FakeNetworkStream : Stream
    {
        internal FakeConnection Connection;
        private readonly MemoryStream answer;

        public FakeNetworkStream(FakeConnection connection, byte[] answer = null)
        {
            Connection = connection;
            this.answer = answer == null ? null : new MemoryStream(answer);
        }

        public Stream CloneStream() => (Stream)MemberwiseClone();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!Connection.Open) throw new ObjectDisposedException("socket");
            return answer == null ? 0 : answer.Read(buffer, offset, count);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (!Connection.Open) throw new SocketException(10057);
            FakeGateway.ReceivedBody.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            Connection.Close();
            base.Dispose(disposing);
        }
    }

    public abstract class WebResponse : IDisposable
    {
        public virtual void Close() { }
        public void Dispose() => Close();
    }

    public class WebRequest : IDisposable
    {
        public static WebRequest Create(string url) => new HttpWebRequest(url);
        protected virtual void Dispose(bool disposing) { }
        public void Dispose() => Dispose(true);
    }

    public class HttpWebRequest : WebRequest
    {
        private readonly string url;
        private FakeNetworkStream requestStream;
        private bool requestSent;
        private bool responseCreated;

        internal HttpWebRequest(string url) { this.url = url; }

        public string Method { get; set; } = "GET";
        public int Timeout { get; set; } = 100000;
        public int ReadWriteTimeout { get; set; } = 300000;
        public bool KeepAlive { get; set; } = true;
        public X509Certificate HttpsAuthentCert { get; set; }
        public SslProtocols SslProtocols { get; set; }
        public SslVerification SslVerification { get; set; }
        public WebHeaderCollection Headers { get; } = new WebHeaderCollection();
        public string ContentType { get; set; }
        public long ContentLength { get; set; } = -1;

        private void SubmitRequest()
        {
            FakeGateway.LastMethod = Method;
            FakeGateway.LastUrl = url;
            if (FakeGateway.ConnectFailure != null)
            {
                throw FakeGateway.ConnectFailure;
            }

            requestStream = new FakeNetworkStream(new FakeConnection());
            requestSent = true;
        }

        public Stream GetRequestStream()
        {
            try
            {
                SubmitRequest();
            }
            catch
            {
                requestStream?.Dispose();
                throw;
            }

            return requestStream.CloneStream();
        }

        public WebResponse GetResponse()
        {
            try
            {
                if (!requestSent)
                {
                    SubmitRequest();
                }

                if (!requestStream.Connection.Open)
                {
                    // ParseHTTPResponse reads the closed socket.
                    throw new ObjectDisposedException("socket");
                }

                if (FakeGateway.ResponseFailure != null)
                {
                    requestStream.Connection.Close();
                    throw FakeGateway.ResponseFailure;
                }

                responseCreated = true;
                return new HttpWebResponse(new FakeNetworkStream(requestStream.Connection, FakeGateway.ResponseBody));
            }
            catch (SocketException se)
            {
                throw new WebException("GetResponse() failed", se);
            }
            catch (Exception e)
            {
                throw new WebException("GetResponse() failed", e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (requestStream != null && !responseCreated)
            {
                requestStream.Dispose();
            }
        }
    }

    public class HttpWebResponse : WebResponse
    {
        private readonly FakeNetworkStream stream;

        internal HttpWebResponse(FakeNetworkStream stream) { this.stream = stream; }

        public HttpStatusCode StatusCode => (HttpStatusCode)FakeGateway.StatusCode;
        public long ContentLength => FakeGateway.ResponseBody.Length;
        public string GetResponseHeader(string name) => name.ToLowerInvariant() == "x-leocarte-time" ? FakeGateway.ResponseTimeHeader : "";
        public Stream GetResponseStream() => stream;
        public override void Close() => stream.Dispose();
    }
}
