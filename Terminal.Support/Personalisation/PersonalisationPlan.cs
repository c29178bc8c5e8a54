using LeoCarte.Terminal.Cards;

namespace LeoCarte.Terminal.Personalisation
{
    /// <summary>
    /// What the card office writes on a LéoCarte for policy <c>desfire-aes</c> (hardware/personalisation.md): the site
    /// application (AID, key settings, 2 AES keys), the keys of each version and the version to reach, the holder file.
    /// Per card, each key is AN10922-diversified from the UID, the AID and the system identifier:
    /// <list type="bullet">
    /// <item>key 0, the application master key (creates files, changes keys; never on a terminal): from the card office's
    /// master key of the version;</item>
    /// <item>key 1, the read key of the holder file: from the site master key of the version — the one the terminals
    /// hold as <c>card.key = v …</c>.</item>
    /// </list>
    /// Key version 0 stands for the 00..00 keys of a newly created application. The plan holds secrets: keep it only in
    /// memory on the card office's station; <see cref="Clear"/> wipes it.
    /// </summary>
    public sealed class PersonalisationPlan
    {
        /// <summary>Key versions the plan can hold (besides version 0).</summary>
        public const int MaxVersions = 8;

        /// <summary>
        /// Key settings of the site application (MF3ICDx1 "ChangeKeySettings", application level; <c>DesfireCommands.KeySettings*</c>):
        /// bits 7..4 = 0h, keys changed only with the application master key (Eh would let a terminal's key 1 change itself:
        /// whoever lifted the site master key from a terminal could lock students out card by card); bit 3 = 1,
        /// configuration changeable, so the card office can amend it later (0 would freeze it for good); bit 2 = 0, files
        /// created and deleted only with the application master key; bit 1 = 0, no free directory listing: terminals
        /// select the application and read file 1 directly, nothing needs GetFileIDs/GetFileSettings/GetKeySettings without
        /// key 0, so a skimmer learns no file layout or settings; bit 0 = 1, the application master key changeable (key
        /// rotation changes it). 09h.
        /// </summary>
        public const byte DefaultKeySettings = 0x09;

        /// <summary>
        /// PICC master key settings the card office sets once the card carries its AES PICC key (MF3ICDx1 "PICC master key
        /// settings"): bits 7..4 = 0 (RFU at PICC level); bit 3 = 1, configuration changeable (the card office can open it again,
        /// e.g. for another service on the multi-application card); bit 2 = 0, CreateApplication and DeleteApplication only with
        /// the PICC master key (the factory 1 lets anyone create applications, and delete one with its own master key); bit 1
        /// = 1, free directory listing kept: the AIDs are no secret (ours is in every terminal's configuration) and other
        /// services' readers may list them; bit 0 = 1, the PICC master key changeable (rotation of the card office's key).
        /// 0Bh: the factory 0Fh with bit 2 cleared.
        /// </summary>
        public const byte DefaultPiccKeySettings = 0x0B;

        /// <summary>Number of application keys: key 0 (master) and key 1 (holder file read key).</summary>
        public const int KeyCount = 2;

        /// <summary>The application master key's number.</summary>
        public const int MasterKeyNumber = 0;

        private readonly byte[] versions = new byte[MaxVersions];
        private readonly byte[][] officeKeys = new byte[MaxVersions][];
        private readonly byte[][] siteKeys = new byte[MaxVersions][];
        private int count;

        /// <summary>Site application id, 3 bytes least significant first as on the air (card.application 4C4301 → 01 43 4C).</summary>
        public byte[] ApplicationId;

        /// <summary>The diversification system identifier (card.system_id), 0–16 bytes.</summary>
        public byte[] SystemId;

        public byte KeySettings = DefaultKeySettings;

        /// <summary>PICC key settings written when the plan has a <see cref="PiccMasterKey"/> (ChangeKeySettings needs its session).</summary>
        public byte PiccKeySettings = DefaultPiccKeySettings;

        /// <summary>The AES PICC master key when the card office has set one (needed to create the application when the
        /// PICC key settings forbid free creation); null for a card with its factory PICC settings.</summary>
        public byte[] PiccMasterKey;

