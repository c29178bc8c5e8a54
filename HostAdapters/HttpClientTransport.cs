using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using System.Net.Sockets;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LeoCarte.Terminal.Sync;

namespace LeoCarte.HostAdapters;

/// <summary>
/// <see cref="IHttpTransport"/> on .NET's HttpClient, used synchronously (HttpClient.Send with
/// ResponseHeadersRead) exactly as the device uses nanoFramework's synchronous HttpClient: headers first,
/// then the body read in the caller's chunks from the response stream. Every exception becomes a
/// <see cref="TransportResult"/> or a -1 read, as on the device.
/// </summary>
public sealed class HttpClientTransport : IHttpTransport, IDisposable
{
    private readonly HttpClient client;

    public HttpClientTransport(Uri baseAddress, TimeSpan timeout, HttpMessageHandler handler = null)
    {
        client = handler == null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = baseAddress;
        client.Timeout = timeout;
    }

    /// <summary>
    /// HTTPS with the gateway's CA pinned, as the device does (nanoFramework HttpsAuthentCert +
    /// CertificateRequired): the server certificate must chain to <paramref name="pinnedCa"/> alone — the
    /// machine's trust store is ignored — and match the host name.
    /// </summary>
    public HttpClientTransport(Uri baseAddress, TimeSpan timeout, X509Certificate2 pinnedCa)
        : this(baseAddress, timeout, PinnedHandler(pinnedCa))
    {
    }

    private static HttpMessageHandler PinnedHandler(X509Certificate2 pinnedCa)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var pinned = new X509Chain();
            pinned.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            pinned.ChainPolicy.CustomTrustStore.Add(pinnedCa);
            pinned.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return pinned.Build(new X509Certificate2(certificate));
        };
        return handler;
    }

    /// <summary>Number of requests sent (for tests and the benchmark).</summary>
    public int RequestCount { get; private set; }

    /// <summary>Request body bytes sent.</summary>
    public long BytesSent { get; private set; }

    public TransportResult Send(HttpRequest request, out IHttpResponse response)
    {
        response = null;
        RequestCount++;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery.TrimStart('/'));
        if (request.Body != null && request.BodyCount > 0)
        {
            message.Content = new ByteArrayContent(request.Body, request.BodyOffset, request.BodyCount);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "application/octet-stream");
            BytesSent += request.BodyCount;
        }

        for (int i = 0; i < request.HeaderCount; i++)
        {
            message.Headers.TryAddWithoutValidation(request.HeaderName(i), request.HeaderValue(i));
        }

        try
        {
            HttpResponseMessage answer = client.Send(message, HttpCompletionOption.ResponseHeadersRead);
            response = new Response(answer);
            return TransportResult.Ok;
        }
        catch (TaskCanceledException)
        {
            return TransportResult.Timeout;
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            return TransportResult.TlsFailed;
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return TransportResult.ConnectFailed;
        }
        catch (Exception)
        {
            return TransportResult.Failed;
        }
    }

    public void Dispose() => client.Dispose();

    private sealed class Response : IHttpResponse
    {
        private readonly HttpResponseMessage message;
        private Stream body;
        private bool failed;

        public Response(HttpResponseMessage message)
        {
            this.message = message;
        }

        public int StatusCode => (int)message.StatusCode;

        public long ContentLength => message.Content?.Headers.ContentLength ?? -1;

        public string Header(string name)
        {
            if (message.Headers.TryGetValues(name, out var values))
            {
                return values.FirstOrDefault();
            }

            if (message.Content != null && message.Content.Headers.TryGetValues(name, out values))
            {
                return values.FirstOrDefault();
            }

            return null;
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            if (failed)
            {
                return -1;
            }

            try
            {
                body ??= message.Content.ReadAsStream();
                return body.Read(buffer, offset, count);
            }
            catch (Exception)
            {
                // Connection reset or the server died mid-body: a truncated body, never an exception.
                failed = true;
                return -1;
            }
        }

        public void Close()
        {
            try
            {
                body?.Dispose();
            }
            catch (Exception)
            {
                // Closing a broken connection may throw; nothing to do.
            }

            message.Dispose();
        }
    }
}
