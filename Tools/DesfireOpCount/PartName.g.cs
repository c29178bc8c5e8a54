namespace LeoCarte.Tools.DesfireOpCount { internal static class Part { public const string Name = "setup"; } }
