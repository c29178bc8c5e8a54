using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// DESFire EV1 authentication (AuthenticateAES, AAh) and the choice between it and AuthenticateEV2First: an EV1
    /// card has no 71h and answers 91 1Ch (ILLEGAL_COMMAND_CODE); EV2/EV3 cards accept both.
    /// </summary>
    public sealed partial class DesfireCommands
    {
        public const byte AuthenticateAesCode = 0xAA;

        /// <summary>DESFire status ILLEGAL_COMMAND_CODE: the card does not know the command (an EV1 asked for EV2First).</summary>
        public const byte StatusIllegalCommand = 0x1C;

        /// <summary>Which authentication <see cref="Authenticate"/> used last (None before, or after a failure).</summary>
        public DesfireSecureMessaging LastAuthentication => lastAuthentication;

        private DesfireSecureMessaging lastAuthentication; // a field: nanoCLR calls an auto-property's setter

        /// <summary>
        /// When true, <see cref="Authenticate"/> goes straight to AuthenticateAES (EV1): set it from GetVersion
        /// (<see cref="SupportsEv2First"/>) or leave it false and let the card's 1Ch answer decide (one extra exchange on
        /// EV1 cards only).
        /// </summary>
        public bool PreferEv1;

        /// <summary>
        /// From a GetVersion answer (28 bytes at <paramref name="offset"/>): true for hardware major version 12h (EV2),
        /// 30h (EV3) and later, which know AuthenticateEV2First; false for EV1 (01h) and D40 (00h). NXP MF3D(H)x2/x3
        /// datasheets §10.5.1 (GetVersion: HW major version), MF3ICDx21/41/81 (EV1: 01h).
        /// </summary>
        public static bool SupportsEv2First(byte[] version, int offset) => version[offset + 3] >= 0x12;

        /// <summary>
        /// Authenticates with the 16-byte AES key K, EV2First unless <see cref="PreferEv1"/>; when the card answers 1Ch
        /// (an EV1) the same key number is tried with AuthenticateAES. <see cref="LastAuthentication"/> tells which worked.
        /// Ok only when the card proved it holds K.
        /// </summary>
        public ReaderResult Authenticate(int keyNumber, byte[] key, int keyOffset, byte[] randomA, int randomOffset)
        {
            lastAuthentication = DesfireSecureMessaging.None;
            ReaderResult result;
            if (!PreferEv1)
            {
                result = AuthenticateEv2First(keyNumber, key, keyOffset, randomA, randomOffset);
                if (result == ReaderResult.Ok)
                {
                    lastAuthentication = DesfireSecureMessaging.Ev2;
                }

                if (result != ReaderResult.CardStatus || lastStatus != StatusIllegalCommand)
                {
                    return result;
                }
            }

            result = AuthenticateAes(keyNumber, key, keyOffset, randomA, randomOffset);
            if (result == ReaderResult.Ok)
            {
                lastAuthentication = DesfireSecureMessaging.Ev1Aes;
            }

            return result;
        }

        /// <summary>
        /// AuthenticateAES (AAh, DESFire EV1) with key <paramref name="keyNumber"/> of the selected application: the card
        /// sends E(K, RndB); the reader answers E(K, RndA || RndB'); the card answers E(K, RndA') (CBC, one IV chained
        /// through the three, <see cref="DesfireSession.BeginAuthenticationEv1"/>). Ok when the card proved it holds K;
        /// then the session runs EV1 secure messaging.
        /// </summary>
        public ReaderResult AuthenticateAes(int keyNumber, byte[] key, int keyOffset, byte[] randomA, int randomOffset)
        {
            session.Clear();
            apdu[5] = (byte)keyNumber;
            ReaderResult result = Send(AuthenticateAesCode, 1, StatusAdditionalFrame);
            if (result != ReaderResult.Ok)
            {
                return result;
            }

            if (replyData != 16)
            {
                return ReaderResult.Protocol;
            }

            session.BeginAuthenticationEv1(key, keyOffset, randomA, randomOffset, reply, 0, apdu, 5);
            result = Send(AdditionalFrameCode, 32, StatusOk);
            if (result != ReaderResult.Ok)
            {
                session.Clear();
                return result;
            }

            if (replyData != 16)
            {
                session.Clear();
                return ReaderResult.Protocol;
            }

            if (!session.CompleteAuthenticationEv1(reply, 0))
            {
                return ReaderResult.IntegrityError;
            }

            authenticatedKey = keyNumber;
            return ReaderResult.Ok;
        }

        /// <summary>
        /// ReadData (ADh) in CommMode.MAC after AuthenticateAES (EV1): the command goes without a MAC, but its CMAC
        /// (AD || header) moves the session IV; the answer is data || the first 8 bytes of CMAC(data || 00) from that IV,
        /// checked before any byte is copied. (libfreefare <c>read_data</c>: MDCM_PLAIN | CMAC_COMMAND, then CMAC_VERIFY.)
        /// </summary>
        private ReaderResult ReadDataMacEv1(int fileNumber, int fileOffset, int length, byte[] destination, int destinationOffset)
        {
            WriteFileHeader(header, 0, fileNumber, fileOffset, length);
            for (int i = 0; i < 7; i++)
            {
                apdu[5 + i] = header[i];
            }

            session.CommandMac(ReadDataCode, header, 0, 7, header, 0, 0, mac, 0);
            ReaderResult result = Send(ReadDataCode, 7, StatusOk);
            if (result != ReaderResult.Ok)
            {
                session.Clear();
                return result;
            }

            if (replyData != length + 8)
            {
                session.Clear();
                return ReaderResult.Protocol;
            }

            if (!session.VerifyResponseMac(LastStatus, reply, 0, length, reply, length))
            {
                return ReaderResult.IntegrityError;
            }

            for (int i = 0; i < length; i++)
            {
                destination[destinationOffset + i] = reply[i];
            }

            return ReaderResult.Ok;
        }
    }
}
