using System;
using System.Linq;

namespace LeoCarte.Simulator.Cards
{
    /// <summary>
    /// The card side of personalisation, with DESFire EV1's rules (MF3ICDx1 datasheet command set; secure messaging as
    /// libfreefare implements it), written over System.Security.Cryptography independently of the driver:
    /// <list type="bullet">
    /// <item>CreateApplication (CAh) at PICC level: free when the PICC key settings have bit 2, else after authentication
    /// with the PICC master key (AEh without a session, as real cards answer: libfreefare's test suite); AES keys only in this model (others: 9Eh); an existing AID: DEh DUPLICATE_ERROR; keys
    /// start as 00..00, version 0.</item>
    /// <item>DeleteApplication (DAh): after authentication with the PICC master key (or the application's, see the method).</item>
    /// <item>GetKeyVersion (64h): plain, or MACed in a session.</item>
    /// <item>ChangeKey (C4h): needs an EV1 AES session (AEh without), the change right of the key settings (bits 7..4: the
    /// master key, a given key, the key itself, frozen; key 0 only by itself and with bit 0 set: else 9Dh
    /// PERMISSION_DENIED); the cryptogram deciphered from the session IV, CRC32 and padding checked (1Eh
    /// INTEGRITY_ERROR); for another key (new ⊕ current) and CRC32(new key). Changing the authenticating key ends the
    /// session and the answer carries no MAC.</item>
    /// <item>CreateStdDataFile (CDh): with the application master key unless key settings bit 2; DEh for an existing file.</item>
    /// <item>WriteData (3Dh): the write or read+write key of the file (Eh free); in the file's communication mode (a MAC
    /// appended, or data || CRC32 enciphered); 7Eh LENGTH_ERROR for a frame of the wrong size, BEh BOUNDARY_ERROR past
    /// the end of the file.</item>
    /// </list>
    /// Any error ends the authentication. In an EV1 session every command's CMAC moves the IV and every successful answer
    /// carries the first 8 bytes of CMAC(data || 00). After AuthenticateEV2First these commands answer 9Dh (not modelled).
    /// </summary>
    public sealed partial class DesfireCard
    {
        /// <summary>Native commands processed since the card was made (AFh continuation frames included).</summary>
        public int CommandsProcessed { get; private set; }

        /// <summary>
        /// Fault injection: when <see cref="CommandsProcessed"/> reaches this number the card is pulled away right after
        /// that command took effect — its answer is lost and it stays silent until <see cref="ReturnToField"/> (0: never).
        /// </summary>
        public int TearAfterCommands { get; set; }

        /// <summary>True after a tear until <see cref="ReturnToField"/>.</summary>
        public bool Torn { get; private set; }

        /// <summary>The card is presented again after a tear (take it out of the field and add it back to power it up).</summary>
        public void ReturnToField()
        {
            Torn = false;
            TearAfterCommands = 0;
        }

        protected override bool Silent => Torn;

        private bool TearsNow()
        {
            CommandsProcessed++;
            if (TearAfterCommands > 0 && CommandsProcessed == TearAfterCommands)
            {
                Torn = true;
                return true;
            }

            return false;
        }

        /// <summary>Key <paramref name="keyNo"/> of the selected application, or the PICC master key at PICC level; null if none.</summary>
        private byte[] KeyOf(int keyNo)
        {
            if (this.selected == null)
            {
                return keyNo == 0 ? PiccMasterKey : null;
            }

            return keyNo >= 0 && keyNo < 14 ? this.selected.Keys[keyNo] : null;
        }

        /// <summary>Whether an access right (a key number, Eh free, Fh never) is met by the present authentication.</summary>
        private bool MayUse(int right) => right == 0x0E || (right < 0x0E && this.authenticated && this.authenticatedKey == right);

        private bool Ev1Authenticated => this.authenticated && this.ev1Session;

        /// <summary>An error: the card forgets the authentication (MF3ICDx1: any error status resets it).</summary>
        private byte[] Fail(byte status)
        {
            ResetSession();
            return Status(status);
        }

        /// <summary>Moves the EV1 IV over a plain command (its CMAC is computed on both sides, not sent).</summary>
        private void ChainCommand(byte[] command)
        {
            if (Ev1Authenticated)
            {
                this.ev1Iv = ChainedCmac(this.ev1Key, this.ev1Iv, command);
            }
        }

