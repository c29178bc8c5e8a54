namespace LeoCarte.Terminal.Cashless
{
    /// <summary>
    /// What the terminal tells the vending machine about itself as MDB cashless device #1 (ICP/MDB 4.2 §7), and its
    /// session timeouts. Plain class, defaults usable as they are.
    /// </summary>
    public sealed class CashlessSettings
    {
        /// <summary>Highest feature level offered (1–3); the level in force is the lower of this and the VMC's.</summary>
        public int FeatureLevel = 3;

        /// <summary>Country/currency code, BCD with a leading 1 = ISO 4217 numeric: 0x1978 = euro (§7.4.1 Reader Config Data).</summary>
        public int CurrencyCode = 0x1978;

        /// <summary>Scale factor and decimal places: amount on the bus × scale = cents (1 and 2: the bus counts cents).</summary>
        public int ScaleFactor = 1;

        /// <summary>Decimal places of the currency (euro: 2).</summary>
        public int DecimalPlaces = 2;

        /// <summary>
        /// Application maximum response time (seconds, Reader Config Data Z7): how long the VMC waits for VEND
        /// APPROVED/DENIED before it gives up. Covers a journal write with margin; in always-idle mode it is also how
        /// long a student has to tap after choosing.
        /// </summary>
        public int MaxResponseSeconds = 10;

        /// <summary>A session with no VEND REQUEST for this long is ended by a SESSION CANCEL REQUEST (the student walked away).</summary>
        public int SessionTimeoutSeconds = 30;

        /// <summary>No POLL for this long means the machine stopped (power cut, reboot): a pending vend is voided, never charged.</summary>
        public int BusSilenceSeconds = 10;

        /// <summary>Offer the level-3 "always idle" option (the student chooses first, then taps).</summary>
        public bool OfferAlwaysIdle = true;

        /// <summary>Manufacturer code, 3 ASCII characters (EXPANSION REQUEST ID answer).</summary>
        public string ManufacturerCode = "LCT";

        /// <summary>Serial number, up to 12 ASCII characters (padded with spaces).</summary>
        public string SerialNumber = "000000000001";

        /// <summary>Model number, up to 12 ASCII characters.</summary>
        public string ModelNumber = "LEOCARTE-T1";

        /// <summary>Software version, 2 bytes BCD (0x0100 = 1.00).</summary>
        public int SoftwareVersion = 0x0100;

        /// <summary>Null when usable, otherwise a sentence.</summary>
        public string Validate()
        {
            if (FeatureLevel < 1 || FeatureLevel > 3)
            {
                return "mdb: feature level must be 1, 2 or 3";
            }

            if (ScaleFactor < 1 || ScaleFactor > 255 || DecimalPlaces < 0 || DecimalPlaces > 4)
            {
                return "mdb: scale factor must be 1..255 and decimal places 0..4";
            }

            if (MaxResponseSeconds < 1 || MaxResponseSeconds > 255 || SessionTimeoutSeconds < 5 || BusSilenceSeconds < 2)
            {
                return "mdb: response time 1..255 s, session timeout ≥ 5 s, bus silence ≥ 2 s";
            }

            if (ManufacturerCode == null || ManufacturerCode.Length != 3 || SerialNumber == null || SerialNumber.Length > 12 || ModelNumber == null || ModelNumber.Length > 12)
            {
                return "mdb: manufacturer code is 3 characters, serial and model at most 12";
            }

            return null;
        }
    }
}
