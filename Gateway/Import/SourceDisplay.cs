using System;
using System.Text.RegularExpressions;

namespace LeoCarte.Gateway.Import;

/// <summary>
/// An import source as it may be shown or stored: an URL without its user information (https://user:pass@host)
/// and with the values of credential-like query parameters (password, token, key, secret, auth, ticket, sig…)
/// replaced by "***". A file path is shown as is.
/// </summary>
public static partial class SourceDisplay
{
    [GeneratedRegex(@"(?i)([?&](?:[^=&]*(?:pass|pwd|token|key|secret|auth|ticket|sig|session|cred)[^=&]*)=)[^&#]*")]
    private static partial Regex CredentialParameter();

    public static string Redact(string source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return source;
        }

        if (!Uri.TryCreate(source, UriKind.Absolute, out Uri uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return source;
        }

        var builder = new UriBuilder(uri) { UserName = "", Password = "" };
        string text = builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        string query = CredentialParameter().Replace(uri.Query, "$1***");
        return text + query;
    }
}
