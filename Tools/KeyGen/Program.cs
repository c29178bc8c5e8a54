using System;

namespace LeoCarte.Tools.KeyGen;

public static class Program
{
    public static int Main(string[] args) => KeyGenCommand.Run(args, Console.Out);
}
