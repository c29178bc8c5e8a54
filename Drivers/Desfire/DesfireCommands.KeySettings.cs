using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Desfire
{
    /// <summary>
    /// The key settings of the PICC or of the selected application (MF3ICDx1 "GetKeySettings", "ChangeKeySettings"; the
    /// bits: <see cref="KeySettingsAllowChangeMasterKey"/> … <see cref="KeySettingsChangeKeyMask"/>) and FormatPICC:
    /// <list type="bullet">
    /// <item>GetKeySettings (45h): answers the settings byte and the key count (bits 3..0; bits 7..6 the key type, 80h AES).
    /// Plain before authentication (allowed when the free-directory bit is set, else AEh); MACed after AuthenticateAES.</item>
    /// <item>ChangeKeySettings (54h): needs the master key's session (PICC or application). After AuthenticateAES the new
    /// settings byte goes enciphered: settings ‖ CRC32(54h ‖ settings) ‖ zero padding to 16 bytes, AES-CBC with the session
    /// key from the session IV; the answer carries the first 8 bytes of CMAC(00h) from the IV that encipherment left
    /// (libfreefare <c>mifare_desfire_change_key_settings</c>: <c>MDCM_ENCIPHERED | ENC_COMMAND</c>, then
    /// <c>CMAC_VERIFY</c>; <c>mifare_cryto_preprocess_data</c>: CRC32 over the command byte too for AES). Right after the
    /// legacy Authenticate (0Ah): settings ‖ CRC_A(settings) ‖ zero padding to 8 bytes in send mode, the answer the
    /// status alone (the mifare.net trace in <c>TripleDesVectorTests</c>).</item>
    /// <item>FormatPICC (FCh): at PICC level with the PICC master key's session, deletes every application and file; the
    /// PICC master key and its settings stay. Plain command, its CMAC moving the IV and the answer MACed after
    /// AuthenticateAES (libfreefare <c>mifare_desfire_format_picc</c>), plain after the legacy Authenticate.</item>
    /// </list>
    /// As for the other card-office commands, an EV2 session is refused (InvalidArgument) and a DESFire error ends the
    /// session on both sides.
    /// </summary>
    public sealed partial class DesfireCommands
    {
        public const byte GetKeySettingsCode = 0x45;
        public const byte ChangeKeySettingsCode = 0x54;
        public const byte FormatPiccCode = 0xFC;

        /// <summary>Bit 0: the master key may be changed (with the current master key's session); 0 freezes it.</summary>
        public const byte KeySettingsAllowChangeMasterKey = 0x01;

        /// <summary>Bit 1: listing without the master key (PICC: GetApplicationIDs, GetDFNames, GetKeySettings; application:
        /// GetFileIDs, GetFileSettings, GetKeySettings); 0: the master key's session is needed (AEh without it).</summary>
        public const byte KeySettingsFreeDirectoryList = 0x02;

        /// <summary>Bit 2: PICC: CreateApplication without the PICC master key (DeleteApplication then with the PICC or the
        /// application master key); application: CreateFile/DeleteFile without the application master key. 0: the master
        /// key's session is needed for both.</summary>
        public const byte KeySettingsFreeCreateDelete = 0x04;

        /// <summary>Bit 3: these settings may be changed later (with the master key's session); 0 freezes them for good.</summary>
        public const byte KeySettingsChangeable = 0x08;

        /// <summary>Bits 7..4 of an application's settings: who changes keys other than the master key (0h the application master
        /// key, 1h–Dh that key, Eh the key to be changed itself, Fh frozen). At PICC level they are 0 (RFU).</summary>
        public const byte KeySettingsChangeKeyMask = 0xF0;

        /// <summary>
        /// GetKeySettings (45h) of the selected application (or the PICC): <paramref name="settings"/> and the number of keys
        /// (<paramref name="keyCount"/>, bits 3..0 of the second byte). MACed in an EV1 AES session.
        /// </summary>
        public ReaderResult GetKeySettings(out byte settings, out int keyCount)
        {
            settings = 0;
            keyCount = 0;
            ReaderResult result = SendSecured(GetKeySettingsCode, 0, 2);
            if (result == ReaderResult.Ok)
            {
                settings = reply[0];
                keyCount = reply[1] & 0x0F;
            }

            return result;
        }

        /// <summary>
        /// ChangeKeySettings (54h) of the selected application (or the PICC) to <paramref name="settings"/>, in the session of
        /// its master key: after <see cref="AuthenticateAes"/> (enciphered with CRC32, answer MAC verified) or right after
        /// <see cref="AuthenticateLegacy"/> (send mode with CRC_A, no MAC). InvalidArgument without one of these sessions.
        /// The card applies it atomically: after a lost answer, <see cref="GetKeySettings"/> tells.
        /// </summary>
        public ReaderResult ChangeKeySettings(byte settings)
        {
            if (session.Authenticated && session.SecureMessaging == DesfireSecureMessaging.Ev1Aes)
            {
                apdu[5] = settings;
                int length = session.EncipherCommandDataEv1(ChangeKeySettingsCode, header, 0, 0, apdu, 5, 1);
                ReaderResult result = Send(ChangeKeySettingsCode, length, StatusOk);
                if (result != ReaderResult.Ok)
                {
                    Forget();
                    return result;
                }

                return VerifyAnswer(0);
            }

            if (!session.LegacyAuthenticated || legacySessionAt != Commands)
            {
                return ReaderResult.InvalidArgument;
            }

            apdu[5] = settings;
            int padded = session.EncipherLegacy(apdu, 5, 1);
            ReaderResult legacy = Send(ChangeKeySettingsCode, padded, StatusOk);
            if (legacy != ReaderResult.Ok)
            {
                EndLegacySession();
                authenticatedKey = -1;
                return legacy;
            }

            // The session goes on (no key changed): a ChangeKeyLegacy may follow.
            legacySessionAt = Commands;
            return replyData == 0 ? ReaderResult.Ok : ReaderResult.Protocol;
        }

        /// <summary>
        /// FormatPICC (FCh) at PICC level with the PICC master key's session (AuthenticateAES, or right after the legacy
        /// Authenticate): every application and its files deleted, the PICC master key and settings kept. The reader ends its
        /// session afterwards (libfreefare does the same): authenticate again for anything else. InvalidArgument at
        /// application level or without such a session.
        /// </summary>
        public ReaderResult FormatPicc()
        {
            if (!piccLevel)
            {
                return ReaderResult.InvalidArgument;
            }

            if (session.Authenticated && session.SecureMessaging == DesfireSecureMessaging.Ev1Aes)
            {
                ReaderResult result = SendSecured(FormatPiccCode, 0, 0);
                Forget();
                return result;
            }

            if (!session.LegacyAuthenticated || legacySessionAt != Commands)
            {
                return ReaderResult.InvalidArgument;
            }

            ReaderResult legacy = Send(FormatPiccCode, 0, StatusOk);
            EndLegacySession();
            authenticatedKey = -1;
            if (legacy == ReaderResult.Ok && replyData != 0)
            {
                return ReaderResult.Protocol;
            }

            return legacy;
        }
    }
}
