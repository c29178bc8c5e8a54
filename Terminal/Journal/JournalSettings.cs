namespace LeoCarte.Terminal.Journal
{
    /// <summary>Outcome of a journal operation; failures are results, never exceptions escaping the journal.</summary>
    public enum JournalResult : byte
    {
        Ok = 0,

        /// <summary>Every slot holds a record the platform has not acknowledged: nothing is overwritten, the terminal must deny.</summary>
        Full = 1,

        /// <summary>The storage layer failed (I/O error, power loss); the operation did not take effect as far as the caller can rely on.</summary>
        StorageError = 2,

        /// <summary><see cref="TransactionJournal.Open"/> has not succeeded yet.</summary>
        NotOpen = 3,
    }

    /// <summary>Plain settings for the journal (the configuration file format lives with the app configuration).</summary>
    public sealed class JournalSettings
    {
        /// <summary>Flash file holding the header and the record ring.</summary>
        public string FileName = "journal";

        /// <summary>Flash file holding the acknowledged-up-to sequence (two CRC'd slots).</summary>
        public string AcknowledgedFileName = "journal.ack";

        /// <summary>
        /// Records the ring holds (unacknowledged records at most). 4096 × 64 B = 256 KB of flash, about a week of
        /// a busy till without any upload. Changing it takes effect at the next boot where every record is acknowledged.
        /// </summary>
        public int Capacity = 4096;

        /// <summary>Largest capacity a header may claim before it is treated as damaged.</summary>
        public const int MaxCapacity = 1 << 20;

        /// <summary>Null when usable, otherwise what is wrong (for the configuration validator).</summary>
        public string Validate()
        {
            if (FileName == null || FileName.Length == 0 || AcknowledgedFileName == null || AcknowledgedFileName.Length == 0)
            {
                return "journal file names must not be empty";
            }

            if (FileName == AcknowledgedFileName)
            {
                return "journal and acknowledgement files must differ";
            }

            if (Capacity < 1 || Capacity > MaxCapacity)
            {
                return "journal capacity must be between 1 and 1048576 records";
            }

            return null;
        }
    }
}
