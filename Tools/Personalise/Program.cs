using System;

namespace LeoCarte.Tools.Personalise;

public static class Program
{
    public static int Main(string[] args) => PersonaliseCommand.Run(args, Console.Out);
}
