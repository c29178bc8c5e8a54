using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The card office's commands with a DES/2K3DES key (<see cref="DesfireSession"/>'s legacy part): the legacy
    /// Authenticate (0Ah), which a factory-fresh DESFire EV1/EV2/EV3 accepts with its default PICC master key (a DES key of
    /// 16 zero bytes), and ChangeKey under that session — typically the PICC master key becoming the card office's AES key
    /// (key number 80h at PICC level). Commands after a legacy authentication go plain and their answers carry no MAC
    /// (CreateApplication, GetKeyVersion: the existing methods send them so). The driver uses the legacy session only for
    /// the ChangeKey that follows the authentication directly: any other command in between (SelectApplication, an error,
    /// another authentication may all have ended it on the card) makes <see cref="ChangeKeyLegacy"/> refuse
    /// (InvalidArgument) — authenticate again.
    /// </summary>
    public sealed partial class DesfireCommands
    {
        public const byte AuthenticateLegacyCode = 0x0A;

        /// <summary>The factory PICC master key of a DESFire EV1/EV2/EV3: DES, 16 zero bytes (the datasheets' delivery configuration).</summary>
        public static readonly byte[] FactoryDesKey = new byte[16];

        /// <summary>Commands count right after the legacy authentication (or after a ChangeKey that kept it).</summary>
        private int legacySessionAt = -1;

        /// <summary>
        /// Legacy Authenticate (0Ah) with key <paramref name="keyNumber"/> of the selected application (or the PICC) and the
        /// 16-byte DES/2K3DES key K (equal halves: DES); <paramref name="randomA"/> the reader's 8-byte challenge. Ok when the
        /// card proved it holds K (then <see cref="DesfireSession.LegacyAuthenticated"/>); CardStatus AEh when the key is
        /// another (or is an AES key), IntegrityError when the card's answer does not prove K. Ends any AES session.
        /// </summary>
        public ReaderResult AuthenticateLegacy(int keyNumber, byte[] key, int keyOffset, byte[] randomA, int randomOffset)
        {
            Forget();
            session.ClearLegacy();
            legacySessionAt = -1;
            apdu[5] = (byte)keyNumber;
            ReaderResult result = Send(AuthenticateLegacyCode, 1, StatusAdditionalFrame);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (replyData != 8)
            {
                return ReaderResult.Protocol;
            }

            session.BeginLegacyAuthentication(key, keyOffset, randomA, randomOffset, reply, 0, apdu, 5);
            result = Send(AdditionalFrameCode, 16, StatusOk);
            if (result != ReaderResult.Ok || replyData != 8)
            {
                session.ClearLegacy();
                return result != ReaderResult.Ok ? result : ReaderResult.Protocol;
            }

            if (!session.CompleteLegacyAuthentication(reply, 0))
            {
                return ReaderResult.IntegrityError;
            }

            authenticatedKey = keyNumber;
            legacySessionAt = Commands;
            return ReaderResult.Ok;
        }

        /// <summary>
        /// ChangeKey (C4h) right after <see cref="AuthenticateLegacy"/>: key <paramref name="keyNumber"/> becomes
        /// <paramref name="newKey"/> (16 bytes), an AES key with <paramref name="keyVersion"/> when <paramref name="aesKey"/>
        /// (at PICC level the key number then carries 80h), else a DES/2K3DES key (its version in its parity bits). For the
        /// key that authenticated, <paramref name="currentKey"/> is ignored and the card ends the session; otherwise it is
        /// that key's present value. The answer is the status alone. Atomic on the card: after a lost answer, the next
        /// authentication tells which key it holds.
        /// </summary>
        public ReaderResult ChangeKeyLegacy(int keyNumber, byte[] newKey, int newKeyOffset, byte[] currentKey, int currentKeyOffset, bool aesKey, byte keyVersion)
        {
            if (!session.LegacyAuthenticated || legacySessionAt != Commands || keyNumber < 0 || keyNumber > 13)
            {
                return ReaderResult.InvalidArgument;
            }

            bool sameKey = keyNumber == authenticatedKey;
            if (!sameKey && currentKey == null)
            {
                return ReaderResult.InvalidArgument;
            }

            byte keyByte = (byte)(piccLevel && aesKey ? keyNumber | AesKeysFlag : keyNumber);
            int length = session.BuildLegacyChangeKeyCryptogram(newKey, newKeyOffset, sameKey ? null : currentKey, currentKeyOffset, aesKey, keyVersion, apdu, 6);
            apdu[5] = keyByte;
            ReaderResult result = Send(ChangeKeyCode, 1 + length, StatusOk);
            for (int i = 0; i < length; i++)
            {
                apdu[6 + i] = 0;
            }

            if (result != ReaderResult.Ok || sameKey)
            {
                // An error ends the card's authentication; so does a change of the authenticating key.
                session.ClearLegacy();
                authenticatedKey = -1;
                legacySessionAt = -1;
            }
            else
            {
                legacySessionAt = Commands;
            }

            if (result == ReaderResult.Ok && replyData != 0)
            {
                return ReaderResult.Protocol;
            }

            return result;
        }

        /// <summary>Ends the legacy session on the reader's side (the keys wiped); the card forgets it at the next SelectApplication.</summary>
        public void EndLegacySession()
        {
            session.ClearLegacy();
            legacySessionAt = -1;
        }
    }
}
