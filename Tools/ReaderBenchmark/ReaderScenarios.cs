using System;
using System.Collections.Generic;
using Iot.Device.Card.Mifare;
using Iot.Device.Mfrc522;
using Iot.Device.Rfid;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Simulator;
using LeoCarte.Simulator.Cards;

namespace LeoCarte.Tools.ReaderBenchmark
{
    /// <summary>One measured row: what one operation cost on the simulator.</summary>
    public sealed class ScenarioCost
    {
        public string Driver = "";
        public string Scenario = "";
        public bool Succeeded;
        public long Transfers;
        public long Bytes;
        public long ModeledNs;
        public long SpiNs;
        public long RfAirNs;
        public long GpioReads;

        /// <summary>Managed bytes allocated by the driver for the operation after warm-up (record/replay), -1 if not measured.</summary>
        public long AllocatedBytes = -1;
        public string Note = "";
    }

    /// <summary>
    /// The benchmark scenarios of issue 3, run on a fresh <see cref="Mfrc522Simulator"/> each: (a) a poll of an empty
    /// field, (b)/(c) detect + select of a 4-/7-byte UID, (d) detect + select + authenticate + read one block of a
    /// 4-byte MIFARE Classic 1K. Each operation runs three times (field emptied and one empty poll in between, so
    /// every iteration starts from the steady state of a polling terminal); the third is reported. Our driver's
    /// allocations are measured by replaying the recorded run through a non-allocating bus (the simulator's own
    /// allocations are thus excluded).
    /// </summary>
    public static class ReaderScenarios
    {
        public static readonly byte[] Uid4 = { 0xA1, 0xB2, 0xC3, 0xD4 };
        public static readonly byte[] Uid7 = { 0x04, 0x51, 0x2C, 0x7A, 0x9B, 0x3D, 0x80 };
        public const int Block = 4;
        public const int Iterations = 3;

        // ------------------------------------------------------------------ ours

        private sealed class Ours
        {
            public readonly Mfrc522Chip Chip;
            public readonly Iso14443TypeA Picc;
            public readonly MifareClassic Classic;
            public readonly CardReader Reader;
            public readonly CardIdentity Card = new CardIdentity();
            public readonly CardReadResult Result = new CardReadResult();
            public readonly byte[] Data = new byte[16];
            public readonly AtsInfo Ats = new AtsInfo();
            public readonly byte[] RandomA = new byte[16];

            public Ours(IRegisterBus bus, IReaderPins pins)
            {
                Reader = new CardReader(bus, pins, new Mfrc522Options { UseIrqPin = UseIrqLine }, new CardReaderOptions());
                Chip = Reader.Chip;
                Picc = Reader.Picc;
                Classic = Reader.Classic;
            }
        }

        private delegate bool OursOperation(Ours ours);

        /// <summary>Whether our driver waits on the IRQ line (default) or polls ComIrqReg (a board without the IRQ wire).</summary>
        [ThreadStatic]
        private static bool noIrqLine;

        /// <summary>Whether the simulator runs with <see cref="CostModel.InstantRf"/> (answers at the next register read,
        /// the conditions of the reference figures in shared/design/reader-facts.md).</summary>
        [ThreadStatic]
        private static bool instantRf;

        private static bool UseIrqLine => !noIrqLine;

        private static string OursName => (noIrqLine ? "ours, no IRQ line" : "ours") + (instantRf ? ", instant RF" : "");

        private static string BindingName => "IoT binding 4.2.0" + (instantRf ? ", instant RF" : "");

        private static Mfrc522Simulator NewSimulator() => new Mfrc522Simulator(0x92, 1, instantRf ? CostModel.InstantRf() : null);

        /// <summary>Runs <paramref name="scenario"/> on a simulator whose RF takes no time.</summary>
        public static ScenarioCost WithInstantRf(Func<ScenarioCost> scenario)
        {
            instantRf = true;
            try
            {
                return scenario();
            }
            finally
            {
                instantRf = false;
            }
        }

        /// <summary>Runs <paramref name="scenario"/> with our driver polling ComIrqReg instead of waiting on the IRQ line.</summary>
        public static ScenarioCost WithoutIrqLine(Func<ScenarioCost> scenario)
        {
            noIrqLine = true;
            try
            {
                return scenario();
            }
            finally
            {
                noIrqLine = false;
            }
        }

        /// <summary>(a) CardReader.Poll of an empty field (a poll without the periodic health check).</summary>
        public static ScenarioCost OursEmptyPoll() =>
            MeasureOurs("(a) poll, empty field", null, o => o.Reader.Poll(o.Result) == CardEvent.NoCard);

