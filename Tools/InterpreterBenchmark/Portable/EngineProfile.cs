using System;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Crypto;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Diagnostics;
using LeoCarte.Terminal.Journal;
using LeoCarte.Terminal.Time;

namespace LeoCarte.NanoApp
{
    /// <summary>
    /// Where the application side of a steady-state approved tap spends its IL (<see cref="NanoOp.EngineProfile"/>): the lunch
    /// is run up to bruno's tap as <see cref="NanoOp.ScriptDecide"/> does (boot, the iterations before, the tap's Poll and the
    /// policy's BeginTap), then one piece of the decision engine or of the tap loop is repeated with the engine's own inputs.
    /// The host subtracts the run with 0 repetitions and divides: each piece's IL per call, measured in the state the real
    /// decision meets (same clock, same list, same journal, same counters). The pieces the engine keeps private are the
    /// remainder of the whole decision minus the measured ones.
    /// </summary>
    public static class EngineProfile
    {
        public const int Clock = 1;
        public const int LocalTimeOfTap = 2;
        public const int Lookup = 3;
        public const int JournalGetters = 4;
        public const int RecordFill = 5;
        public const int RecordEncode = 6;
        public const int Crc60 = 7;
        public const int JournalAppend = 8;
        public const int Proof = 9;
        public const int LedgerLookup = 10;
        public const int LedgerAdd = 11;
        public const int StaleIssued = 12;
        public const int FeedbackStep = 13;
        public const int FeedbackPlay = 14;
        public const int DisplayShow = 15;
        public const int WatchdogFeed = 16;
        public const int ConcludeJournalCheck = 17;
        public const int ClockNow = 18;
        public const int SummerTime = 19;
        public const int WholeDecision = 20;
        public const int PartCount = 20;

        /// <summary>What each part stands for, printed by the host.</summary>
        public static string Name(int part)
        {
            switch (part)
            {
                case Clock: return "clock reads: UtcNow + IsSynced + MonotonicMilliseconds through IClock (BeginDecision, Decide)";
                case ClockNow: return "  of which UtcNow alone (SyncedClock: lock, anchor + monotonic, new DateTime)";
                case LocalTimeOfTap: return "LocalTime.FromUtc + MinuteOfDay + DayNumber (DecideRestaurant)";
                case SummerTime: return "  of which EuropeanSummerTime.IsInEffect (March: last Sunday computed)";
                case Lookup: return "allowlist: Version + TryFind + LastLookupVersion + LastLookupFailed";
                case JournalGetters: return "journal.IsFull + journal.NextSequence (locked getters)";
                case RecordFill: return "FillRecord's work: JournalRecord.Clear + TimeUtc setter + 16 fields + UID copy";
                case RecordEncode: return "  of which JournalRecord.Encode (64 bytes, CRC-32 of 60 included)";
                case Crc60: return "    of which Crc32.Compute of 60 bytes";
                case JournalAppend: return "TransactionJournal.Append (Encode + MemoryFileStore write)";
                case Proof: return "site card policy: ICardProof.Prove (uid policy, not this helper's)";
                case LedgerLookup: return "PeriodLedger.Lookup (LookupHolder; the ledger's engineer)";
                case LedgerAdd: return "PeriodLedger.AddUnflushed (RAM count in the tap; its entry is written behind, by the idle flush)";
                case StaleIssued: return "ListTooOld's allowlist.IssuedUtc (UnixTime.FromSeconds)";
                case FeedbackStep: return "tap loop: feedback.Step + vend.Step (idle)";
                case FeedbackPlay: return "tap loop: feedback.Play(ApprovedOffline)";
                case DisplayShow: return "tap loop: display.Show (the fake display)";
                case WatchdogFeed: return "tap loop: watchdog.Feed";
                case ConcludeJournalCheck: return "tap loop: journal.ReadOccupancy + IsJournalNearlyFull (Conclude; was IsOpen + Depth + Capacity: 90)";
                case WholeDecision: return "whole DecideMeal (the figure --desfire adds)";
                default: return "part " + part.ToString();
            }
        }

