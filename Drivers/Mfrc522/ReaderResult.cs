namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>
    /// Outcome of every driver operation. The driver never reports a failure by throwing: each layer returns
    /// one of these, so a poll of the reader always ends with a value the terminal can count and act on.
    /// </summary>
    public enum ReaderResult : byte
    {
        /// <summary>The operation completed and its answer passed every check.</summary>
        Ok = 0,

        /// <summary>No answer before the chip timer expired (datasheet §9.3.1.5 TimerIRq): no card, or it left.</summary>
        Timeout = 1,

        /// <summary>A frame arrived with a wrong CRC_A (chip CRCErr or the software check, ISO/IEC 14443-3 §6.2.4).</summary>
        Crc = 2,

        /// <summary>Several cards answered at once and their bits collided (ErrorReg CollErr, datasheet §9.3.1.7).</summary>
        Collision = 3,

        /// <summary>The card answered with a 4-bit NAK (MIFARE Classic, anything but ACK 0xA).</summary>
        Nak = 4,

        /// <summary>An answer of the wrong length or shape: parity or framing error, bad BCC, unexpected SAK.</summary>
        Protocol = 5,

        /// <summary>The chip itself misbehaved: did not finish within its own timer, wrong version, FIFO overflow,
        /// overheating, or a register read back wrong. The health watchdog resets it.</summary>
        ChipFault = 6,

        /// <summary>The answer is larger than the caller's buffer (nothing was copied past its end).</summary>
        BufferTooSmall = 7,

        /// <summary>MIFARE Classic authentication did not switch Crypto1 on (wrong key or access denied).</summary>
        AuthenticationFailed = 8,

        /// <summary>The caller passed something the operation cannot use (block number, frame length, key size).</summary>
        InvalidArgument = 9,

        /// <summary>A DESFire card answered with an error status (SW1 91h, SW2 not 00h/AFh); the status byte is in
        /// <c>DesfireCommands.LastStatus</c> (e.g. AEh authentication error, A0h application not found).</summary>
        CardStatus = 10,

        /// <summary>A MAC or a cryptographic proof from the card did not verify: wrong key, a clone, or tampered data.
        /// Nothing the card sent in that exchange may be used.</summary>
        IntegrityError = 11,
    }
}
