namespace LeoCarte.Drivers.Reader
{
    /// <summary>Where a poll failed (<see cref="CardReadResult.FailedStep"/>), so the application and a technician
    /// can tell a sick chip from a noisy field without reaching under the reader.</summary>
    public enum ReaderStep : byte
    {
        /// <summary>The poll did not fail.</summary>
        None = 0,

        /// <summary>Bringing the chip back (soft then hard reset, datasheet §8.8) failed: chip missing or dead.</summary>
        Recovery = 1,

        /// <summary>The periodic health read found the chip changed behind the driver's back and it could not be repaired.</summary>
        HealthCheck = 2,

        /// <summary>REQA answered but anticollision / SELECT failed (ISO/IEC 14443-3 §6.5: CRC, parity, collision or protocol error).</summary>
        Select = 3,

        /// <summary>The presence check of a resting card (WUPA + SELECT of its UID) hit a chip fault.</summary>
        PresenceCheck = 4,

        /// <summary>The SPI/GPIO layer threw (bus error on the device).</summary>
        Bus = 5,
    }

    /// <summary>Names for logs and test messages.</summary>
    public static class ReaderSteps
    {
        public static string Name(ReaderStep step)
        {
            switch (step)
            {
                case ReaderStep.None: return "none";
                case ReaderStep.Recovery: return "recovery";
                case ReaderStep.HealthCheck: return "health check";
                case ReaderStep.Select: return "select";
                case ReaderStep.PresenceCheck: return "presence check";
                case ReaderStep.Bus: return "bus";
                default: return "step " + ((int)step).ToString();
            }
        }
    }
}