        /// <summary>Success: data || the first 8 bytes of CMAC(data || 00) in an EV1 session, data alone otherwise.</summary>
        private byte[] Success(byte[] data)
        {
            data ??= Array.Empty<byte>();
            if (!Ev1Authenticated)
            {
                return Status(0x00, data);
            }

            this.ev1Iv = ChainedCmac(this.ev1Key, this.ev1Iv, data.Concat(new byte[] { 0x00 }).ToArray());
            return Status(0x00, data.Concat(this.ev1Iv[..8]).ToArray());
        }

        private bool Ev2Authenticated => this.authenticated && !this.ev1Session && !this.legacySession;

        private byte[] CreateApplication(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }
            if (command.Length != 6)
            {
                return Fail(0x7E);
            }
            if (this.selected != null)
            {
                return Fail(0x9D);
            }
            bool free = (PiccKeySettings & 0x04) != 0;
            if (!free && !MasterKeySession)
            {
                return Fail(this.authenticated ? (byte)0x9D : (byte)0xAE);
            }
            ChainCommand(command);
            byte[] aid = command[1..4];
            int keys = command[5] & 0x0F;
            if (aid.All(b => b == 0) || keys < 1 || keys > 14 || (command[5] & 0xC0) != 0x80)
            {
                return Fail(0x9E); // PARAMETER_ERROR (AES only here)
            }
            if (Applications.Any(a => a.Aid.SequenceEqual(aid)))
            {
                return Fail(0xDE); // DUPLICATE_ERROR
            }
            if (Applications.Count >= 28)
            {
                return Fail(0xCE); // COUNT_ERROR
            }
            var app = AddApplication(aid);
            app.KeySettings = command[4];
            for (int i = 0; i < keys; i++)
            {
                app.Keys[i] = new byte[16];
            }

            return Success(null);
        }

        /// <summary>
        /// DeleteApplication (DAh): at PICC level in the PICC master key's session; with PICC settings bit 2 (free
        /// create/delete) also from the application itself, in its master key's session (the AID must be the selected one;
        /// the card is then at PICC level, unauthenticated). AEh without a session, 9Dh with the wrong one.
        /// </summary>
        private byte[] DeleteApplication(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }
            if (command.Length != 4)
            {
                return Fail(0x7E);
            }
            if (!this.authenticated)
            {
                return Fail(0xAE);
            }
            byte[] aid = command[1..4];
            bool fromItself = this.selected != null && (PiccKeySettings & 0x04) != 0 && this.selected.Aid.SequenceEqual(aid);
            if ((this.selected != null && !fromItself) || this.authenticatedKey != 0)
            {
                return Fail(0x9D);
            }
            ChainCommand(command);
            int index = Applications.FindIndex(a => a.Aid.SequenceEqual(aid));
            if (index < 0)
            {
                return Fail(0xA0);
            }
            Applications.RemoveAt(index);
            ApplicationIds.RemoveAll(a => a.SequenceEqual(aid));
            byte[] answer = Success(null);
            if (fromItself)
            {
                // The selected application is gone: PICC level, its session ended (libfreefare drops it too).
                ResetSession();
                this.selected = null;
                SelectedApplication = new byte[3];
            }

