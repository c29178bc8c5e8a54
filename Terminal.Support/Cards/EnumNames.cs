namespace LeoCarte.Terminal.Cards
{
    /// <summary>The member name of a <see cref="CsnParseResult"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class CsnParseResultNames
    {
        public static string Of(CsnParseResult value)
        {
            switch (value)
            {
                case CsnParseResult.Ok: return "Ok";
                case CsnParseResult.Empty: return "Empty";
                case CsnParseResult.BadCharacter: return "BadCharacter";
                case CsnParseResult.BadLength: return "BadLength";
                case CsnParseResult.TooLarge: return "TooLarge";
                case CsnParseResult.BufferTooSmall: return "BufferTooSmall";
                case CsnParseResult.BadForm: return "BadForm";
                default: return "CsnParseResult " + ((int)value).ToString();
            }
        }
    }
}
