namespace LeoCarte.Drivers.Mfrc522
{
    /// <summary>The health watchdog: a cheap register check between exchanges and the recovery (hard or soft reset, re-initialisation) of a chip that stopped answering.</summary>
    public sealed partial class Mfrc522Chip
    {
        // ---------------------------------------------------------------- health watchdog

        /// <summary>
        /// One pipelined read of VersionReg, TxControlReg, TModeReg, Status2Reg and CommandReg. Detects a chip that
        /// stopped answering (version 0x00/0xFF), was reset behind the driver's back (TModeReg back to its reset
        /// value 0x00), lost its antenna bits (brown-out), or sits in power-down. A Crypto1 left on outside a MIFARE
        /// session (<paramref name="sessionOpen"/> false) is switched off here and counted, not treated as a fault.
        /// </summary>
        public ReaderResult CheckHealth(bool sessionOpen)
        {
            HealthChecks++;
            ReadRegisters(healthRegisters, healthRegisters.Length, healthValues);
            bool healthy = healthValues[0] == Version && ChipVersion.IsUsable(healthValues[0])
                && (healthValues[1] & AntennaBits) == AntennaBits
                && healthValues[2] == TModeValue
                && (healthValues[4] & PowerDown) == 0;
            if (!healthy)
            {
                if (healthValues[0] == Version && (healthValues[1] & AntennaBits) != AntennaBits
                    && (ReadRegister(Register.Error) & TempErr) != 0)
                {
                    // The drivers went off because the chip overheated (ErrorReg.TempErr, §9.3.1.7), not by a
                    // brown-out: counted so the heartbeat can say so. One extra read, on the fault path only.
                    Overheats++;
                }

                return ChipFault();
            }

            if (!sessionOpen && (healthValues[3] & MfCrypto1On) != 0)
            {
                Crypto1Cleared++;
                StopCrypto1();
            }

            return ReaderResult.Ok;
        }

        /// <summary>
        /// Brings a faulty chip back within one poll period: a probe of VersionReg first; a chip that answers gets a
        /// soft reset and full re-initialization; one that does not (MISO stuck at 00h/FFh), or that the soft reset
        /// did not repair, gets a hard reset through NRSTPD (§8.8.1: low > 100 ns, then oscillator start-up, §8.8.2)
        /// and initialization again. Every wait inside ends by <see cref="Mfrc522Options.RecoveryBudgetMilliseconds"/>
        /// after the call, so a dead chip costs a bounded time per attempt; spacing the attempts (backoff) is the
        /// caller's business (<c>CardReader</c>). Counts each step. The IRQ line's health is a wiring fact the
        /// driver has learnt: a reset of the chip does not make a dead line usable again, so it is kept.
        /// </summary>
        public ReaderResult Recover()
        {
            recoveries++;
            long deadline = pins.MonotonicMilliseconds + options.RecoveryBudgetMilliseconds;
            byte expected = Version;
            byte probe = ReadRegister(Register.Version);
            if (ChipVersion.IsUsable(probe))
            {
                SoftResets++;
                ReaderResult result = Initialize(deadline);
                if (result == ReaderResult.Ok && (expected == 0 || Version == expected))
                {
                    return ReaderResult.Ok;
                }
            }

            HardResets++;
            pins.SetResetHigh(false);
            pins.Delay(options.HardResetLowMilliseconds);
            pins.SetResetHigh(true);
            pins.Delay(options.OscillatorStartMilliseconds);
            return Initialize(deadline);
        }
    }
}