        /// <summary>(a') average of 100 empty polls, periodic health check included.</summary>
        public static ScenarioCost OursEmptyPollAverage()
        {
            const int polls = 100;
            var sim = NewSimulator();
            var recording = new RecordingBus(sim, sim);
            var ours = new Ours(recording, recording);
            ours.Reader.Start();
            for (int i = 0; i < polls; i++)
            {
                ours.Reader.Poll(ours.Result);
            }

            var before = sim.Costs.Snapshot();
            bool ok = true;
            for (int i = 0; i < polls; i++)
            {
                ok &= ours.Reader.Poll(ours.Result) == CardEvent.NoCard;
            }

            var cost = Delta("ours", "(a') empty poll, mean of 100 (health check every 50)", ok, before, sim.Costs.Snapshot(), polls);

            var replay = new ReplayBus(recording);
            var again = new Ours(replay, replay);
            again.Reader.Start();
            for (int i = 0; i < polls; i++)
            {
                again.Reader.Poll(again.Result);
            }

            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < polls; i++)
            {
                again.Reader.Poll(again.Result);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
            cost.AllocatedBytes = replay.Mismatches == 0 && !replay.Exhausted ? allocated / polls : -1;
            return cost;
        }

        public static ScenarioCost OursDetectSelect(byte[] uid) =>
            MeasureOurs(uid.Length == 4 ? "(b) detect + select, 4-byte UID" : "(c) detect + select, 7-byte UID",
                sim => AddCard(sim, uid),
                o => o.Picc.RequestA(o.Card) == ReaderResult.Ok && o.Picc.Select(o.Card) == ReaderResult.Ok && o.Card.UidLength == uid.Length);

        public static ScenarioCost OursDetectSelectAuthRead() =>
            MeasureOurs("(d) detect + select + auth + read block, 4-byte",
                sim => AddCard(sim, Uid4),
                o => o.Picc.RequestA(o.Card) == ReaderResult.Ok && o.Picc.Select(o.Card) == ReaderResult.Ok
                    && o.Classic.Authenticate(MifareKeyType.KeyA, Block, ClassicCard.TransportKey, 0, o.Card) == ReaderResult.Ok
                    && o.Classic.ReadBlock(Block, o.Data, 0) == ReaderResult.Ok,
                o => { o.Picc.Halt(); o.Classic.EndSession(); });

        /// <summary>The terminal's real tap: one CardReader.Poll that reports NewCard (detect, select, HLTA).</summary>
        public static ScenarioCost OursPollNewCard(byte[] uid) =>
            MeasureOurs("(e) CardReader.Poll -> NewCard, " + uid.Length + "-byte (incl. HLTA)",
                sim => AddCard(sim, uid),
                o => o.Reader.Poll(o.Result) == CardEvent.NewCard,
                o => { });

        /// <summary>A poll while the card rests on the reader (WUPA, select by UID, HLTA).</summary>
        public static ScenarioCost OursPollResting(byte[] uid) =>
            MeasureOurs("(f) CardReader.Poll -> SameCardStillPresent, " + uid.Length + "-byte",
                sim => AddCard(sim, uid),
                o => o.Reader.Poll(o.Result) == CardEvent.SameCardStillPresent,
                o => { },
                o => o.Reader.Poll(o.Result) == CardEvent.NewCard);

        /// <summary>The site application of the desfire-aes policy on the benchmark card: AID, key 1 diversified (AN10922).</summary>
        public static readonly byte[] SiteAid = { 0x01, 0x43, 0x4C };
        public static readonly byte[] SiteMasterKey = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };
        public static readonly byte[] SiteSystemId = { 0x4C, 0x65, 0x6F, 0x43, 0x61, 0x72, 0x74, 0x65 };

        public static byte[] DiversifiedKey(byte[] uid)
        {
            var key = new byte[16];
            new KeyDiversification(new Aes128()).Diversify(SiteMasterKey, 0, uid, uid.Length, SiteAid, 0, SiteSystemId, SiteSystemId.Length, key, 0);
            return key;
        }

        private static void AddPersonalisedDesfire(Mfrc522Simulator sim, byte[] uid)
        {
            var card = VirtualCard.Desfire(uid);
            var app = card.AddApplication(SiteAid);
            app.Keys[1] = DiversifiedKey(uid);
            app.Files[1] = new DesfireCard.DataFile { Data = new byte[16], CommMode = 1, ReadKey = 1 };
            sim.Field.Add(card);
        }

