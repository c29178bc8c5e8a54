using System;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.NanoApp
{
    /// <summary>
    /// What one run of the nano app does (nanoCLR takes no command line: Tools/InterpreterBenchmark compiles a
    /// two-line entry assembly per run that calls <see cref="NanoEntry.Run"/> with these numbers).
    /// Every benchmark operation has a baseline (repetitions = 0) that does the same setup, so the IL count of
    /// the operation is the difference of two runs.
    /// </summary>
    public static class NanoOp
    {
        /// <summary>The scripted lunch, printed, replay verified byte for byte (check A); a = 1: with the IRQ spins collapsed.</summary>
        public const int Lunch = 0;

        /// <summary>Boot, then the first a loop iterations of the lunch script, silent; b = 1: the IRQ line answers every wait at its first read (spinning removed);
        /// c = 1: the last iteration stops at its decision (<c>TerminalApplication.StepUntilDecided</c>: without the end-of-tap parking).</summary>
        public const int ScriptPrefix = 1;

        /// <summary>Driver only: reader start (baseline); with a = 1 also a 4-byte Classic card's detect + select + authenticate + read of one block.</summary>
        public const int ClassicRead = 2;

        /// <summary>a allowlist lookups (b = list size besides the script's cards).</summary>
        public const int Lookup = 3;

        /// <summary>a journal appends.</summary>
        public const int JournalAppend = 4;

        /// <summary>a HMAC-SHA256 updates over a 1 KB chunk (the list download's MAC per chunk).</summary>
        public const int HmacChunk = 5;

        /// <summary>a complete HMAC-SHA256 (init, 1 KB, final).</summary>
        public const int HmacWhole = 6;

        /// <summary>Build a signed snapshot of a cards (baseline, b = 0), and with b = 1 also apply it to flash.</summary>
        public const int SnapshotApply = 7;

        /// <summary>The same loops as <see cref="FakeBus"/> without calling the fake: its bookkeeping, subtracted from FakeBus.</summary>
        public const int FakeBusLoopsOnly = 10;

        /// <summary>Boot, the first a loop iterations, the next iteration's Poll (the card entering), then (c = 1) the decision engine alone on card b (lookup, card policy, counters, journal).</summary>
        public const int ScriptDecide = 9;

        /// <summary>The replay fake alone: a transfers, b IRQ reads, c clock reads (its own IL, subtracted from driver figures).</summary>
        public const int FakeBus = 8;

        /// <summary>Reader start (baseline, a = 0); a = n: also the first n phases of the desfire-aes tap (<see cref="DesfireScenario"/>,
        /// <see cref="DesfireScenario.PhaseCount"/> = the whole tap), subset AES;
        /// b = 1: the replay with the IRQ spins collapsed.</summary>
        public const int DesfireTap = 11;

        /// <summary>a AES-128 encryptions, b decryptions, c key schedules with the subset <c>Aes128</c>.</summary>
        public const int AesOps = 12;

        /// <summary>The same numbers of calls to <see cref="NativeAesStandIn"/> (the native adapter's IL around mbedTLS).</summary>
        public const int NativeAesOps = 13;
        /// <summary>
        /// A signed list of a cards (c = 0: a snapshot; c = 1: a 100-change delta over an a-card list already applied),
        /// its MACs computed once in the setup (baseline, b = 0); b = 1: verified and applied with the MAC answered from
        /// that table (what the device's native one-shot HMAC leaves to the interpreter: the IL around the calls);
        /// b = 2: verified and applied with the portable subset HMAC-SHA256. The signature check is a stand-in
        /// returning true (the P-256 verification is measured by itself).
        /// </summary>
        public const int ListVerify = 14;

        /// <summary>Reader start (baseline, a = 0); a = 1: the Poll → NewCard and the originality Read_Sig
        /// (<see cref="OriginalityScenario"/>); a = 2: the Poll only; b = 1: the replay with the IRQ spins collapsed.</summary>
        public const int OriginalityTap = 15;

        /// <summary>One RF exchange of the driver, micro-measured: a = which (<see cref="ExchangeMicro"/>), b = repetitions, c = mode.</summary>
        public const int ExchangeMicro = 16;

        /// <summary>The application side of bruno's steady-state tap, piece by piece: a = piece (<see cref="EngineProfile"/>), b = repetitions, c = the tap's loop iteration.</summary>
        public const int EngineProfile = 30;
        /// <summary>a CBC calls (<see cref="IBlockCipher.EncryptCbc"/>, c bit 0: <see cref="IBlockCipher.DecryptCbc"/>) over b blocks
        /// in all (spread as evenly as the calls allow), with the subset <c>Aes128</c>, or (c bit 1) <see cref="NativeAesStandIn"/>.</summary>
        public const int CbcOps = 17;
    }

    public static class NanoEntry
    {
        public static void Run(int op, int a, int b, int c)
        {
            switch (op)
            {
                case NanoOp.Lunch: Lunch(a != 0); break;
                case NanoOp.ScriptPrefix: ScriptPrefix(a, b != 0, c != 0); break;
                case NanoOp.ClassicRead: ClassicRead(a); break;
                case NanoOp.Lookup: Lookup(a, b); break;
                case NanoOp.JournalAppend: JournalAppend(a); break;
                case NanoOp.HmacChunk: Hmac(a, false); break;
                case NanoOp.HmacWhole: Hmac(a, true); break;
                case NanoOp.SnapshotApply: Snapshot(a, b); break;
                case NanoOp.FakeBus: FakeBus(a, b, c, true); break;
                case NanoOp.FakeBusLoopsOnly: FakeBus(a, b, c, false); break;
                case NanoOp.ScriptDecide: ScriptDecide(a, b, c); break;
                case NanoOp.DesfireTap: DesfireTap(a, b != 0); break;
                case NanoOp.AesOps: BlockOps(new Aes128(), a, b, c); break;
                case NanoOp.NativeAesOps: BlockOps(new NativeAesStandIn(), a, b, c); break;
                case NanoOp.ListVerify: ListVerify(a, b, c != 0); break;
                case NanoOp.OriginalityTap: OriginalityTap(a, b != 0); break;
                case NanoOp.ExchangeMicro: LeoCarte.NanoApp.ExchangeMicro.Run(a, b, c); break;
                case NanoOp.EngineProfile: LeoCarte.NanoApp.EngineProfile.Run(a, b, c); break;
                case NanoOp.CbcOps: CbcOps((c & 2) != 0 ? (IBlockCipher)new NativeAesStandIn() : new Aes128(), a, b, (c & 1) != 0); break;
            }

            Console.WriteLine("nano-app: end of run " + op.ToString());
        }

        private static void Print(string line)
        {
            Console.WriteLine(line);
        }

        private static void Lunch(bool instantIrq)
        {
            ReaderRecording r = instantIrq ? ReplayTables.LunchInstantIrq() : ReplayTables.Lunch();
            var bus = new ReplayBus(r, true);
            var script = new LunchScript(bus, bus, new ReplayedField(), Print);
            script.Boot();
            script.Run(int.MaxValue);
            script.PrintSummary();
            Console.WriteLine("replay: " + bus.TransfersReplayed.ToString() + " of " + r.TransferCount.ToString() + " recorded transfers, first divergence "
                + bus.FirstDivergence.ToString() + ", overruns " + bus.Overruns.ToString() + ", IRQ reads " + bus.IrqReadsReplayed.ToString() + " of " + r.IrqReadCount.ToString()
                + ", clock reads " + bus.ClockReadsReplayed.ToString() + " of " + r.ClockReads.Length.ToString());
        }

        private static void ScriptPrefix(int steps, bool instantIrq, bool lastUntilDecided)
        {
            var bus = new ReplayBus(instantIrq ? ReplayTables.LunchInstantIrq() : ReplayTables.Lunch(), false);
            var script = new LunchScript(bus, bus, new ReplayedField(), null);
            script.Boot();
            script.Run(steps, lastUntilDecided);
        }

        private static void ScriptDecide(int steps, int card, int decide)
        {
            var bus = new ReplayBus(ReplayTables.Lunch(), false);
            var script = new LunchScript(bus, bus, new ReplayedField(), null);
            script.Boot();
            script.Run(steps);
            // In both runs, the tap iteration's Poll as PollOnce does it (NewCard, then the policy's BeginTap): the site
            // policy's type check compares the decided UID with the card the reader reported, so without it the
            // decision would take the "not the card on the reader" (ReaderError, denied) path instead of the approval.
            TerminalApplication app = script.App;
            app.Reader.Poll(app.LastRead);
            if (app.CardPolicy != null)
            {
                app.CardPolicy.BeginTap();
            }

            if (decide != 0)
            {
                byte[] uid = LunchScript.CardUids[card];
                script.App.Decisions.DecideMeal(uid, 0, uid.Length);
            }
        }

        private static void ClassicRead(int reads)
        {
            var bus = new ReplayBus(ReplayTables.Classic(), false);
            var reader = new CardReader(bus, bus, new Mfrc522Options(), new CardReaderOptions());
            var read = new CardReadResult();
            var block = new byte[16];
            byte[] key = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
            reader.Start();
            if (reads > 0)
            {
                reader.Poll(read);
                reader.ReadClassicBlock(MifareKeyType.KeyA, key, ClassicScenario.Block, block, 0);
            }
        }

        private static void DesfireTap(int run, bool instantIrq)
        {
            var bus = new ReplayBus(instantIrq ? ReplayTables.DesfireInstantIrq() : ReplayTables.Desfire(), false);
            var reader = new CardReader(bus, bus, new Mfrc522Options(), DesfireScenario.ReaderOptions());
            var diversification = new KeyDiversification(new Aes128());
            var read = new CardReadResult();
            var ats = new AtsInfo();
            var key = new byte[16];
            var holder = new byte[DesfireScenario.FileLength];
            reader.Start();
            DesfireScenario.PreviousTap(diversification, key);
            if (run > 0)
            {
                ReaderResult result = DesfireScenario.Tap(reader, diversification, read, ats, key, holder, run, null);
                Console.WriteLine("desfire tap: " + (result == ReaderResult.Ok ? "Ok" : "failed"));
            }
        }

        private static void OriginalityTap(int run, bool instantIrq)
        {
            var bus = new ReplayBus(instantIrq ? ReplayTables.OriginalityInstantIrq() : ReplayTables.Originality(), false);
            var reader = new CardReader(bus, bus, new Mfrc522Options(), DesfireScenario.ReaderOptions());
            var read = new CardReadResult();
            var ats = new AtsInfo();
            var signature = new byte[DesfireCommands.SignatureLength];
            reader.Start();
            if (run > 0)
            {
                ReaderResult result = OriginalityScenario.Tap(reader, read, ats, signature, run == 2);
                Console.WriteLine("originality tap: " + (result == ReaderResult.Ok ? "Ok" : "failed"));
            }
        }

        private static void BlockOps(IBlockCipher cipher, int encrypts, int decrypts, int keys)
        {
            var key = new byte[16];
            var block = new byte[16];
            for (int i = 0; i < keys; i++)
            {
                cipher.SetKey(key, 0);
            }

            for (int i = 0; i < encrypts; i++)
            {
                cipher.Encrypt(block, 0, block, 0);
            }

            for (int i = 0; i < decrypts; i++)
            {
                cipher.Decrypt(block, 0, block, 0);
            }
        }

        private static void CbcOps(IBlockCipher cipher, int calls, int blocks, bool decrypt)
        {
            var iv = new byte[16];
            var data = new byte[blocks * 16 + 16];
            for (int i = 0; i < calls; i++)
            {
                int length = (blocks / calls + (i < blocks % calls ? 1 : 0)) * 16;
                if (decrypt)
                {
                    cipher.DecryptCbc(iv, data, 0, length, data, 0);
                }
                else
                {
                    cipher.EncryptCbc(iv, data, 0, length, data, 0);
                }
            }
        }

        private static void Lookup(int lookups, int crowd)
        {
            var files = new MemoryFileStore();
            LunchScript.ApplyList(files, LunchScript.BuildList(crowd), 1024);
            var store = new AllowlistStore(files);
            store.Open();
            var record = new CardRecord();
            byte[][] uids = { LunchScript.CardUids[LunchScript.Alice], LunchScript.CrowdUid(crowd / 2), LunchScript.CardUids[LunchScript.UnknownCard], LunchScript.CardUids[LunchScript.KarimClassic] };
            for (int i = 0; i < lookups; i++)
            {
                byte[] uid = uids[i & 3];
                store.TryFind(uid, 0, uid.Length, record);
            }
        }

        private static void JournalAppend(int appends)
        {
            var files = new MemoryFileStore();
            var settings = new JournalSettings();
            settings.Capacity = 512;
            var journal = new TransactionJournal(files, settings);
            journal.Open();
            var record = new JournalRecord();
            record.SetUid(LunchScript.CardUids[LunchScript.Alice], 0, 7);
            record.Approved = true;
            record.CardListed = true;
            record.ClockSynced = true;
            record.ListVersion = LunchScript.ListVersion;
            record.AmountCents = 100;
            record.UnixMilliseconds = 1773226200000L;
            for (int i = 0; i < appends; i++)
            {
                journal.Append(record);
            }
        }

        private static void Hmac(int repetitions, bool whole)
        {
            byte[] key = LunchScript.TerminalSecret;
            var chunk = new byte[1024];
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = (byte)(i * 7);
            }

            var tag = new byte[HmacSha256.TagSize];
            var mac = new HmacSha256();
            mac.Init(key, 0, key.Length);
            for (int i = 0; i < repetitions; i++)
            {
                if (whole)
                {
                    HmacSha256.Compute(key, chunk, 0, chunk.Length, tag, 0);
                }
                else
                {
                    mac.Update(chunk, 0, chunk.Length);
                }
            }
        }

        private static void Snapshot(int cards, int apply)
        {
            byte[] list = LunchScript.BuildList(cards);
            if (apply != 0)
            {
                var files = new MemoryFileStore();
                ListUpdateResult result = LunchScript.ApplyList(files, list, 1024);
                Console.WriteLine("snapshot of " + cards.ToString() + " cards, " + list.Length.ToString() + " bytes: " + LunchScript.ResultName(result));
            }
            else
            {
                Console.WriteLine("snapshot of " + cards.ToString() + " cards, " + list.Length.ToString() + " bytes: " + LunchScript.ResultName(ListUpdateResult.Ok));
            }
        }

        private static void ListVerify(int cards, int mode, bool delta)
        {
            var files = new MemoryFileStore();
            var store = new AllowlistStore(files);
            store.Open();
            var table = new TableMac();
            ListSigning signing = LunchScript.ListKey.Signing(LunchScript.DatabaseId);
            ListEntry[] entries = new ListEntry[cards];
            for (int i = 0; i < cards; i++)
            {
                entries[i] = new ListEntry(LunchScript.CrowdUid(i), CardState.Active, 5000 + i, 0);
            }

            byte[] list = ListBuilder.BuildSnapshot(LunchScript.SiteId, 1, 1773220000, entries, signing);
            if (delta)
            {
                // The base list goes in through the table MAC too (setup), then a delta of 100 changes.
                table.Learn(list);
                Apply(store, list, table);
                ListEntry[] changes = new ListEntry[100];
                for (int i = 0; i < 100; i++)
                {
                    changes[i] = i % 10 == 0 ? ListEntry.Removal(LunchScript.CrowdUid(i * (cards / 100)))
                        : new ListEntry(LunchScript.CrowdUid(i * (cards / 100)), CardState.Lost, 5000 + (i * (cards / 100)), 0);
                }

                list = ListBuilder.BuildDelta(LunchScript.SiteId, 2, 1, 1773220600, changes, signing);
            }

            table.Learn(list);
            ListUpdateResult result = ListUpdateResult.Ok;
            if (mode == 1)
            {
                result = Apply(store, list, table);
            }
            else if (mode == 2)
            {
                result = Apply(store, list, new PortableMac());
            }

            Console.WriteLine((delta ? "delta" : "snapshot") + " of " + list.Length.ToString() + " bytes, mode " + mode.ToString() + ": " + LunchScript.ResultName(result));
        }

        private static ListUpdateResult Apply(AllowlistStore store, byte[] list, IMacFunction mac)
        {
            var trust = new ListTrust(new ListSigningKey[] { new ListSigningKey(LunchScript.ListKey.KeyId, LunchScript.ListKey.PublicKey) }, new AcceptingVerifier(), mac);
            var update = new ListUpdate(store, LunchScript.SiteId, trust);
            update.Begin();
            for (int offset = 0; offset < list.Length; offset += 1024)
            {
                int n = list.Length - offset < 1024 ? list.Length - offset : 1024;
                ListUpdateResult r = update.Write(list, offset, n);
                if (r != ListUpdateResult.Ok)
                {
                    return r;
                }
            }

            return update.Commit();
        }

        /// <summary>The signature stand-in of <see cref="NanoOp.ListVerify"/>: P-256 verification is measured apart.</summary>
        private sealed class AcceptingVerifier : IListSignatureVerifier
        {
            public bool Verify(byte[] publicKey, byte[] digest, byte[] signature, int offset)
            {
                return true;
            }
        }

        /// <summary>
        /// Answers the list's MACs in the order ListUpdate asks for them (the signed digest, then chunk 0, 1, …),
        /// computed beforehand: its IL is a copy of 32 bytes, like the device adapter around its native call.
        /// </summary>
        private sealed class TableMac : IMacFunction
        {
            private byte[][] digests = new byte[0][];
            private int next;

            public void Learn(byte[] list)
            {
                var header = new ListHeader();
                ListHeader.Read(list, 0, list.Length, header);
                var mac = new PortableMac();
                digests = new byte[header.ChunkCount + 1][];
                digests[0] = new byte[32];
                mac.HmacSha256(WireFormat.SignedDomainKey, list, 0, WireFormat.HeaderSize + (header.ChunkCount * WireFormat.ChunkDigestSize), digests[0]);
                for (int i = 0; i < header.ChunkCount; i++)
                {
                    int start = header.BodyOffset + (i * header.ChunkSize);
                    int length = list.Length - start < header.ChunkSize ? list.Length - start : header.ChunkSize;
                    digests[i + 1] = new byte[32];
                    mac.HmacSha256(WireFormat.ChunkDomainKey, list, start, length, digests[i + 1]);
                }

                next = 0;
            }

            public void HmacSha256(byte[] key, byte[] data, int offset, int count, byte[] output)
            {
                Array.Copy(digests[next++], 0, output, 0, 32);
            }
        }

        private static void FakeBus(int transfers, int irqReads, int clockReads, bool call)
        {
            var bus = new ReplayBus(ReplayTables.Lunch(), false);
            var tx = new byte[80];
            var rx = new byte[80];
            byte[] table = ReplayTables.Lunch().Transfers;
            int position = 0;
            for (int i = 0; i < transfers; i++)
            {
                int length = table[position];
                tx[0] = table[position + 1];
                position += 3 + ((tx[0] & 0x80) != 0 ? length : 0);
                if (call)
                {
                    bus.Transfer(tx, rx, length);
                }
            }

            for (int i = 0; i < irqReads; i++)
            {
                if (call)
                {
                    bool unused = bus.IrqAsserted;
                }
            }

            for (int i = 0; i < clockReads; i++)
            {
                if (call)
                {
                    long unused = bus.MonotonicMilliseconds;
                }
            }
        }
    }

    /// <summary>The Classic read the benchmark records and replays: MIFARE Classic 1K, transport key A, block 4 (sector 1).</summary>
    public static class ClassicScenario
    {
        public const int Block = 4;
    }
}
