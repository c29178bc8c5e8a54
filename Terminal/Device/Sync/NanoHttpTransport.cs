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
    /// the body through GetRequestStream().Write(buffer, offset, count), straight from the caller's buffer,
    /// and its response stream is read in the caller's chunks. Timeouts are always set (the HttpClient ctor
    /// would leave an infinite one). Every exception becomes a TransportResult or a -1 read.
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
            HttpWebRequest web;
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
                    using (Stream body = web.GetRequestStream())
                    {
                        body.Write(request.Body, request.BodyOffset, request.BodyCount);
                    }
                }

                HttpWebResponse answer = (HttpWebResponse)web.GetResponse();
                if (answer == null)
                {
                    return TransportResult.Failed;
                }

                response.Open(answer);
                result = response;
                return TransportResult.Ok;
            }
            catch (WebException e)
            {
                return Classify(e.Status);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return TransportResult.ConnectFailed;
            }
            catch (Exception)
            {
                return TransportResult.Failed;
            }
        }

        private static TransportResult Classify(WebExceptionStatus status)
        {
            switch (status)
            {
                case WebExceptionStatus.ConnectFailure:
                case WebExceptionStatus.NameResolutionFailure:
                case WebExceptionStatus.ConnectionClosed:
                    return TransportResult.ConnectFailed;
                case WebExceptionStatus.Timeout:
                    return TransportResult.Timeout;
                case WebExceptionStatus.TrustFailure:
                case WebExceptionStatus.SecureChannelFailure:
                    return TransportResult.TlsFailed;
                default:
                    return TransportResult.Failed;
            }
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
