using System.Globalization;
using System.Text;

namespace LeoCarte.Simulator
{
    /// <summary>
    /// Every parameter that turns simulated activity into modeled ESP32 time, in one place
    /// (shared/design/cost-model.md). All times are integer nanoseconds so runs are reproducible.
    /// Print it with the results (<see cref="ToString"/>) so every figure can be recomputed.
    /// </summary>
    public sealed class CostModel
    {
        /// <summary>SPI clock; MFRC522 maximum is 10 Mbit/s (datasheet §8.1.2).</summary>
        public long SpiClockHz { get; set; } = 10_000_000;

        /// <summary>Fixed cost of one SPI transfer on nanoFramework/ESP32 (managed→native call, chip select).</summary>
        public long TransferOverheadNs { get; set; } = 50_000;

        /// <summary>One bit at 106 kbit/s: 128/fc with fc = 13.56 MHz = 9.44 µs (ISO/IEC 14443-2).</summary>
        public long RfBitNs { get; set; } = 9_440;

        /// <summary>Frame delay time card answer after the reader's frame: 1236/fc ≈ 91 µs (ISO/IEC 14443-3 §6.2.1.1).</summary>
        public long FrameDelayNs { get; set; } = 91_000;

        /// <summary>Minimum gap between the end of a card frame and the next reader frame: 1172/fc ≈ 86 µs.</summary>
        public long ReaderGuardNs { get; set; } = 86_000;

        /// <summary>MIFARE Classic three-pass authentication (MFAuthent command) as a whole: ≈ 2 ms.</summary>
        public long ClassicAuthNs { get; set; } = 2_000_000;

        /// <summary>
        /// One read of the IRQ line through IReaderPins (a GPIO read is one managed→native call, 12–37 µs per
        /// cost-model.md); charged so that a driver spinning on the IRQ pin still advances the model clock.
        /// </summary>
        public long GpioReadNs { get; set; } = 25_000;

        /// <summary>
        /// SoftReset duration during which CommandReg.PowerDown reads 1. The datasheet gives no figure for the
        /// soft reset itself; we use the oscillator restart margin of §8.8.2 (37.74 µs). Choice, not datasheet.
        /// </summary>
        public long SoftResetNs { get; set; } = 37_740;

        /// <summary>
        /// Start-up after NRSTPD goes high (§8.8.2: crystal start-up + 37.74 µs). The crystal figure depends on the
        /// board; we assume 1 ms. During start-up SPI reads return 0x00 and writes are ignored.
        /// </summary>
        public long HardResetStartupNs { get; set; } = 1_037_740;

        /// <summary>Duration of the digital self-test (AutoTestReg = 09h + CalcCRC); not in the datasheet, assumed.</summary>
        public long SelfTestNs { get; set; } = 100_000;

        /// <summary>
        /// ESP32 time of one interpreted IL instruction (nanoFramework's nanoCLR interprets IL; there is no JIT).
        /// ASSUMPTION until measured on hardware, derived from the one published nanoFramework ESP32 loop timing we
        /// found: nanoframework/Home#1013 (firmware 1.8.0.6): <c>while (true) led.Toggle();</c> gives an 81 kHz
        /// square wave on ESP32_PSRAM_REV3 (this terminal's firmware), i.e. 162,000 loop iterations per second,
        /// 6.17 µs each. A Release build of that loop is 3 IL instructions (ldloc, callvirt of the native Toggle,
        /// br), so 6.17 µs / 3 = 2.06 µs per instruction. Upper bound: the whole native GPIO call is counted as one
        /// instruction; plain arithmetic and field access cost less. (ESP32_REV3 firmware: 27 kHz, 6.2 µs.)
        /// Counts come from Tools/InterpreterBenchmark (clr-opcount); a device measurement replaces this figure.
        /// </summary>
        public long IlInstructionNs { get; set; } = 2_057;

        /// <summary>
        /// IL instructions the ESP32 interprets for one approved 7-byte tap, from the loop iteration that sees the
        /// card to the journaled decision shown (driver, lookup, decision, counters, journal; the card's parking after
        /// the decision, CardReader.ParkCard, is not part of it: ≈ 300 IL, printed apart by --tap), that add to the modeled
        /// time: the replayed chip's own IL and the driver's spinning on the IRQ line (which overlaps the chip and RF
        /// wait the model already charges) excluded. Measured by <c>dotnet run --project Tools/InterpreterBenchmark</c> with clr-opcount. The
        /// virtual terminal cannot run the interpreter, so it adds this figure; <c>.ci/nano-app.sh</c> re-measures it
        /// and fails when it drifts by more than 5 %.
        /// </summary>
        public const long TapIlInstructions = 9_361;

