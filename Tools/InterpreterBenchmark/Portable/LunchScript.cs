using System;
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Terminal;
using LeoCarte.Terminal.Allowlist;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Cards;
using LeoCarte.Terminal.Config;
using LeoCarte.Terminal.Decisions;
using LeoCarte.Terminal.Storage;

namespace LeoCarte.NanoApp
{
    /// <summary>
    /// A scripted lunch at a restaurant till, run by the real <see cref="TerminalApplication"/> (boot, tap loop,
    /// decisions, journal, feedback) over fakes for the seams: reader bus (simulator on .NET, its replay on
    /// nanoCLR), GPIO outputs, memory flash, a Wi-Fi link that is down (offline decisions). The allowlist is a
    /// signed snapshot applied through <see cref="ListUpdate"/> before boot, as a sync would have left it in flash.
    /// The script is a flat list of loop iterations (fixed before the run), so a run can stop after any number
    /// of iterations: the interpreter benchmark costs one iteration as the difference of two prefixes.
    /// Everything printed goes through the constructor's <see cref="LineWriter"/>; .NET and nanoCLR must print the same lines.
    /// </summary>
    public sealed partial class LunchScript
    {
        public const uint SiteId = 14;
        public const long ListVersion = 7;
        public const int PollMilliseconds = 20;
        public const int IdlePollMilliseconds = 500;

        public const int Alice = 0, Bruno = 1, LostCard = 2, StolenCard = 3, UnknownCard = 4, KarimClassic = 5,
            EmmaOld = 6, EmmaNew = 7, Lea = 8, BankCard = 9, ExpiredCard = 10, NotActivated = 11, CardCount = 12;

        // Actions done on the field before a loop iteration.
        private const int ActNone = 0, ActEnter = 1, ActLeave = 2, ActCorrupt = 3;

        /// <summary>The cards of the script (UIDs as on the card: 7-byte NXP DESFire, 4-byte MIFARE Classic).</summary>
        public static readonly byte[][] CardUids =
        {
            new byte[] { 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0x80 },
            new byte[] { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 },
            new byte[] { 0x04, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01 },
            new byte[] { 0x04, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x02 },
            new byte[] { 0x04, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44 },
            new byte[] { 0x1A, 0x2B, 0x3C, 0x4D },
            new byte[] { 0x04, 0xE0, 0xE0, 0xE0, 0xE0, 0xE0, 0x01 },
            new byte[] { 0x04, 0xE0, 0xE0, 0xE0, 0xE0, 0xE0, 0x02 },
            new byte[] { 0x04, 0x1E, 0xA0, 0x00, 0x00, 0x00, 0x07 },
            new byte[] { 0x08, 0x12, 0x34, 0x56 },
            new byte[] { 0x04, 0xEE, 0x00, 0x11, 0x22, 0x33, 0x44 },
            new byte[] { 0x04, 0xAC, 0x00, 0x00, 0x00, 0x00, 0x09 },
        };

        /// <summary>The card's state in the list, or -1 when the platform does not know it.</summary>
        private static readonly int[] ListedStates =
        {
            (int)CardState.Active, (int)CardState.Active, (int)CardState.Lost, (int)CardState.Stolen, -1,
            (int)CardState.Active, (int)CardState.Renewed, (int)CardState.Active, (int)CardState.Active, -1,
            (int)CardState.Expired, (int)CardState.NotYetActivated,
        };

        /// <summary>Students in the list besides the script's cards (the list a till really holds is bigger).</summary>
        public const int CrowdSize = 300;

        /// <summary>
        /// The list's signer on nanoCLR: the stand-in scheme (Terminal.Support/Allowlist/StandInListKeys, no P-256
        /// signer runs there); the ECDSA verification's own cost is measured apart (Tools/InterpreterBenchmark README).
        /// </summary>
        public static readonly StandInListKeys ListKey = new StandInListKeys(1, 0xB9);
        public const long DatabaseId = 0x0DB0_1234;
        public static readonly byte[] TerminalSecret = Bytes(0x24, 32);

