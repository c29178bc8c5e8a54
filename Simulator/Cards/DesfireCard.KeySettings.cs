using System;
using System.Collections.Generic;
using System.Linq;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// The card side of the key settings and of the PICC-level listing and formatting, written independently of the
    /// driver (MF3ICDx1 "GetKeySettings", "ChangeKeySettings", "GetApplicationIDs", "FormatPICC"; statuses as libfreefare's
    /// test suite observed on real cards, <c>test/test_mifare_desfire.c</c>: with PICC settings 08h an unauthenticated
    /// GetApplicationIDs, DeleteApplication and CreateApplication all answer AEh AUTHENTICATION_ERROR):
    /// <list type="bullet">
    /// <item>GetKeySettings (45h): free when the level's settings have bit 1, else only in the session of its master key
    /// (AEh); answers settings and the key count (PICC: 1; bits 7..6 = 10b for AES keys).</item>
    /// <item>ChangeKeySettings (54h): only in the session of the level's master key (AEh without a session, 9Dh with another
    /// key), only while bit 3 (configuration changeable) is set (9Dh). EV1 AES session: 16 bytes deciphered from the session
    /// IV, settings ‖ CRC32(54h ‖ settings) ‖ zeros checked (1Eh), the IV becomes the last ciphertext block and the answer
    /// carries its CMAC; legacy session: 8 bytes received as P = E(Ks, C) (the reader's send mode), settings ‖ CRC_A ‖
    /// zeros, the answer the status alone. PICC settings with bits 7..4 set: 9Eh in this model (RFU on the card).</item>
    /// <item>GetApplicationIDs (6Ah): free with PICC settings bit 1, else the PICC master key's session (AEh).</item>
    /// <item>FormatPICC (FCh): at PICC level, in the PICC master key's session (AEh without, 9Dh at application level):
    /// every application goes; the PICC master key and its settings stay.</item>
    /// </list>
    /// After AuthenticateEV2First these commands answer 9Dh (not modelled).
    /// </summary>
    public sealed partial class DesfireCard
    {
        /// <summary>FormatPICC commands that took effect (for tests).</summary>
        public int Formats { get; private set; }

        /// <summary>The key settings of the selected level: the PICC's or the selected application's.</summary>
        private byte LevelSettings => this.selected == null ? PiccKeySettings : this.selected.KeySettings;

        /// <summary>True in a session of the selected level's master key (key 0), whichever authentication opened it.</summary>
        private bool MasterKeySession => this.authenticated && this.authenticatedKey == 0;

        private byte[] GetKeySettings(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }

            if (command.Length != 1)
            {
                return Fail(0x7E);
            }

            if ((LevelSettings & 0x02) == 0 && !MasterKeySession)
            {
                return Fail(0xAE);
            }

            ChainCommand(command);
            int keys = this.selected == null ? 1 : this.selected.Keys.Count(k => k != null);
            bool aes = this.selected != null || PiccMasterKey != null;
            return Success(new[] { LevelSettings, (byte)(keys | (aes ? 0x80 : 0x00)) });
        }

        private byte[] ChangeKeySettings(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }

            if (!this.authenticated)
            {
                return Fail(0xAE);
            }

            if (this.authenticatedKey != 0 || (LevelSettings & 0x08) == 0)
            {
                return Fail(0x9D);
            }

            byte settings;
            if (this.legacySession)
            {
                if (command.Length != 9)
                {
                    return Fail(0x7E);
                }

                // The reader's send mode read back: P_1 = E(Ks, C_1) (one block, C_0 = 0).
                byte[] plain = Des(this.legacyKey, command[1..9], encrypt: true);
                ushort crc = CrcA(plain[..1]);
                if (plain[1] != (byte)crc || plain[2] != (byte)(crc >> 8) || plain[3..].Any(b => b != 0))
                {
                    return Fail(0x1E);
                }

                settings = plain[0];
            }
            else
            {
                if (command.Length != 17)
                {
                    return Fail(0x7E);
                }

                byte[] cipher = command[1..];
                byte[] plain = AesCbc(this.ev1Key, this.ev1Iv, cipher, false);
                this.ev1Iv = cipher[^16..];
                if (!Crc32(new[] { (byte)0x54, plain[0] }).SequenceEqual(plain[1..5]) || plain[5..].Any(b => b != 0))
                {
                    return Fail(0x1E);
                }

                settings = plain[0];
            }

            if (this.selected == null && (settings & 0xF0) != 0)
            {
                return Fail(0x9E);
            }

            if (this.selected == null)
            {
                PiccKeySettings = settings;
            }
            else
            {
                this.selected.KeySettings = settings;
            }

            KeySettingsChanges++;
            return this.legacySession ? Status(0x00) : Success(null);
        }

        /// <summary>ChangeKeySettings commands that took effect (for tests).</summary>
        public int KeySettingsChanges { get; private set; }

        private byte[] GetApplicationIds(byte[] command)
        {
            this.versionStep = 0;
            if (Ev2Authenticated || this.selected != null)
            {
                return Fail(0x9D);
            }

            if ((PiccKeySettings & 0x02) == 0 && !MasterKeySession)
            {
                return Fail(0xAE);
            }

            ChainCommand(command);
            var ids = new List<byte>();
            foreach (var aid in ApplicationIds)
            {
                ids.AddRange(aid);
            }

            return Success(ids.ToArray());
        }

        private byte[] FormatPicc(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }

            if (command.Length != 1)
            {
                return Fail(0x7E);
            }

            if (!this.authenticated)
            {
                return Fail(0xAE);
            }

            if (this.selected != null || this.authenticatedKey != 0)
            {
                return Fail(0x9D);
            }

            ChainCommand(command);
            Applications.Clear();
            ApplicationIds.Clear();
            Formats++;
            return this.legacySession ? Status(0x00) : Success(null);
        }
    }
}