        /// <summary>
        /// (g) A desfire-aes tap: the Poll that reports NewCard, then WUPA + SELECT + RATS, SelectApplication,
        /// AuthenticateEV2First with the card's diversified key, ReadData of the 16-byte holder file with its MAC
        /// verified, S(DESELECT). The key is diversified before the operation (the terminal does it once per tap).
        /// </summary>
        public static ScenarioCost OursDesfireAesTap()
        {
            byte[] key = DiversifiedKey(Uid7);
            return MeasureOurs("(g) desfire-aes tap: Poll -> NewCard + auth EV2 + ReadData 16 B (MAC) + DESELECT, 7-byte",
                sim => AddPersonalisedDesfire(sim, Uid7),
                o =>
                {
                    bool ok = o.Reader.Poll(o.Result) == CardEvent.NewCard
                        && o.Reader.OpenCardSession(o.Ats) == ReaderResult.Ok
                        && o.Reader.Desfire.SelectApplication(SiteAid, 0) == ReaderResult.Ok
                        && o.Reader.Desfire.AuthenticateEv2First(1, key, 0, o.RandomA, 0) == ReaderResult.Ok
                        && o.Reader.Desfire.ReadDataMac(1, 0, 16, o.Data, 0) == ReaderResult.Ok;
                    o.Reader.CloseCardSession();
                    return ok;
                },
                o => { });
        }

        private static void AddCard(Mfrc522Simulator sim, byte[] uid)
        {
            if (uid.Length == 7)
            {
                sim.Field.Add(VirtualCard.Desfire(uid));
            }
            else
            {
                sim.Field.Add(VirtualCard.Classic1K(uid));
            }
        }

        private static ScenarioCost MeasureOurs(string name, Action<Mfrc522Simulator> addCards, OursOperation operation,
            Action<Ours> after = null, OursOperation before = null)
        {
            var sim = NewSimulator();
            var recording = new RecordingBus(sim, sim);
            var ours = new Ours(recording, recording);
            ours.Reader.Start();
            ScenarioCost cost = null;
            for (int i = 0; i < Iterations; i++)
            {
                sim.Field.Clear();
                ours.Reader.Poll(ours.Result);
                ours.Reader.Poll(ours.Result);
                ours.Reader.Poll(ours.Result);
                addCards?.Invoke(sim);
                if (before != null)
                {
                    before(ours);
                }

                var start = sim.Costs.Snapshot();
                bool ok = operation(ours);
                cost = Delta(OursName, name, ok, start, sim.Costs.Snapshot(), 1);
                after?.Invoke(ours);
            }

            // Replay the identical run through a non-allocating bus; measure the last iteration's operation.
            var replay = new ReplayBus(recording);
            var again = new Ours(replay, replay);
            again.Reader.Start();
            long allocated = 0;
            for (int i = 0; i < Iterations; i++)
            {
                again.Reader.Poll(again.Result);
                again.Reader.Poll(again.Result);
                again.Reader.Poll(again.Result);
                if (before != null)
                {
                    before(again);
                }

                long start = GC.GetAllocatedBytesForCurrentThread();
                operation(again);
                allocated = GC.GetAllocatedBytesForCurrentThread() - start;
                after?.Invoke(again);
            }

            cost.AllocatedBytes = replay.Mismatches == 0 && !replay.Exhausted ? allocated : -1;
            return cost;
        }

        // ------------------------------------------------------------------ the .NET IoT binding

        private delegate bool BindingOperation(MfRc522 reader, ref Data106kbpsTypeA card);

        public static ScenarioCost BindingEmptyPoll() =>
            MeasureBinding("(a) poll, empty field", null, (MfRc522 r, ref Data106kbpsTypeA c) => !r.IsCardPresent(new byte[2], false));

        public static ScenarioCost BindingDetectSelect(byte[] uid) =>
            MeasureBinding(uid.Length == 4 ? "(b) detect + select, 4-byte UID" : "(c) detect + select, 7-byte UID",
                sim => AddCard(sim, uid),
                (MfRc522 r, ref Data106kbpsTypeA c) => r.ListenToCardIso14443TypeA(out c, TimeSpan.FromMilliseconds(200)) && c.NfcId.Length == uid.Length);

        public static ScenarioCost BindingDetectSelectAuthRead() =>
            MeasureBinding("(d) detect + select + auth + read block, 4-byte",
                sim => AddCard(sim, Uid4),
                (MfRc522 r, ref Data106kbpsTypeA c) =>
                {
                    if (!r.ListenToCardIso14443TypeA(out c, TimeSpan.FromMilliseconds(200)))
                    {
                        return false;
                    }

                    var mifare = new MifareCard(r, c.TargetNumber)
                    {
                        BlockNumber = Block,
                        Command = MifareCardCommand.AuthenticationA,
                        KeyA = ClassicCard.TransportKey,
                        SerialNumber = c.NfcId,
                    };
                    if (mifare.RunMifareCardCommand() < 0)
                    {
                        return false;
                    }

                    mifare.Command = MifareCardCommand.Read16Bytes;
                    return mifare.RunMifareCardCommand() >= 0 && mifare.Data != null && mifare.Data.Length == 16;
                });

