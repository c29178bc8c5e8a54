using System;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;

namespace LeoCarte.NanoApp
{
    /// <summary>
    /// The desfire-aes tap the interpreter benchmark records on .NET and replays on nanoCLR, driver included, as the terminal
    /// runs it (<see cref="CardReaderOptions.KeepIso14443_4CardActive"/>): the Poll that reports NewCard (7-byte UID) and
    /// leaves the card ACTIVE, the card key diversified from the site master key (AN10922), the ISO 14443-4 session (RATS,
    /// PPS to 424 kbit/s), SelectApplication, AuthenticateEV2First, ReadData of the 16-byte holder file with its MAC; then,
    /// after the decision, <see cref="CardReader.ParkCard"/> (S(DESELECT), back to 106 kbit/s). The same code runs on both
    /// sides, so the replay follows the recording.
    /// </summary>
    public static class DesfireScenario
    {
        public static readonly byte[] Uid = { 0x04, 0x51, 0x2C, 0x7A, 0x9B, 0x3D, 0x80 };
        public static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };
        public static readonly byte[] MasterKey = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };
        public static readonly byte[] SystemId = { 0x4C, 0x65, 0x6F, 0x43, 0x61, 0x72, 0x74, 0x65 }; // "LeoCarte"
        public static readonly byte[] RandomA = { 0xB9, 0x8F, 0x4C, 0x50, 0xCF, 0x1C, 0x2E, 0x08, 0x4F, 0xD1, 0x50, 0xE3, 0x39, 0x92, 0xB0, 0x48 };
        public const int KeyNumber = 1;
        public const int FileNumber = 1;
        public const int FileLength = 16;

        /// <summary>Phases of the tap, in order (the benchmark stops after each to attribute the IL).</summary>
        public const int PhasePoll = 1, PhaseDiversify = 2, PhaseOpenSession = 3, PhaseSelectApplication = 4, PhaseAuthenticate = 5, PhaseReadData = 6, PhaseClose = 7;

        /// <summary>Number of phases: <see cref="Tap"/> with this many runs the whole tap.</summary>
        public const int PhaseCount = 7;

        /// <summary>Phases up to the decision: the last one (<see cref="PhaseClose"/>) comes after it, the student does not wait for it.</summary>
        public const int PhasesToDecision = 6;

        /// <summary>The reader's options as the terminal application sets them (the card kept ACTIVE for its session).</summary>
        public static CardReaderOptions ReaderOptions()
        {
            var options = new CardReaderOptions();
            options.KeepIso14443_4CardActive = true;
            return options;
        }

        /// <summary>Names of the phases, index = phase - 1.</summary>
        public static readonly string[] PhaseNames =
        {
            "Poll -> NewCard, card kept ACTIVE (no HLTA)",
            "AN10922 key diversification (CMAC)",
            "session: RATS, PPS to 424 kbit/s",
            "SelectApplication",
            "AuthenticateEV2First (2 exchanges)",
            "ReadData 16 B with MAC",
            "ParkCard: S(DESELECT), back to 106 kbit/s",
        };

        /// <summary>The card tapped before the measured one (same site master key).</summary>
        public static readonly byte[] PreviousUid = { 0x04, 0x1E, 0x63, 0x0A, 0x52, 0x7C, 0x80 };

        /// <summary>
        /// The terminal's state before the measured tap: the previous card's key diversified with the same master key,
        /// so the master key's CMAC subkeys are set up (KeyDiversification caches them per master key; the first tap
        /// after boot or a key change pays one AES block and two doublings more: Tools/DesfireOpCount prints both).
        /// Run before the measured phases, on .NET and nanoCLR alike.
        /// </summary>
        public static void PreviousTap(KeyDiversification diversification, byte[] key)
        {
            diversification.Diversify(MasterKey, 0, PreviousUid, PreviousUid.Length, SiteAid, 0, SystemId, SystemId.Length, key, 0);
            Array.Clear(key, 0, key.Length);
        }

        /// <summary>The tap; Ok when the file was read with its MAC verified. Stops after <paramref name="phases"/>
        /// phases (<see cref="PhaseCount"/>: the whole tap); <paramref name="marks"/> (may be null) hears the end of each.</summary>
        public static ReaderResult Tap(CardReader reader, KeyDiversification diversification, CardReadResult read, AtsInfo ats, byte[] key, byte[] holder,
            int phases, IPhaseMarks marks)
        {
            if (reader.Poll(read) != CardEvent.NewCard)
            {
                return ReaderResult.Timeout;
            }

            if (Done(PhasePoll, phases, marks))
            {
                return ReaderResult.Ok;
            }

            if (!diversification.Diversify(MasterKey, 0, read.Uid, read.UidLength, SiteAid, 0, SystemId, SystemId.Length, key, 0))
            {
                return ReaderResult.InvalidArgument;
            }

            if (Done(PhaseDiversify, phases, marks))
            {
                return ReaderResult.Ok;
            }

            ReaderResult result = reader.OpenCardSession(ats);
            if (result != ReaderResult.Ok || Done(PhaseOpenSession, phases, marks))
            {
                return result;
            }

            result = reader.Desfire.SelectApplication(SiteAid, 0);
            if (result != ReaderResult.Ok || Done(PhaseSelectApplication, phases, marks))
            {
                return result;
            }

            result = reader.Desfire.Authenticate(KeyNumber, key, 0, RandomA, 0);
            if (result != ReaderResult.Ok || Done(PhaseAuthenticate, phases, marks))
            {
                return result;
            }

            result = reader.Desfire.ReadDataMac(FileNumber, 0, FileLength, holder, 0);
            if (result != ReaderResult.Ok || Done(PhaseReadData, phases, marks))
            {
                return result;
            }

            // The decision is made, journaled and shown here; then the tap loop parks the card (TerminalApplication.Step).
            reader.ParkCard();
            Done(PhaseClose, phases, marks);
            return result;
        }

        private static bool Done(int phase, int phases, IPhaseMarks marks)
        {
            if (marks != null)
            {
                marks.PhaseEnded(phase);
            }

            return phase >= phases;
        }
    }

    /// <summary>Told the end of each phase of the tap (the host recording keeps the transfer counts there).</summary>
    public interface IPhaseMarks
    {
        void PhaseEnded(int phase);
    }

    /// <summary>
    /// The originality comparison a tap adds under policy uid for an entry with a digest (Terminal/App/SiteCardPolicy):
    /// after the Poll that reports NewCard and keeps the card ACTIVE (<see cref="DesfireScenario.ReaderOptions"/>), an ISO 14443-4
    /// session (RATS, PPS), Read_Sig (56 bytes), to the decision; the session is closed after it (<see cref="CardReader.ParkCard"/>:
    /// S(DESELECT) where a tap without a digest gets its HLTA), not part of what the student waits for. The digest itself is
    /// one native HMAC-SHA256 call on the device (Tools/EcdsaOpCount measures the IL around it). <c>pollOnly</c>: stop after
    /// the Poll (the baseline the comparison adds to).
    /// </summary>
    public static class OriginalityScenario
    {
        public static ReaderResult Tap(CardReader reader, CardReadResult read, AtsInfo ats, byte[] signature, bool pollOnly)
        {
            if (reader.Poll(read) != CardEvent.NewCard)
            {
                return ReaderResult.Timeout;
            }

            if (pollOnly)
            {
                return ReaderResult.Ok;
            }

            ReaderResult result = reader.OpenCardSession(ats);
            if (result == ReaderResult.Ok)
            {
                result = reader.Desfire.ReadSignature(signature, 0);
            }

            return result;
        }
    }

    /// <summary>
    /// What the device's NativeAesBlockCipher does in IL around the native call (copy the block in, copy the result out
    /// and clear it): the AES itself runs natively on the ESP32 (mbedTLS), outside the interpreter.
    /// </summary>
    public sealed class NativeAesStandIn : IBlockCipher
    {
        private readonly byte[] key = new byte[16];
        private readonly byte[] block = new byte[16];
        private readonly byte[] result = new byte[16];
        private readonly byte[] twoBlocks = new byte[32];
        private readonly byte[] twoResult = new byte[32];
        private readonly byte[] iv = new byte[16];

        // The same statements as Drivers/Device/NativeAesBlockCipher.cs, the native Aes.Encrypt/Decrypt call (which
        // returns a new 16-byte array) replaced by the reused result array.
        public void SetKey(byte[] source, int offset)
        {
            Array.Copy(source, offset, key, 0, 16);
        }

        public void Encrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) => Copy(input, inputOffset, output, outputOffset);

        public void Decrypt(byte[] input, int inputOffset, byte[] output, int outputOffset) => Copy(input, inputOffset, output, outputOffset);

        private void Copy(byte[] input, int inputOffset, byte[] output, int outputOffset)
        {
            Array.Copy(input, inputOffset, block, 0, 16);
            Array.Copy(result, 0, output, outputOffset, 16);
            Array.Clear(result, 0, 16);
        }

        // The adapter's CBC calls: IV and input staged, the native Aes(CipherMode.CBC).Encrypt/Decrypt (a new array of
        // the input's length) replaced by a reused result array of the same length, copied out and cleared.
        public void EncryptCbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            byte[] staged = Stage(chainStart, input, inputOffset, length);
            byte[] cbcResult = ResultOf(staged);
            Array.Copy(cbcResult, 0, output, outputOffset, length);
            Array.Clear(cbcResult, 0, length);
        }

        public void DecryptCbc(byte[] chainStart, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
        {
            byte[] staged = Stage(chainStart, input, inputOffset, length);
            byte[] cbcResult = ResultOf(staged);
            Array.Copy(cbcResult, 0, output, outputOffset, length);
            Array.Clear(cbcResult, 0, length);
        }

        private byte[] Stage(byte[] chainStart, byte[] input, int inputOffset, int length)
        {
            Array.Copy(chainStart, 0, iv, 0, 16);
            byte[] staged = length == 16 ? block : length == 32 ? twoBlocks : new byte[length];
            Array.Copy(input, inputOffset, staged, 0, length);
            return staged;
        }

        /// <summary>Stands for the native call (one argument, returns the result array): no interpreted work of its own.</summary>
        private byte[] ResultOf(byte[] staged) => staged.Length == 16 ? result : staged.Length == 32 ? twoResult : new byte[staged.Length];
    }
}