        /// <summary>Wednesday 11 March 2026, 10:50 UTC = 11:50 in Paris (lunch window 11:30-14:00).</summary>
        public static readonly DateTime BootUtc = new DateTime(2026, 3, 11, 10, 50, 0);

        private readonly IScriptField field;
        private readonly ScriptClock clock;
        private readonly MemoryFileStore files = new MemoryFileStore();
        private readonly ScriptPlatform platform;
        private readonly LineWriter print;
        private TerminalApplication app;

        private int[] actions = new int[64];
        private int[] arguments = new int[64];
        private int[] advances = new int[64];
        private string[] titles = new string[64];
        private int count;
        private int done;

        public LunchScript(IRegisterBus bus, IReaderPins pins, IScriptField field, LineWriter print)
        {
            this.field = field;
            this.print = print;
            clock = new ScriptClock(BootUtc);
            platform = new ScriptPlatform(bus, pins);
            Compose();
        }

        public TerminalApplication App => app;
        public MemoryFileStore Files => files;
        public ScriptPlatform Platform => platform;
        public ScriptClock Clock => clock;

        /// <summary>Loop iterations in the script.</summary>
        public int StepCount => count;

        /// <summary>Loop iterations run so far.</summary>
        public int StepsDone => done;

        /// <summary>The application's verdict of each iteration run so far (the benchmark picks iterations by it).</summary>
        public TapKind[] Kinds = new TapKind[0];

        // ------------------------------------------------------------------ the script

        private void Compose()
        {
            Idle(2, "terminal idle after boot");
            Tap(Alice, 10, "alice taps her LéoCarte");
            Idle(2, null);
            Tap(Alice, 10, "alice taps again 2 s later (double tap: not charged twice)");
            Idle(15, null);
            Tap(Bruno, 50, "bruno leaves his card on the reader for 1 s");
            Idle(3, null);
            Tap(LostCard, 10, "a card reported lost");
            Idle(3, null);
            Tap(StolenCard, 10, "a card reported stolen");
            Idle(3, null);
            Tap(UnknownCard, 10, "a card the platform does not know");
            Idle(3, null);
            Tap(KarimClassic, 10, "karim's old MIFARE Classic campus card (4-byte UID)");
            Idle(3, null);
            Tap(EmmaOld, 10, "emma tries her old (renewed) card");
            Idle(3, null);
            Tap(EmmaNew, 10, "then her new one");
            Idle(3, null);
            TapTwo(Lea, BankCard, 10, "lea holds her wallet (LéoCarte + bank card) to the reader");
            Idle(3, null);
            Tap(Lea, 10, "then her LéoCarte alone");
            Idle(3, null);
            Corrupt(2);
            Tap(ExpiredCard, 10, "an expired card, read through RF noise (first answers with a bad CRC)");
            Idle(3, null);
            Tap(NotActivated, 10, "a card never activated");
            Idle(20, null);
            Tap(Bruno, 10, "bruno comes back for a second meal");
            Idle(6, "service continues: idle");
        }

        private void Idle(int seconds, string title)
        {
            int polls = seconds * 1000 / IdlePollMilliseconds;
            for (int i = 0; i < polls; i++)
            {
                Add(ActNone, 0, IdlePollMilliseconds, i == 0 ? title : null);
            }
        }

        private void Tap(int card, int polls, string title)
        {
            Add(ActEnter, card, PollMilliseconds, title);
            Dwell(polls);
        }

        private void TapTwo(int card, int other, int polls, string title)
        {
            Add(ActEnter, card, 0, title);
            Add(ActEnter, other, PollMilliseconds, null);
            Dwell(polls);
        }

        /// <summary>The card rests for <paramref name="polls"/> iterations, leaves, and the loop sees it gone.</summary>
        private void Dwell(int polls)
        {
            for (int i = 1; i < polls; i++)
            {
                Add(ActNone, 0, PollMilliseconds, null);
            }

            Add(ActLeave, 0, PollMilliseconds, null);
            for (int i = 0; i < 4; i++)
            {
                Add(ActNone, 0, PollMilliseconds, null);
            }
        }

