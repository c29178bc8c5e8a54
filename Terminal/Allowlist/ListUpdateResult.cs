namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>
    /// Outcome of feeding a signed list (snapshot or delta) to <see cref="ListUpdate"/>. Anything but
    /// <see cref="Ok"/> leaves the list in force untouched. Values may be journaled or reported in a heartbeat:
    /// never renumber.
    /// </summary>
    public enum ListUpdateResult : byte
    {
        /// <summary>Accepted so far (Write) or applied and in force (Commit).</summary>
        Ok = 0,
        /// <summary>The first bytes are not "LCAL": not a LéoCarte list at all (an HTML error page, say).</summary>
        BadMagic = 1,
        /// <summary>Structure is wrong: unknown format version or kind, bad entry encoding, keys out of order, trailing bytes.</summary>
        BadFormat = 2,
        /// <summary>The stream ended before the header, all entries and the tag arrived.</summary>
        Truncated = 3,
        /// <summary>The ECDSA P-256 signature over header and manifest does not verify with the key the header names: forged or corrupted (nothing was written to flash).</summary>
        BadSignature = 4,
        /// <summary>The list's version is not above the version in force (a replay of an older or the same list).</summary>
        VersionNotNewer = 5,
        /// <summary>A delta whose base version is not the version in force.</summary>
        BaseMismatch = 6,
        /// <summary>The list is for another site.</summary>
        WrongSite = 7,
        /// <summary>A delta removes a card the list in force does not hold (the platform and terminal disagree: fetch a snapshot).</summary>
        BadDelta = 8,
        /// <summary>The flash refused a read or write, or the list in force could not be read back.</summary>
        StorageError = 9,
        /// <summary>Write or Commit called without Begin, or after Commit/Abort.</summary>
        NotStarted = 10,
        /// <summary>The list exceeds what the table format holds (e.g. hundreds of 10-byte UIDs sharing their first 7 bytes).</summary>
        LimitExceeded = 11,
        /// <summary>Bad arguments to Write (null chunk, range outside the array).</summary>
        InvalidArgument = 12,
        /// <summary>Another update was applied between Begin and Commit.</summary>
        Superseded = 13,
        /// <summary>The header names a signing key id this terminal does not hold (a key not provisioned yet, or a retired one): see keys.list_public_key.</summary>
        UnknownKey = 14,
        /// <summary>A chunk of the body does not match its digest in the signed manifest (tampered or corrupted in transit); nothing is committed.</summary>
        BadChunk = 15,
        /// <summary>The version is further above the version in force than the configured maximum jump (ListTrust.MaxVersionJump).</summary>
        VersionJumpTooLarge = 16,
        /// <summary>A delta from another gateway database than the list in force (database reset or another gateway): only a snapshot applies.</summary>
        DatabaseChanged = 17,
    }
}
