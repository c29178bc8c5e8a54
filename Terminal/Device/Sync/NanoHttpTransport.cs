// Device-only (nanoFramework System.Net.Http(.Client) 1.5.209, System.Net 1.11.54, System.IO.Streams 1.1.96):
// not part of the host or conformance builds.
using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.Terminal.Device.Sync
{
    /// <summary>
    /// <see cref="IHttpTransport"/> on nanoFramework's synchronous HTTP stack, HTTPS only with the gateway's CA
    /// pinned (HttpsAuthentCert + SslVerification.CertificateRequired: a certificate not issued by that CA fails
    /// the handshake).
    ///
    /// Why HttpWebRequest and not HttpClient (same package, same assembly System.Net.Http): in 1.5.209
    /// HttpResponseHeaders has no public way to read a header (HttpHeaders exposes only Add), and the sync
    /// core needs X-LeoCarte-Time; HttpWebResponse.GetResponseHeader(name) reads it. HttpWebRequest also takes
    /// the body through GetRequestStream().Write(buffer, offset, count), straight from the caller's buffer (the
    /// returned stream is not disposed: see Send),
    /// and its response stream is read in the caller's chunks. Timeouts are always set (the HttpClient ctor
    /// would leave an infinite one). Every exception becomes a TransportResult (TransportErrors: connect,
    /// TLS, timeout, reset) or a -1 read.
    /// </summary>
    public sealed class NanoHttpTransport : IHttpTransport
    {
        private readonly string baseAddress;
        private readonly X509Certificate caCertificate;
        private readonly int timeoutMilliseconds;
        private readonly Response response = new Response();

        /// <param name="baseAddress">Gateway root, e.g. "https://gateway.leocarte.example:8443" (no trailing slash).</param>
        /// <param name="caCertificatePem">PEM of the CA that issued the gateway's certificate (provisioned with the terminal).</param>
        /// <param name="timeoutMilliseconds">Connect and read/write timeout; 15000 suits campus Wi-Fi.</param>
        public NanoHttpTransport(string baseAddress, string caCertificatePem, int timeoutMilliseconds)
        {
            this.baseAddress = baseAddress;
            caCertificate = caCertificatePem == null ? null : new X509Certificate(caCertificatePem);
            this.timeoutMilliseconds = timeoutMilliseconds;
        }

        public TransportResult Send(HttpRequest request, out IHttpResponse result)
        {
            result = null;
            response.Close();
            HttpWebRequest web = null;
            TransportStage stage = TransportStage.Connecting;
            DateTime started = DateTime.UtcNow;
            bool answered = false;
            try
            {
                web = (HttpWebRequest)WebRequest.Create(baseAddress + request.PathAndQuery);
                web.Method = request.Method;
                web.Timeout = timeoutMilliseconds;
                web.ReadWriteTimeout = timeoutMilliseconds;
                web.KeepAlive = false;
                if (caCertificate != null)
                {
                    web.HttpsAuthentCert = caCertificate;
                    web.SslProtocols = SslProtocols.Tls12;
                    web.SslVerification = SslVerification.CertificateRequired;
                }

                for (int i = 0; i < request.HeaderCount; i++)
                {
                    web.Headers.Add(request.HeaderName(i), request.HeaderValue(i));
                }

                if (request.Body != null && request.BodyCount > 0)
                {
                    web.ContentType = request.ContentType;
                    web.ContentLength = request.BodyCount;

                    // Not disposed, on purpose: in System.Net.Http 1.5.209 GetRequestStream returns a clone of the
                    // connection's stream (InputNetworkStreamWrapper.CloneStream) whose Dispose closes the shared
                    // socket (the "if (!m_isClone)" guard is commented out since v1.5.99), so disposing it here made
                    // GetResponse read a closed socket and every POST fail. The connection is released with the
                    // response (Response.Close) or, when no response was created, by disposing the request below.
                    Stream body = web.GetRequestStream();
                    stage = TransportStage.SendingBody;
                    body.Write(request.Body, request.BodyOffset, request.BodyCount);
                }

                stage = TransportStage.AwaitingResponse;
                HttpWebResponse answer = (HttpWebResponse)web.GetResponse();
                if (answer == null)
                {
                    return TransportResult.Failed;
                }

                answered = true;
                response.Open(answer);
                result = response;
                return TransportResult.Ok;
            }
            catch (Exception e)
            {
                // A request without a body connects inside GetResponse: name resolution and TCP connect failures
                // still carry their status (TransportErrors reads the innermost one), but a failed TLS handshake
                // cannot be told from a reset there, and is reported as ConnectFailed; a POST tells them apart.
                long elapsed = (DateTime.UtcNow - started).Ticks / TimeSpan.TicksPerMillisecond;
                return TransportErrors.Classify(stage, InnermostStatus(e), IsConnectionError(e), caCertificate != null, elapsed, timeoutMilliseconds);
            }
            finally
            {
                if (!answered && web != null)
                {
                    try
                    {
                        // HttpWebRequest.Dispose closes the connection when no response was created.
                        ((IDisposable)web).Dispose();
                    }
                    catch (Exception)
                    {
                        // Already closed.
                    }
                }
            }
        }

        /// <summary>Status of the innermost WebException (GetResponse wraps everything in one with Status 0).</summary>
        private static int InnermostStatus(Exception e)
        {
            int status = TransportErrors.StatusSuccess;
            for (Exception x = e; x != null; x = x.InnerException)
            {
                WebException web = x as WebException;
                if (web != null && (int)web.Status != TransportErrors.StatusSuccess)
                {
                    status = (int)web.Status;
                }
            }

            return status;
        }

        /// <summary>True when the innermost exception is a socket or stream error (reset, closed, refused).</summary>
        private static bool IsConnectionError(Exception e)
        {
            Exception innermost = e;
            while (innermost.InnerException != null)
            {
                innermost = innermost.InnerException;
            }

            return innermost is System.Net.Sockets.SocketException || innermost is IOException || innermost is ObjectDisposedException;
        }

        /// <summary>One reused response wrapper: no allocation per request on the sync core's side.</summary>
        private sealed class Response : IHttpResponse
        {
            private HttpWebResponse web;
            private Stream body;
            private bool failed;

            public void Open(HttpWebResponse answer)
            {
                web = answer;
                body = null;
                failed = false;
            }

            public int StatusCode => web == null ? 0 : (int)web.StatusCode;

            public long ContentLength => web == null ? -1 : web.ContentLength;

            public string Header(string name)
            {
                if (web == null)
                {
                    return null;
                }

                string value = web.GetResponseHeader(name);
                return value == null || value.Length == 0 ? null : value;
            }

            public int Read(byte[] buffer, int offset, int count)
            {
                if (failed || web == null)
                {
                    return -1;
                }

                try
                {
                    if (body == null)
                    {
                        body = web.GetResponseStream();
                    }

                    return body.Read(buffer, offset, count);
                }
                catch (Exception)
                {
                    // Socket closed or timed out mid-body: the core treats the list as truncated.
                    failed = true;
                    return -1;
                }
            }

            public void Close()
            {
                try
                {
                    if (body != null)
                    {
                        body.Dispose();
                    }

                    if (web != null)
                    {
                        web.Close();
                    }
                }
                catch (Exception)
                {
                    // Closing a dead socket may throw: nothing left to release.
                }

                body = null;
                web = null;
            }
        }
    }
}
