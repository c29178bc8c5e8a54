namespace LeoCarte.Tools.EcdsaOpCount
{
    /// <summary>The part measured when run.sh did not choose one: one P-256 verification.</summary>
    internal static class Part
    {
        public const string Name = "verify-p256";
    }
}
