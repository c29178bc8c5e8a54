namespace LeoCarte.Terminal.Allowlist
{
    /// <summary>The member name of a <see cref="ListUpdateResult"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class ListUpdateResultNames
    {
        public static string Of(ListUpdateResult value)
        {
            switch (value)
            {
                case ListUpdateResult.Ok: return "Ok";
                case ListUpdateResult.BadMagic: return "BadMagic";
                case ListUpdateResult.BadFormat: return "BadFormat";
                case ListUpdateResult.Truncated: return "Truncated";
                case ListUpdateResult.BadSignature: return "BadSignature";
                case ListUpdateResult.VersionNotNewer: return "VersionNotNewer";
                case ListUpdateResult.BaseMismatch: return "BaseMismatch";
                case ListUpdateResult.WrongSite: return "WrongSite";
                case ListUpdateResult.BadDelta: return "BadDelta";
                case ListUpdateResult.StorageError: return "StorageError";
                case ListUpdateResult.NotStarted: return "NotStarted";
                case ListUpdateResult.LimitExceeded: return "LimitExceeded";
                case ListUpdateResult.InvalidArgument: return "InvalidArgument";
                case ListUpdateResult.Superseded: return "Superseded";
                case ListUpdateResult.UnknownKey: return "UnknownKey";
                case ListUpdateResult.BadChunk: return "BadChunk";
                case ListUpdateResult.VersionJumpTooLarge: return "VersionJumpTooLarge";
                case ListUpdateResult.DatabaseChanged: return "DatabaseChanged";
                default: return "ListUpdateResult " + ((int)value).ToString();
            }
        }
    }

    /// <summary>The member name of a <see cref="ListKind"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class ListKindNames
    {
        public static string Of(ListKind value)
        {
            switch (value)
            {
                case ListKind.Snapshot: return "Snapshot";
                case ListKind.Delta: return "Delta";
                default: return "ListKind " + ((int)value).ToString();
            }
        }
    }
}
