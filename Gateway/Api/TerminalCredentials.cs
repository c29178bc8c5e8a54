using System;
using System.Collections.Generic;
using System.Linq;
using LeoCarte.Gateway.Storage;

namespace LeoCarte.Gateway.Api;

/// <summary>One terminal's credential as the authenticator and the card-office page see it.</summary>
public sealed record TerminalCredentialState(string TerminalId, byte[] Secret, bool Revoked, bool Reprovisioned, DateTime? ChangedUtc, string ChangedBy);

/// <summary>
/// The terminal secrets in force: the configuration's <c>Terminals</c>, overridden by what operators did on the
/// card-office page (a revoked terminal is refused with 403 until re-provisioned; a re-provisioned one has a
/// new generated secret). Kept in the database (TrustStore), so every gateway instance sees it: re-read at
/// most <see cref="RefreshInterval"/> after another instance changed it, at once on this one.
/// </summary>
public sealed class TerminalCredentials
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, byte[]> configured = new(StringComparer.Ordinal);
    private readonly TrustStore trust;
    private readonly object gate = new();
    private Dictionary<string, TerminalCredentialState> current;
    private DateTime loadedUtc = DateTime.MinValue;

    public TerminalCredentials(GatewayOptions options, TrustStore trust)
    {
        foreach (var (id, hex) in options.Terminals)
        {
            configured[id] = Convert.FromHexString(hex);
        }

        this.trust = trust;
    }

    /// <summary>The credential of a terminal, or null when the terminal is unknown.</summary>
    public TerminalCredentialState Find(string terminalId)
    {
        if (terminalId == null)
        {
            return null;
        }

        return Current().TryGetValue(terminalId, out TerminalCredentialState state) ? state : null;
    }

    public List<TerminalCredentialState> All() => Current().Values.OrderBy(c => c.TerminalId, StringComparer.Ordinal).ToList();

    /// <summary>Revokes a known terminal's secret: its requests get 403 from now on. Audited.</summary>
    public bool Revoke(string terminalId, string operatorName, DateTime nowUtc)
    {
        if (Find(terminalId) == null)
        {
            return false;
        }

        trust?.SetCredential(terminalId, true, null, operatorName, nowUtc);
        Reload();
        return true;
    }

    /// <summary>Gives a known terminal a new generated secret (to be entered in its terminal.conf); the old one stops working. Audited.</summary>
    public string Reprovision(string terminalId, string operatorName, DateTime nowUtc)
    {
        if (Find(terminalId) == null)
        {
            return null;
        }

        string secret = SecretPolicy.Generate();
        trust?.SetCredential(terminalId, false, secret, operatorName, nowUtc);
        Reload();
        return secret;
    }

    public void Reload()
    {
        lock (gate)
        {
            loadedUtc = DateTime.MinValue;
        }

        Current();
    }

    private Dictionary<string, TerminalCredentialState> Current()
    {
        lock (gate)
        {
            DateTime now = DateTime.UtcNow;
            if (current != null && now - loadedUtc < RefreshInterval)
            {
                return current;
            }

            var states = configured.ToDictionary(c => c.Key, c => new TerminalCredentialState(c.Key, c.Value, false, false, null, null), StringComparer.Ordinal);
            if (trust != null)
            {
                foreach (TerminalCredential changed in trust.Credentials())
                {
                    if (!states.TryGetValue(changed.TerminalId, out TerminalCredentialState before))
                    {
                        continue; // removed from the configuration: unknown, whatever the page did before
                    }

                    byte[] secret = changed.SecretHex != null ? Convert.FromHexString(changed.SecretHex) : before.Secret;
                    states[changed.TerminalId] = new TerminalCredentialState(changed.TerminalId, secret, changed.Revoked, changed.SecretHex != null, changed.ChangedUtc, changed.ChangedBy);
                }
            }

            current = states;
            loadedUtc = now;
            return current;
        }
    }
}
