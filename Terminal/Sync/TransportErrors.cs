namespace LeoCarte.Terminal.Sync
{
    /// <summary>The step of an HTTP exchange in which the transport failed.</summary>
    public enum TransportStage
    {
        /// <summary>Name resolution, TCP connect, TLS handshake, request line and headers (HttpWebRequest.GetRequestStream, or GetResponse for a request without a body).</summary>
        Connecting = 0,
        /// <summary>Writing the request body.</summary>
        SendingBody = 1,
        /// <summary>Waiting for and parsing the status line and headers (HttpWebRequest.GetResponse).</summary>
        AwaitingResponse = 2,
    }

    /// <summary>
    /// Turns what nanoFramework's HTTP stack reports into a <see cref="TransportResult"/>, so the scheduler and
    /// the technician's report see "no route", "TLS refused" or "timeout" rather than one anonymous failure.
    ///
    /// Facts from System.Net.Http 1.5.209 (HttpWebRequest.cs) that shape this: only name resolution and TCP
    /// connect failures carry a status (NameResolutionFailure, ConnectFailure); everything that fails inside
    /// GetResponse is re-thrown as <c>WebException("GetResponse() failed", inner)</c> with Status 0 (Success),
    /// which also wraps the connect failure of a request without a body — so the status of the innermost
    /// WebException is the one to use; the request timeout closes the socket from a timer, so a timeout shows
    /// as a socket error after the configured time; a failed TLS handshake (SslStream.AuthenticateAsClient)
    /// is a SocketException (SslNative.SecureConnect → ThrowOnError) during the connecting step. A request without
    /// a body connects inside GetResponse, where a failed handshake cannot be told from a reset: the device
    /// adapter reports those as <see cref="TransportStage.AwaitingResponse"/> (ConnectFailed); a POST's
    /// connecting step is GetRequestStream, where it is <see cref="TransportResult.TlsFailed"/>.
    /// </summary>
    public static class TransportErrors
    {
        // System.Net.WebExceptionStatus of nanoFramework System.Net.Http 1.5.209 (the same numbers as .NET's).
        public const int StatusSuccess = 0;
        public const int StatusNameResolutionFailure = 1;
        public const int StatusConnectFailure = 2;
        public const int StatusReceiveFailure = 3;
        public const int StatusSendFailure = 4;
        public const int StatusProtocolError = 7;
        public const int StatusConnectionClosed = 8;
        public const int StatusTrustFailure = 9;
        public const int StatusSecureChannelFailure = 10;
        public const int StatusTimeout = 14;
        public const int StatusProxyNameResolutionFailure = 15;

        /// <param name="stage">Where the exception was thrown.</param>
        /// <param name="webStatus">Status of the innermost WebException in the exception chain, or 0 when none.</param>
        /// <param name="connectionError">The innermost exception is a socket or stream I/O error (reset, closed).</param>
        /// <param name="secure">True for an https exchange (a TLS handshake happens while connecting).</param>
        /// <param name="elapsedMilliseconds">Time from the start of the exchange to the exception.</param>
        /// <param name="timeoutMilliseconds">The request's configured timeout.</param>
        public static TransportResult Classify(TransportStage stage, int webStatus, bool connectionError, bool secure, long elapsedMilliseconds, int timeoutMilliseconds)
        {
            switch (webStatus)
            {
                case StatusNameResolutionFailure:
                case StatusProxyNameResolutionFailure:
                case StatusConnectFailure:
                    return TransportResult.ConnectFailed;
                case StatusTrustFailure:
                case StatusSecureChannelFailure:
                    return TransportResult.TlsFailed;
                case StatusTimeout:
                    return TransportResult.Timeout;
            }

            // The timer of HttpWebRequest (Timeout) or the socket's ReadWriteTimeout ended the exchange.
            if (timeoutMilliseconds > 0 && elapsedMilliseconds >= timeoutMilliseconds)
            {
                return TransportResult.Timeout;
            }

            if (stage == TransportStage.Connecting)
            {
                // Resolution and TCP connect failures carry a status (above); what else fails while connecting
                // an https exchange is the handshake: a certificate not issued by the pinned CA, expired, or
                // for another host name.
                return secure ? TransportResult.TlsFailed : TransportResult.ConnectFailed;
            }

            // The connection was up and then was reset or closed before a response arrived.
            if (connectionError || stage == TransportStage.SendingBody
                || webStatus == StatusConnectionClosed || webStatus == StatusReceiveFailure || webStatus == StatusSendFailure)
            {
                return TransportResult.ConnectFailed;
            }

            // An answer that is not HTTP, or anything else the stack reported.
            return TransportResult.Failed;
        }
    }
}