        /// <summary>
        /// The cards come factory-fresh (a real blank DESFire EV1/EV2/EV3: PICC master key DES, 16 zero bytes, "delivery
        /// configuration"): before creating the application the personaliser authenticates with that key (legacy
        /// Authenticate 0Ah) and, when <see cref="PiccMasterKey"/> is set, changes the PICC master key to it (AES, version
        /// <see cref="PiccKeyVersion"/>). Without a PICC key the card keeps its factory key.
        /// </summary>
        public bool FactoryPiccKey;

        /// <summary>Key version of the AES PICC master key written on a factory-fresh card.</summary>
        public byte PiccKeyVersion = 1;

        /// <summary>The key version to reach (1–255); the list must announce it before terminals use it.</summary>
        public int TargetVersion;

        /// <summary>The holder file: number, size and the content fields (Terminal/Cards/HolderFile).</summary>
        public int HolderFileNumber = HolderFile.FileNumber;
        public int HolderKey;
        public uint SiteId;

        /// <summary>Adds the master keys of key version <paramref name="version"/> (1–255; 16 bytes each). False when full or invalid.</summary>
        public bool AddKeys(int version, byte[] officeMasterKey, byte[] siteMasterKey)
        {
            if (version < 1 || version > 255 || officeMasterKey == null || siteMasterKey == null
                || officeMasterKey.Length != 16 || siteMasterKey.Length != 16 || count == MaxVersions || HasVersion(version))
            {
                return false;
            }

            versions[count] = (byte)version;
            officeKeys[count] = (byte[])officeMasterKey.Clone();
            siteKeys[count] = (byte[])siteMasterKey.Clone();
            count++;
            return true;
        }

        /// <summary>True for version 0 (the keys of a new application) and the versions added.</summary>
        public bool HasVersion(int version) => version == 0 || IndexOf(version) >= 0;

        /// <summary>The master key key <paramref name="keyNumber"/> of <paramref name="version"/> is diversified from (null for version 0 or unknown).</summary>
        public byte[] MasterKeyFor(int version, int keyNumber)
        {
            int i = IndexOf(version);
            if (i < 0)
            {
                return null;
            }

            return keyNumber == MasterKeyNumber ? officeKeys[i] : siteKeys[i];
        }

        /// <summary>Null when the plan can run; otherwise what is wrong with it.</summary>
        public string Problem()
        {
            if (ApplicationId == null || ApplicationId.Length != 3 || (ApplicationId[0] | ApplicationId[1] | ApplicationId[2]) == 0)
            {
                return "the site application id must be 3 bytes and not 000000";
            }

            if (SystemId == null || SystemId.Length > 16)
            {
                return "the system identifier must be 0 to 16 bytes";
            }

            if (TargetVersion < 1 || TargetVersion > 255 || IndexOf(TargetVersion) < 0)
            {
                return "the target key version must be 1-255 and its keys in the plan";
            }

            if (PiccMasterKey != null && PiccMasterKey.Length != 16)
            {
                return "the PICC master key must be 16 bytes (AES)";
            }

            if ((PiccKeySettings & 0xF4) != 0)
            {
                return "the PICC key settings must keep bits 7..4 zero (RFU) and bit 2 clear (no free application creation or deletion)";
            }

            if ((KeySettings & 0xF4) != 0 || (KeySettings & 0x01) == 0)
            {
                return "the application key settings must let key 0 change keys (bits 7..4 zero), keep file creation with key 0 (bit 2 clear) and key 0 changeable (bit 0 set)";
            }

            if (HolderFileNumber < 0 || HolderFileNumber > 31)
            {
                return "the holder file number must be 0-31";
            }

            return null;
        }

        /// <summary>Overwrites the keys held.</summary>
        public void Clear()
        {
            for (int i = 0; i < count; i++)
            {
                Wipe(officeKeys[i]);
                Wipe(siteKeys[i]);
                officeKeys[i] = null;
                siteKeys[i] = null;
            }

            Wipe(PiccMasterKey);
            count = 0;
        }

        private static void Wipe(byte[] key)
        {
            if (key == null)
            {
                return;
            }

            for (int i = 0; i < key.Length; i++)
            {
                key[i] = 0;
            }
        }

        private int IndexOf(int version)
        {
            for (int i = 0; i < count; i++)
            {
                if (versions[i] == version)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