        private void Corrupt(int answers)
        {
            Add(ActCorrupt, answers, 0, null);
        }

        /// <summary>One entry; an entry with 0 ms does its action only and joins the next (no loop iteration of its own).</summary>
        private void Add(int action, int argument, int advanceMs, string title)
        {
            if (count == actions.Length)
            {
                actions = Grow(actions);
                arguments = Grow(arguments);
                advances = Grow(advances);
                string[] t = new string[titles.Length * 2];
                Array.Copy(titles, t, titles.Length);
                titles = t;
            }

            actions[count] = action;
            arguments[count] = argument;
            advances[count] = advanceMs;
            titles[count] = title;
            count++;
        }

        private static int[] Grow(int[] a)
        {
            int[] b = new int[a.Length * 2];
            Array.Copy(a, b, a.Length);
            return b;
        }

        // ------------------------------------------------------------------ running

        /// <summary>Flash as a previous sync left it (configuration file, signed list), then the application's boot.</summary>
        public void Boot()
        {
            byte[] config = Ascii(ConfigurationText());
            files.Append(TerminalConfiguration.FileName, config, 0, config.Length);
            ListUpdateResult applied = ApplyList(files, BuildList(), 1024);
            Say("list version " + ListVersion.ToString() + " applied: " + ResultName(applied));

            var options = new ApplicationOptions();
            options.JournalCapacity = 512;
            app = new TerminalApplication(platform, files, clock, BootLine, options);
            app.Boot();
            app.Clock.ReportSntpTime();
            Kinds = new TapKind[count];
            if (print != null)
            {
                app.DecisionMade = OnDecision;
            }
        }

        /// <summary>Runs the script's loop iterations up to <paramref name="limit"/> (all of them for int.MaxValue).</summary>
        public void Run(int limit)
        {
            Run(limit, false);
        }

        /// <summary>As <see cref="Run(int)"/>; <paramref name="lastUntilDecided"/>: the last iteration run stops at its decision
        /// (<see cref="TerminalApplication.StepUntilDecided"/>, without the end-of-tap parking), so the benchmark costs the
        /// tap to the decision apart from what follows it.</summary>
        public void Run(int limit, bool lastUntilDecided)
        {
            for (; done < count && done < limit; done++)
            {
                DoEntry(done, lastUntilDecided && done == limit - 1);
            }
        }

        private void DoEntry(int i, bool untilDecided)
        {
            switch (actions[i])
            {
                case ActEnter:
                    field.Enter(arguments[i]);
                    break;
                case ActLeave:
                    field.Leave();
                    break;
                case ActCorrupt:
                    field.CorruptNextAnswers(arguments[i]);
                    break;
            }

            if (titles[i] != null && print != null)
            {
                print(Time() + "  --- " + titles[i]);
            }

            if (advances[i] == 0)
            {
                return;
            }

            Kinds[i] = untilDecided ? app.StepUntilDecided() : app.Step();
            app.CheckWatchdog();
            clock.Advance(advances[i]);
            field.Advance(advances[i]);
        }

