#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using System;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Allowlist;
using LeoCarte.Terminal.Tests.Support;

namespace LeoCarte.Terminal.Tests.Sync
{
    /// <summary>The sync engine over the real allowlist update and journal, on RAM flash with power cuts.</summary>
    [TestClass]
    public class SyncAdapterTests
    {
        private const uint Site = 14;

        private static ListSigning SiteKey()
        {
            return AllowlistUpdateTests.Key();
        }

        private static ListEntry[] Cards(int count, CardState firstState)
        {
            ListEntry[] entries = new ListEntry[count];
            for (int i = 0; i < count; i++)
            {
                byte[] uid = new byte[] { 0x04, 0x10, (byte)(i >> 16), (byte)(i >> 8), (byte)i, 0x20, 0x30 };
                entries[i] = new ListEntry(uid, i == 0 ? firstState : CardState.Active, i + 1, 0);
            }

            return entries;
        }

        private static SyncEngine Engine(ScriptedTransport transport, TestClockHardware hardware, IListUpdateSink sink, IAllowlist allowlist, IJournalUploadSource journal)
        {
            SyncedClock clock = new SyncedClock(hardware);
            clock.ReportSntpTime();
            SyncOptions options = new SyncOptions();
            options.ChunkSize = 256;
            return new SyncEngine(transport, new RequestSigner("T1", new byte[32], new PortableMessageHasher()), clock, sink, allowlist, journal, null, options, null, 3);
        }

        private static SyncStepResult Run(SyncEngine engine)
        {
            SyncStepResult result = SyncStepResult.Working;
            for (int i = 0; i < 10000 && result == SyncStepResult.Working; i++)
            {
                result = engine.Step();
            }

            return result;
        }

        [TestMethod]
        public void SignedListIsAppliedAndAForgedOneRefused()
        {
            MemoryFileStore flash = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(flash);
            store.Open();
            AllowlistListSink sink = new AllowlistListSink(store, Site, AllowlistUpdateTests.Trust());
            ScriptedTransport transport = new ScriptedTransport();
            TestClockHardware hardware = new TestClockHardware(new DateTime(2026, 11, 26, 12, 0, 0));
            SyncEngine engine = Engine(transport, hardware, sink, store, null);

            transport.Then(new FakeResponse(200, ListBuilder.BuildSnapshot(Site, 5, 1795000000, Cards(300, CardState.Active), SiteKey())));
            transport.Then(SyncRig.Ok("{}"));
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, Run(engine));
            Assert.AreEqual(5L, store.Version);
            Assert.AreEqual(300, store.Count);

            ListSigning wrongKey = new StandInListKeys(AllowlistUpdateTests.GatewayKey.KeyId, 0x33).Signing(AllowlistUpdateTests.Database);
            transport.Then(new FakeResponse(200, ListBuilder.BuildSnapshot(Site, 6, 1795000000, Cards(300, CardState.Lost), wrongKey)));
            transport.Then(SyncRig.Ok("{}"));
            hardware.AdvanceMilliseconds(60000);
            ExpectEnum.Equal(SyncStepResult.CycleFailed, Run(engine));
            Assert.AreEqual(5L, store.Version);
            Assert.AreEqual("list rejected: BadSignature", engine.Statistics.LastError);
            Assert.IsTrue(((string)transport.Paths[2]).StartsWith("GET /api/v1/terminals/T1/list?have=5&db="), (string)transport.Paths[2]);
        }

        [TestMethod]
        public void DeltaForAnotherBaseMakesTheNextRequestAskForASnapshot()
        {
            MemoryFileStore flash = new MemoryFileStore();
            AllowlistStore store = new AllowlistStore(flash);
            store.Open();
            AllowlistListSink sink = new AllowlistListSink(store, Site, AllowlistUpdateTests.Trust());
            ScriptedTransport transport = new ScriptedTransport();
            TestClockHardware hardware = new TestClockHardware(new DateTime(2026, 11, 26, 12, 0, 0));
            SyncEngine engine = Engine(transport, hardware, sink, store, null);
            transport.Then(new FakeResponse(200, ListBuilder.BuildSnapshot(Site, 5, 1795000000, Cards(10, CardState.Active), SiteKey())));
            transport.Then(SyncRig.Ok("{}"));
            Run(engine);

            ListEntry[] change = new ListEntry[] { new ListEntry(Cards(1, CardState.Lost)[0].Uid, CardState.Lost, 1, 0) };
            transport.Then(new FakeResponse(200, ListBuilder.BuildDelta(Site, 8, 7, 1795000000, change, SiteKey())));
            transport.Then(SyncRig.Ok("{}"));
            hardware.AdvanceMilliseconds(60000);
            ExpectEnum.Equal(SyncStepResult.CycleFailed, Run(engine));
            Assert.IsTrue(sink.NeedsSnapshot);
            Assert.AreEqual(5L, store.Version);

            transport.Then(new FakeResponse(200, ListBuilder.BuildSnapshot(Site, 8, 1795000000, Cards(10, CardState.Lost), SiteKey())));
            transport.Then(SyncRig.Ok("{}"));
            hardware.AdvanceMilliseconds(engine.MillisecondsUntilDue());
            ExpectEnum.Equal(SyncStepResult.CycleCompleted, Run(engine));
            Assert.IsTrue(((string)transport.Paths[4]).StartsWith("GET /api/v1/terminals/T1/list?have=0&db="), (string)transport.Paths[4]);
            Assert.AreEqual(8L, store.Version);
            Assert.IsFalse(sink.NeedsSnapshot);
        }

