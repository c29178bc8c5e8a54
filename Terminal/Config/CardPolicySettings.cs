namespace LeoCarte.Terminal.Config
{
    /// <summary>How the terminal tells a genuine student card from a copy (hardware/configuration.md, [card]; hardware/security.md).</summary>
    public enum CardPolicy
    {
        /// <summary>
        /// The UID identifies the card, and the card must answer as its list entry's family (ATQA/SAK): stops magic
        /// Classic and Ultralight clones, not an emulator that copies the answers too.
        /// </summary>
        Uid = 0,

        /// <summary>
        /// DESFire AES: AuthenticateEV2First against the site application with the key diversified from the UID (NXP
        /// AN10922), then the holder file read with its MAC and cross-checked with the list.
        /// </summary>
        DesfireAes = 1,
    }

    /// <summary>
    /// The [card] section: the site policy and, for desfire-aes, the site application and the diversification master
    /// keys by key version. The list names the versions in force (Allowlist/FORMAT.md, "DESFire key versions"): a key
    /// here whose version the list does not announce is never used.
    /// </summary>
    public sealed class CardPolicySettings
    {
        /// <summary>Most master keys a terminal holds (the version in force, the previous one, and room to stage the next ones).</summary>
        public const int MaxKeys = 4;

        public const int KeyLength = 16;

        /// <summary>Longest system identifier (AN10922 §2.2.1: UID 7 + AID 3 + system identifier ≤ 31 bytes of input; 16 kept).</summary>
        public const int MaxSystemIdLength = 16;

        public CardPolicy Policy;

        /// <summary>Migration (desfire-aes): a card of the right family without the site application is approved by its UID, journaled as such.</summary>
        public bool Migration;

        /// <summary>The site application's AID as sent on the air (3 bytes, least significant first); null under uid.</summary>
        public byte[] ApplicationId;

        /// <summary>The AN10922 system identifier: per site, so a key of one site is useless at another.</summary>
        public byte[] SystemId;

        /// <summary>Key versions (1–255) of <see cref="MasterKeys"/>, <see cref="KeyCount"/> used.</summary>
        public readonly byte[] KeyVersions = new byte[MaxKeys];

        /// <summary>The 16-byte AES diversification master keys, by position in <see cref="KeyVersions"/>.</summary>
        public readonly byte[][] MasterKeys = new byte[MaxKeys][];

        public int KeyCount;

        /// <summary>The master key of <paramref name="version"/>, or null when this terminal holds none.</summary>
        public byte[] MasterKey(int version)
        {
            if (version <= 0)
            {
                return null;
            }

            for (int i = 0; i < KeyCount; i++)
            {
                if (KeyVersions[i] == version)
                {
                    return MasterKeys[i];
                }
            }

            return null;
        }

        public void Reset()
        {
            Policy = CardPolicy.Uid;
            Migration = false;
            ApplicationId = null;
            SystemId = null;
            for (int i = 0; i < MaxKeys; i++)
            {
                KeyVersions[i] = 0;
                MasterKeys[i] = null;
            }

            KeyCount = 0;
        }

        /// <summary>"uid", "desfire-aes" or "desfire-aes-migration", as the file writes it.</summary>
        public string PolicyName()
        {
            if (Policy == CardPolicy.Uid)
            {
                return "uid";
            }

            return Migration ? "desfire-aes-migration" : "desfire-aes";
        }
    }
}