        /// <summary>Interpretation time of <paramref name="ilInstructions"/> at <see cref="IlInstructionNs"/>.</summary>
        public long InterpretationNs(long ilInstructions) => ilInstructions * IlInstructionNs;

        /// <summary>One line stating the interpreter parameter and its source (printed with every figure that uses it).</summary>
        public string InterpreterAssumption() =>
            "ASSUMPTION (not yet measured on hardware): " + Us(IlInstructionNs) + " µs per interpreted IL instruction on the ESP32 — upper bound from "
            + "nanoframework/Home#1013: `while (true) led.Toggle();` = 3 IL instructions per iteration, 81 kHz square wave on ESP32_PSRAM_REV3 "
            + "= 6.17 µs per iteration (the native GPIO call counted as one instruction)";

        /// <summary>
        /// Zero-time RF (frames, frame delays, authentication): every card answer is there at the next register
        /// read. This reproduces the "register stub that answers every poll on the first read" used for the
        /// reference driver figures in shared/design/reader-facts.md, so counts can be compared with that table.
        /// SPI costs stay as in the default model.
        /// </summary>
        public static CostModel InstantRf() => new CostModel { RfBitNs = 0, FrameDelayNs = 0, ReaderGuardNs = 0, ClassicAuthNs = 0, SelfTestNs = 0 };

        /// <summary>SPI time for one transfer of <paramref name="bytes"/> bytes, overhead included.</summary>
        public long SpiTransferNs(int bytes) => TransferOverheadNs + bytes * 8L * 1_000_000_000L / SpiClockHz;

        /// <summary>Air time of a frame of <paramref name="rawBits"/> bits (data + parity) plus start and end: ISO/IEC 14443-3 §6.1.</summary>
        public long RfFrameNs(int rawBits) => (rawBits + 2) * RfBitNs;

        /// <summary>
        /// The same at 106 × 2^<paramref name="divisorIndex"/> kbit/s (after PPS, ISO/IEC 14443-4 §5.6): one bit lasts
        /// 128/(D·fc) (ISO/IEC 14443-2 §7.1: etu = 128/(D × fc), D = 1, 2, 4, 8), and the frame keeps its start bit,
        /// parity bits and end (14443-3 §6.1 for the higher rates of type A). Not in shared/design/cost-model.md, which
        /// gives the 106 kbit/s figure only; the frame delay times are kept at their 106 kbit/s values (an upper bound:
        /// 14443-3 §6.2.1.1 shortens them at the higher rates).
        /// </summary>
        public long RfFrameNs(int rawBits, int divisorIndex) => (rawBits + 2) * RfBitNsAt(divisorIndex);

        /// <summary>One bit at 106 × 2^<paramref name="divisorIndex"/> kbit/s: 9.44 µs, 4.72, 2.36, 1.18.</summary>
        public long RfBitNsAt(int divisorIndex) => RfBitNs >> divisorIndex;

        /// <inheritdoc />
        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.Append("CostModel: SPI ").Append(SpiClockHz / 1_000_000.0).Append(" MHz (")
              .Append(Us(1_000_000_000L / SpiClockHz)).Append(" µs/bit), ")
              .Append(Us(TransferOverheadNs)).Append(" µs per transfer; RF ")
              .Append(Us(RfBitNs)).Append(" µs/bit at 106 kbit/s, ÷2/÷4/÷8 at 212/424/848 after PPS (1 start + 9 bits/byte + end, short frame 7 bits); FDT ")
              .Append(Us(FrameDelayNs)).Append(" µs, reader guard ").Append(Us(ReaderGuardNs))
              .Append(" µs; Classic auth ").Append(Us(ClassicAuthNs)).Append(" µs; GPIO read ")
              .Append(Us(GpioReadNs)).Append(" µs");
            return sb.ToString();
        }

        internal static string Us(long ns) => (ns / 1000.0).ToString("0.##", CultureInfo.InvariantCulture);
    }
}