        private static ScenarioCost MeasureBinding(string name, Action<Mfrc522Simulator> addCards, BindingOperation operation)
        {
            // The binding ends an unanswered wait on host wall-clock time, so an empty poll is not reproducible; the
            // card scenarios therefore start right after the card enters the field (no empty poll in between).
            bool emptyPollScenario = addCards == null;
            var sim = NewSimulator();
            var recording = new RecordingBus(sim, sim);
            var reader = new MfRc522(new BusSpiDevice(recording), -1, null, false);
            ScenarioCost cost = null;
            Data106kbpsTypeA card = null;
            for (int i = 0; i < Iterations; i++)
            {
                sim.Field.Clear();
                if (!emptyPollScenario)
                {
                    addCards(sim);
                }

                var start = sim.Costs.Snapshot();
                bool ok = false;
                try
                {
                    ok = operation(reader, ref card);
                }
                catch (Exception e)
                {
                    ok = false;
                    name += " [threw " + e.GetType().Name + "]";
                }

                cost = Delta(BindingName, name, ok, start, sim.Costs.Snapshot(), 1);

                // No HLTA between iterations: the binding waits for HLTA's (absent) answer on wall-clock time, which
                // would make the run irreproducible; taking the card out of the field resets it just as well.
            }

            // Allocation of the binding itself, measured the same way (it reads the clock to end its waits, so a
            // replay may diverge: then the figure is reported as not measured).
            var replay = new ReplayBus(recording);
            var again = new MfRc522(new BusSpiDevice(replay), -1, null, false);
            long allocated = 0;
            for (int i = 0; i < Iterations; i++)
            {
                long start = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    operation(again, ref card);
                }
                catch (Exception)
                {
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - start;
            }

            cost.AllocatedBytes = replay.Mismatches == 0 && !replay.Exhausted ? allocated : -1;
            if (emptyPollScenario)
            {
                cost.Note = "the binding leaves TModeReg.TAuto off, so the chip timer never ends the wait: it polls ComIrqReg "
                    + "until its own software limit of host wall-clock time; the simulator's model clock advances "
                    + "~51.6 µs per transfer meanwhile, hence the transfer count (on a device, ~36 ms / 51.6 µs ≈ 700 "
                    + "transfers per empty poll)";
            }

            if (cost.AllocatedBytes < 0)
            {
                cost.Note += (cost.Note.Length > 0 ? "; " : "") + "replay diverged (" + replay.Mismatches + " transfers differ): allocation not measured";
            }

            return cost;
        }

        // ------------------------------------------------------------------ shared

        private static ScenarioCost Delta(string driver, string scenario, bool ok, CostSnapshot before, CostSnapshot after, int divisor)
        {
            return new ScenarioCost
            {
                Driver = driver,
                Scenario = scenario,
                Succeeded = ok,
                Transfers = (after.Transfers - before.Transfers) / divisor,
                Bytes = (after.Bytes - before.Bytes) / divisor,
                ModeledNs = (after.ElapsedNs - before.ElapsedNs) / divisor,
                SpiNs = (after.SpiNs - before.SpiNs) / divisor,
                RfAirNs = (after.RfAirNs - before.RfAirNs) / divisor,
                GpioReads = (after.GpioReads - before.GpioReads) / divisor,
            };
        }

        /// <summary>Every row of the table, ours and the binding's interleaved per scenario.</summary>
        public static List<ScenarioCost> All()
        {
            return new List<ScenarioCost>
            {
                OursEmptyPoll(), BindingEmptyPoll(),
                OursDetectSelect(Uid4), BindingDetectSelect(Uid4),
                OursDetectSelect(Uid7), BindingDetectSelect(Uid7),
                OursDetectSelectAuthRead(), BindingDetectSelectAuthRead(),
                OursEmptyPollAverage(),
                OursPollNewCard(Uid4), OursPollNewCard(Uid7),
                OursPollResting(Uid7),
                OursDesfireAesTap(),
                WithoutIrqLine(OursEmptyPoll),
                WithoutIrqLine(() => OursDetectSelect(Uid7)),
                WithoutIrqLine(OursDetectSelectAuthRead),
                WithInstantRf(() => OursDetectSelect(Uid4)), WithInstantRf(() => BindingDetectSelect(Uid4)),
                WithInstantRf(() => OursDetectSelect(Uid7)), WithInstantRf(() => BindingDetectSelect(Uid7)),
                WithInstantRf(OursDetectSelectAuthRead), WithInstantRf(BindingDetectSelectAuthRead),
                WithInstantRf(() => WithoutIrqLine(() => OursDetectSelect(Uid7))),
                WithInstantRf(() => WithoutIrqLine(OursDetectSelectAuthRead)),
            };
        }
    }
}
