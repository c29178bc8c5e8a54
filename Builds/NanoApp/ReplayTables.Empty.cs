namespace LeoCarte.NanoApp
{
    /// <summary>
    /// Stand-in for the recorded reader answers (empty: a run replays nothing). Tools/InterpreterBenchmark
    /// generates the real tables from a host run on the simulator and builds the nano app with them.
    /// </summary>
    public static class ReplayTables
    {
        public static ReaderRecording Lunch()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }

        public static ReaderRecording LunchInstantIrq()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }

        public static ReaderRecording Classic()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }

        public static ReaderRecording Desfire()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }

        public static ReaderRecording DesfireInstantIrq()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }

        public static ReaderRecording Originality()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }

        public static ReaderRecording OriginalityInstantIrq()
        {
            return new ReaderRecording(new byte[0], new byte[0], 0, new int[0], 0);
        }
    }
}
