namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>
    /// Tunables of the MFRC522 driver, fixed at construction. The defaults suit an RC522 module on an ESP32
    /// (hardware/README.md); every time is expressed in chip-timer ticks of <see cref="TimerTickMicroseconds"/>.
    /// </summary>
    public sealed class Mfrc522Options
    {
        /// <summary>
        /// One chip-timer tick. TPrescaler = 0x153 (339) gives f_timer = 13.56 MHz / (2 × 339 + 1) = 19.97 kHz
        /// (datasheet §8.5), so the reload value fits one byte up to 12.7 ms and only TReloadLowReg ever changes.
        /// </summary>
        public const int TimerTickMicroseconds = 50;

        /// <summary>Timeout for anticollision-phase exchanges and MIFARE reads: 1 ms. ISO/IEC 14443-3 §6.2.1.1
        /// puts the card's answer ~91 µs after the reader's frame, and the timer stops at the answer's first bits
        /// (TAuto, datasheet §8.5), so 1 ms is ample; an empty-field poll waits only this long.</summary>
        public int ShortTimeoutTicks = 20;

        /// <summary>Timeout for RATS (activation frame waiting time 65536/fc ≈ 4.8 ms, ISO/IEC 14443-4 §5.7) and
        /// MIFARE Classic authentication: 5 ms.</summary>
        public int MediumTimeoutTicks = 100;

        /// <summary>Timeout for the second half of a MIFARE Classic WRITE, while the card programs its EEPROM: 10 ms.</summary>
        public int LongTimeoutTicks = 200;

        /// <summary>Receiver gain, RFCfgReg RxGain[2:0] (datasheet §9.3.3.6): 0..7 = 18, 23, 18, 23, 33, 38, 43, 48 dB.
        /// 4 (33 dB) is the reset value; raise it for small antennas or thick enclosures.</summary>
        public int ReceiverGain = 4;

        /// <summary>Wait on the IRQ line (a GPIO read, no SPI traffic) instead of polling ComIrqReg over SPI.</summary>
        public bool UseIrqPin = true;

        /// <summary>Safety bound on ComIrqReg reads while waiting for one command (the chip timer normally ends the
        /// wait long before).</summary>
        public int MaxStatusReads = 64;

        /// <summary>Safety bound on IRQ-line reads between two status reads.</summary>
        public int MaxIrqLineReads = 4000;

        /// <summary>Wall-clock margin beyond the chip timer before a wait is declared a chip fault (ms).</summary>
        public int WaitMarginMilliseconds = 5;

        /// <summary>Hard reset: NRSTPD low time (datasheet §8.8.1 asks > 100 ns) and oscillator start-up time after it
        /// goes high (§8.8.2: crystal start-up + 37.74 µs); milliseconds. The initialization that follows polls
        /// CommandReg until the chip runs (within the recovery budget), so a slow crystal costs time, not a failure.</summary>
        public int HardResetLowMilliseconds = 1;
        public int OscillatorStartMilliseconds = 2;

        /// <summary>Soft reset: at most this many 1 ms waits for CommandReg.PowerDown to clear (datasheet §10.3.1.10).</summary>
        public int SoftResetMaxWaits = 10;

        /// <summary>Longest time one <see cref="Mfrc522Chip.Recover"/> may wait in total (resets, oscillator start-up,
        /// soft-reset completion), ms. With a dead chip every wait runs to its bound, so this keeps a recovery attempt,
        /// and the poll that makes it, inside the tap loop's 20 ms period.</summary>
        public int RecoveryBudgetMilliseconds = 12;

        /// <summary>Run the health check every this many polls of the card reader (it costs one SPI transfer).</summary>
        public int HealthCheckEveryPolls = 50;

        /// <summary>Consecutive chip faults after which the watchdog resets the chip.</summary>
        public int FaultsBeforeRecovery = 1;
    }
}