        [TestMethod]
        public void PowerCutAtEveryWriteOfADownloadLeavesTheOldListOrTheNewOne()
        {
            byte[] v1 = ListBuilder.BuildSnapshot(Site, 1, 1795000000, Cards(200, CardState.Active), SiteKey());
            byte[] v2 = ListBuilder.BuildSnapshot(Site, 2, 1795000100, Cards(200, CardState.Stolen), SiteKey());
            int cases = 0;
            for (int cut = 0; cut < 200; cut++)
            {
                MemoryFileStore flash = new MemoryFileStore();
                AllowlistStore store = new AllowlistStore(flash, "allow", 512);
                store.Open();
                AllowlistListSink sink = new AllowlistListSink(store, Site, AllowlistUpdateTests.Trust());
                ScriptedTransport transport = new ScriptedTransport();
                TestClockHardware hardware = new TestClockHardware(new DateTime(2026, 11, 26, 12, 0, 0));
                SyncEngine engine = Engine(transport, hardware, sink, store, null);
                transport.Then(new FakeResponse(200, v1));
                transport.Then(SyncRig.Ok("{}"));
                Run(engine);
                Assert.AreEqual(1L, store.Version);

                transport.Then(new FakeResponse(200, v2));
                transport.Then(SyncRig.Ok("{}"));
                hardware.AdvanceMilliseconds(60000);
                flash.CutPowerAfterWrites(cut);
                Run(engine);
                bool wasCut = flash.IsPoweredOff;
                flash.Reboot();

                AllowlistStore reopened = new AllowlistStore(flash, "allow", 512);
                Assert.IsTrue(reopened.Open());
                CardRecord record = new CardRecord();
                byte[] first = Cards(1, CardState.Active)[0].Uid;
                Assert.IsTrue(reopened.TryFind(first, 0, first.Length, record));
                if (reopened.Version == 1)
                {
                    ExpectEnum.Equal(CardState.Active, record.State);
                }
                else
                {
                    Assert.AreEqual(2L, reopened.Version);
                    ExpectEnum.Equal(CardState.Stolen, record.State);
                }

                cases++;
                if (!wasCut)
                {
                    Assert.AreEqual(2L, reopened.Version);
                    break;
                }
            }

            Console.WriteLine("sync download power-cut cases: " + cases.ToString());
            Assert.IsTrue(cases > 3, "the download must take several writes: " + cases.ToString());
        }

        [TestMethod]
        public void JournalBatchesAreTheJournalsRecordsAndTrimOnlyOnAcknowledgement()
        {
            MemoryFileStore flash = new MemoryFileStore();
            JournalSettings settings = new JournalSettings();
            settings.Capacity = 64;
            TransactionJournal journal = new TransactionJournal(flash, settings);
            ExpectEnum.Equal(JournalResult.Ok, journal.Open());
            JournalRecord record = new JournalRecord();
            for (int i = 0; i < 40; i++)
            {
                record.Clear();
                record.Approved = true;
                record.AmountCents = 100 + i;
                record.SetUid(new byte[] { 4, 1, 2, 3, 4, 5, (byte)i }, 0, 7);
                ExpectEnum.Equal(JournalResult.Ok, journal.Append(record));
            }

            TransactionJournalSource source = new TransactionJournalSource(journal);
            Assert.AreEqual(40, source.PendingCount);
            byte[] buffer = new byte[10 * JournalRecord.Size + 5];
            JournalBatch batch = new JournalBatch();
            source.ReadBatch(buffer, 0, buffer.Length, batch);
            Assert.AreEqual(10, batch.Count);
            Assert.AreEqual(10 * JournalRecord.Size, batch.Length);
            Assert.AreEqual(1L, batch.FirstSequence);
            Assert.AreEqual(10L, batch.LastSequence);
            Assert.IsTrue(JournalRecord.IsValid(buffer, 9 * JournalRecord.Size, JournalRecord.Size));

            // Reading again without an acknowledgement gives the same records.
            source.ReadBatch(buffer, 0, buffer.Length, batch);
            Assert.AreEqual(1L, batch.FirstSequence);

            source.Acknowledge(10);
            source.Acknowledge(10);
            Assert.AreEqual(30, source.PendingCount);
            source.ReadBatch(buffer, 0, buffer.Length, batch);
            Assert.AreEqual(11L, batch.FirstSequence);
        }
    }
}
