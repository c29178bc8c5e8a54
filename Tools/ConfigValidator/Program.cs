using System;

namespace LeoCarte.Tools.ConfigValidator;

public static class Program
{
    public static int Main(string[] args) => ValidatorCommand.Run(args, Console.Out, DateTime.UtcNow);
}