            return answer;
        }

        private byte[] GetKeyVersion(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }
            if (command.Length != 2)
            {
                return Fail(0x7E);
            }
            int keyNo = command[1] & 0x0F;
            bool exists = this.selected == null ? keyNo == 0 : KeyOf(keyNo) != null;
            if (!exists)
            {
                return Fail(0x40); // NO_SUCH_KEY
            }
            ChainCommand(command);
            byte version = this.selected == null ? PiccVersionNow : this.selected.KeyVersions[keyNo];
            return Success(new[] { version });
        }

        private byte[] ChangeKey(byte[] command)
        {
            if (this.legacySession)
            {
                return ChangeKeyLegacy(command);
            }

            if (command.Length != 34)
            {
                return Fail(0x7E);
            }
            if (!Ev1Authenticated)
            {
                return Fail(0xAE);
            }
            int keyNo = command[1] & 0x0F;
            if (this.selected == null && (keyNo != 0 || (command[1] & 0xC0) != 0x80))
            {
                return Fail(0x9E); // PICC: key 0, AES only here
            }
            byte[] current = this.selected == null ? (PiccMasterKey ?? new byte[16]) : KeyOf(keyNo);
            if (current == null)
            {
                return Fail(0x40);
            }
            byte settings = this.selected == null ? PiccKeySettings : this.selected.KeySettings;
            int changeRight = settings >> 4;
            bool allowed = keyNo == 0
                ? this.authenticatedKey == 0 && (settings & 0x01) != 0
                : changeRight == 0x0E ? this.authenticatedKey == keyNo : changeRight != 0x0F && this.authenticatedKey == changeRight;
            if (!allowed)
            {
                return Fail(0x9D);
            }

            byte[] cipher = command[2..];
            byte[] plain = AesCbc(this.ev1Key, this.ev1Iv, cipher, false);
            this.ev1Iv = cipher[16..];
            bool same = keyNo == this.authenticatedKey;
            byte[] newKey = same ? plain[..16] : plain[..16].Select((b, i) => (byte)(b ^ current[i])).ToArray();
            byte[] crcInput = new[] { (byte)0xC4, command[1] }.Concat(plain[..17]).ToArray();
            bool valid = Crc32(crcInput).SequenceEqual(plain[17..21]);
            int used = 21;
            if (!same)
            {
                valid &= Crc32(newKey).SequenceEqual(plain[21..25]);
                used = 25;
            }

            valid &= plain[used..].All(b => b == 0);
            if (!valid)
            {
                return Fail(0x1E); // INTEGRITY_ERROR
            }

            if (this.selected == null)
            {
                PiccMasterKey = newKey;
                PiccKeyVersion = plain[16];
            }
            else
            {
                this.selected.Keys[keyNo] = newKey;
                this.selected.KeyVersions[keyNo] = plain[16];
            }

            KeyChanges++;
            if (same)
            {
                ResetSession(); // the session key came from the old key: the card ends it, no MAC follows
                return Status(0x00);
            }

            return Success(null);
        }

        /// <summary>ChangeKey commands that took effect (for tests).</summary>
        public int KeyChanges { get; private set; }

        private byte[] CreateStdDataFile(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }
            if (command.Length != 8)
            {
                return Fail(0x7E);
            }
            if (this.selected == null)
            {
                return Fail(0x9D);
            }
            bool free = (this.selected.KeySettings & 0x04) != 0;
            if (!free && !(this.authenticated && this.authenticatedKey == 0))
            {
                return Fail(0x9D);
            }
            ChainCommand(command);
            byte fileNo = command[1];
            int rights = command[3] | (command[4] << 8);
            int size = command[5] | (command[6] << 8) | (command[7] << 16);
            if (fileNo > 31 || size == 0 || (command[2] & 0x03) == 2)
            {
                return Fail(0x9E);
            }
            if (this.selected.Files.ContainsKey(fileNo))
            {
                return Fail(0xDE);
            }
            this.selected.Files[fileNo] = new DataFile
            {
                Data = new byte[size],
                CommMode = (byte)(command[2] & 0x03),
                ReadKey = rights >> 12,
                WriteKey = (rights >> 8) & 0x0F,
                ReadWriteKey = (rights >> 4) & 0x0F,
                ChangeKey = rights & 0x0F,
            };
            return Success(null);
        }

        /// <summary>GetFileSettings (F5h) of a standard data file: type 00h, communication settings, access rights, size; listing
        /// needs the master key unless key settings bit 1 (free directory listing).</summary>
        private byte[] GetFileSettings(byte[] command)
        {
            if (Ev2Authenticated)
            {
                return Fail(0x9D);
            }

            if (command.Length != 2)
            {
                return Fail(0x7E);
            }

            if (this.selected == null || !this.selected.Files.TryGetValue(command[1], out var file))
            {
                return Fail(0xF0);
            }

            if ((this.selected.KeySettings & 0x02) == 0 && !(this.authenticated && this.authenticatedKey == 0))
            {
                return Fail(0x9D);
            }

            ChainCommand(command);
            int rights = file.AccessRights, size = file.Data.Length;
            return Success(new[] { (byte)0x00, file.CommMode, (byte)rights, (byte)(rights >> 8), (byte)size, (byte)(size >> 8), (byte)(size >> 16) });
        }

        /// <summary>DESFire's CRC32: the Ethernet CRC (reflected EDB88320h, preset all ones) without its final inversion, LSB first.</summary>
        private static byte[] Crc32(byte[] data)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                crc ^= b;
                for (int i = 0; i < 8; i++)
                {
                    crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
                }
            }

            return BitConverter.GetBytes(crc); // little-endian on every .NET host this runs on
        }
    }
}
