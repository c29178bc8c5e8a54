namespace LeoCarte.Terminal.Journal
{
    /// <summary>The member name of a <see cref="JournalResult"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class JournalResultNames
    {
        public static string Of(JournalResult value)
        {
            switch (value)
            {
                case JournalResult.Ok: return "Ok";
                case JournalResult.Full: return "Full";
                case JournalResult.StorageError: return "StorageError";
                case JournalResult.NotOpen: return "NotOpen";
                default: return "JournalResult " + ((int)value).ToString();
            }
        }
    }
}
