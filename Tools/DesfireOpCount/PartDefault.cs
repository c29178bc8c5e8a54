namespace LeoCarte.Tools.DesfireOpCount
{
    /// <summary>The part measured when run.sh did not choose one: the whole tap.</summary>
    internal static class Part
    {
        public const string Name = "tap";
    }
}