        /// <summary>Boot, the lunch up to iteration <paramref name="steps"/>, that tap's Poll and BeginTap; then <paramref name="repetitions"/> calls of <paramref name="part"/>.</summary>
        public static void Run(int part, int repetitions, int steps)
        {
            var bus = new ReplayBus(ReplayTables.Lunch(), false);
            var script = new LunchScript(bus, bus, new ReplayedField(), null);
            script.Boot();
            script.Run(steps);
            TerminalApplication app = script.App;
            app.Reader.Poll(app.LastRead);
            if (app.CardPolicy != null)
            {
                app.CardPolicy.BeginTap();
            }

            byte[] uid = LunchScript.CardUids[LunchScript.Bruno];
            IClock clock = app.Clock;
            DateTime utc = clock.UtcNow;
            long monotonic = clock.MonotonicMilliseconds;
            var local = new LocalTimeSettings();
            var card = new CardRecord();
            var record = new JournalRecord();
            var buffer = new byte[JournalRecord.Size];
            var proof = app.Decisions.CardProof;
            app.Allowlist.TryFind(uid, 0, uid.Length, card);
            Console.WriteLine("engine profile: lookup of bruno: " + app.Allowlist.LastLookupReads.ToString() + " reads, " + app.Allowlist.LastLookupEntriesDecoded.ToString() + " entries decoded");
            PeriodLedger ledger = app.Decisions.Counters;
            TransactionJournal journal = app.Journal;
            long sink = 0;
            for (int i = 0; i < repetitions; i++)
            {
                switch (part)
                {
                    case Clock:
                        sink += clock.UtcNow.Ticks;
                        sink += clock.IsSynced ? 1 : 0;
                        sink += clock.MonotonicMilliseconds;
                        break;
                    case ClockNow:
                        sink += clock.UtcNow.Ticks;
                        break;
                    case LocalTimeOfTap:
                        DateTime l = LocalTime.FromUtc(utc, local);
                        sink += LocalTime.MinuteOfDay(l) + LocalTime.DayNumber(l);
                        break;
                    case SummerTime:
                        sink += EuropeanSummerTime.IsInEffect(utc) ? 1 : 0;
                        break;
                    case Lookup:
                        sink += app.Allowlist.Version;
                        sink += app.Allowlist.TryFind(uid, 0, uid.Length, card) ? 1 : 0;
                        sink += app.Allowlist.LastLookupVersion + (app.Allowlist.LastLookupFailed ? 1 : 0);
                        break;
                    case JournalGetters:
                        sink += (journal.IsFull ? 1 : 0) + journal.NextSequence;
                        break;
                    case RecordFill:
                        Fill(record, utc, uid, card);
                        break;
                    case RecordEncode:
                        record.Encode(buffer, 0);
                        break;
                    case Crc60:
                        sink += Crc32.Compute(buffer, 0, 60);
                        break;
                    case JournalAppend:
                        journal.Append(record);
                        break;
                    case Proof:
                        sink += proof != null ? (int)proof.Prove(uid, 0, uid.Length, card) : 0;
                        break;
                    case LedgerLookup:
                        int count;
                        long amount;
                        ledger.Lookup(card.HolderKey, out count, out amount);
                        sink += count + amount;
                        break;
                    case LedgerAdd:
                        ledger.AddUnflushed(card.HolderKey + i, 330, journal.NextSequence + i);
                        break;
                    case StaleIssued:
                        sink += app.Allowlist.IssuedUtc.Ticks;
                        break;
                    case FeedbackStep:
                        app.Feedback.Step(monotonic);
                        app.Vend.Step(monotonic);
                        break;
                    case FeedbackPlay:
                        app.Feedback.Play(FeedbackPlayer.ApprovedOffline, monotonic);
                        break;
                    case DisplayShow:
                        app.Display.Show(ReasonText.MealApprovedFrench, ReasonText.MealApprovedEnglish);
                        break;
                    case WatchdogFeed:
                        app.Watchdog.Feed(monotonic);
                        break;
                    case ConcludeJournalCheck:
                        int depth;
                        int slots;
                        sink += journal.ReadOccupancy(out depth, out slots) && SelfTestReport.IsJournalNearlyFull(depth, slots) ? 1 : 0;
                        break;
                    case WholeDecision:
                        app.Decisions.DecideMeal(uid, 0, uid.Length);
                        break;
                }
            }

            // The same line whatever the part and the count, so the run with 0 repetitions is everyone's baseline.
            Console.WriteLine(sink == long.MinValue ? "engine profile: -" : "engine profile: done");
        }

        /// <summary>What DecisionEngine.FillRecord does for an approval (Outcomes.cs), field for field.</summary>
        private static void Fill(JournalRecord r, DateTime utc, byte[] uid, CardRecord card)
        {
            r.Clear();
            r.TimeUtc = utc;
            r.ClockSynced = true;
            r.Approved = true;
            r.CardListed = true;
            r.Reason = 0;
            r.Mode = 0;
            Array.Copy(uid, r.Uid, uid.Length);
            r.UidLength = uid.Length;
            r.Category = card.Category;
            r.HolderKey = card.HolderKey;
            r.ListVersion = 1;
            r.Authenticated = false;
            r.UidOnly = false;
            r.Originality = false;
            r.AmountCents = 330;
            r.ItemCode = 1;
            r.PeriodKey = 5;
        }
    }
}