        /// <summary>The first iteration index at or after <paramref name="from"/> whose loop verdict was <paramref name="kind"/> (after a full run), or -1.</summary>
        public int FindStep(TapKind kind, int from)
        {
            for (int i = from; i < done; i++)
            {
                if (advances[i] != 0 && Kinds[i] == kind)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Milliseconds the script lets pass after entry <paramref name="i"/> (the poll pause, not part of the iteration's cost).</summary>
        public int PauseAfter(int i) => advances[i];

        /// <summary>The card entering the field at entry <paramref name="i"/>, or -1.</summary>
        public int CardEnteringAt(int i) => actions[i] == ActEnter ? arguments[i] : -1;

        public void PrintSummary()
        {
            TapStatistics s = app.Statistics;
            Say("---- summary");
            Say("loop iterations " + done.ToString() + ", polls " + s.Polls.ToString() + ", loop exceptions " + s.LoopExceptions.ToString() + ", watchdog stalls " + app.Watchdog.Stalls.ToString());
            Say("taps decided " + s.Taps.ToString() + ": approved " + s.Approved.ToString() + " (offline " + s.ApprovedOffline.ToString() + "), denied " + s.Denied.ToString()
                + "; refused several cards " + s.RefusedSeveralCards.ToString() + "; resting polls " + s.RestingPolls.ToString() + "; removals " + s.Removals.ToString());
            string reasons = "";
            for (int i = 0; i < s.ByReason.Length; i++)
            {
                if (s.ByReason[i] > 0)
                {
                    reasons += " " + i.ToString() + ": " + s.ByReason[i].ToString() + ";";
                }
            }

            Say("by reason code:" + reasons);
            Say("reader: polls " + app.Reader.Polls.ToString() + ", new cards " + app.Reader.NewCards.ToString() + ", removals " + app.Reader.Removals.ToString()
                + ", errors " + app.Reader.Errors.ToString() + " (" + s.ReaderErrors.ToString() + " seen by the loop, " + s.ReaderErrorsJournaled.ToString() + " journaled)");
            Say("journal: last sequence " + app.Journal.LastSequence.ToString() + ", pending upload " + app.Journal.Depth.ToString());
            Say("outputs: green " + platform.Outputs.Rises[OutputSignal.GreenLed].ToString() + ", red " + platform.Outputs.Rises[OutputSignal.RedLed].ToString()
                + ", buzzer " + platform.Outputs.Rises[OutputSignal.Buzzer].ToString() + ", vend " + platform.Outputs.Rises[OutputSignal.VendPulse].ToString());
            Say("flash: " + files.WriteCount.ToString() + " writes, " + files.ReadCount.ToString() + " reads, " + files.TotalBytes.ToString() + " bytes stored");
            Say("reader health: " + app.ReaderHealth());
        }

        private void OnDecision(Decision d, TapKind kind)
        {
            if (d == null)
            {
                print(Time() + "  " + Pad("(" + KindName(kind) + ")", 16) + "  REFUSED before deciding    " + platform.Display.French + " | " + platform.Display.English);
                return;
            }

            string verdict = d.Approved ? "APPROVED" : "DENIED reason " + ((int)d.Reason).ToString();
            print(Time() + "  " + Pad(Hex(d.Uid, d.UidLength), 16) + "  " + Pad(verdict, 26) + " " + d.MessageFrench + " | " + d.MessageEnglish
                + (d.Journaled ? "  [journal #" + d.JournalSequence.ToString() + ", " + d.AmountCents.ToString() + " cents]" : "  [not journaled]"));
        }

        private void BootLine(string line)
        {
            Say("boot: " + line);
        }

        private void Say(string line)
        {
            if (print != null)
            {
                print(line);
            }
        }

        /// <summary>Script time as seconds.milliseconds since boot.</summary>
        private string Time()
        {
            long ms = clock.MonotonicMilliseconds;
            string frac = (ms % 1000).ToString();
            while (frac.Length < 3)
            {
                frac = "0" + frac;
            }

            return Pad((ms / 1000).ToString(), 4, true) + "." + frac + " s";
        }

        private static string Pad(string s, int width, bool left = false)
        {
            while (s.Length < width)
            {
                s = left ? " " + s : s + " ";
            }

            return s;
        }

        private static string KindName(TapKind kind)
        {
            switch (kind)
            {
                case TapKind.RefusedSeveralCards: return "several cards";
                case TapKind.RefusedNotConfigured: return "not configured";
                case TapKind.RefusedVendBusy: return "vend busy";
                case TapKind.ReaderError: return "read error";
                default: return "kind " + ((int)kind).ToString();
            }
        }
    }
}
