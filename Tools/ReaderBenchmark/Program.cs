using System;
using System.Globalization;
using System.Linq;
using LeoCarte.Simulator;

namespace LeoCarte.Tools.ReaderBenchmark
{
    /// <summary>Prints the reader benchmark table (Drivers/README.md): <c>dotnet run --project Tools/ReaderBenchmark</c>.</summary>
    public static class Program
    {
        public static int Main()
        {
            var rows = ReaderScenarios.All();
            Console.WriteLine("MFRC522 reader benchmark on the register-level simulator (Simulator/), one operation per row");
            Console.WriteLine(new CostModel().ToString());
            Console.WriteLine("modeled = simulator model clock (SPI transfers + bits, RF frames and frame delays, chip timer, GPIO reads);");
            Console.WriteLine("alloc = managed bytes allocated by the driver for the operation after warm-up (record/replay, simulator excluded)");
            Console.WriteLine();
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0,-62} | {1,-29} | {2,2} | {3,9} | {4,6} | {5,11} | {6,9} | {7,9} | {8,5} | {9,6} |",
                "scenario", "driver", "ok", "transfers", "bytes", "modeled µs", "SPI µs", "RF µs", "GPIO", "alloc"));
            Console.WriteLine("|" + new string('-', 64) + "|" + new string('-', 31) + "|----|-----------|--------|-------------|-----------|-----------|-------|--------|");
            foreach (var row in rows)
            {
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0,-62} | {1,-29} | {2,2} | {3,9} | {4,6} | {5,11:0.0} | {6,9:0.0} | {7,9:0.0} | {8,5} | {9,6} |",
                    row.Scenario, row.Driver, row.Succeeded ? "ok" : "NO", row.Transfers, row.Bytes, row.ModeledNs / 1000.0,
                    row.SpiNs / 1000.0, row.RfAirNs / 1000.0, row.GpioReads, row.AllocatedBytes < 0 ? "n/a" : row.AllocatedBytes.ToString(CultureInfo.InvariantCulture)));
            }

            Console.WriteLine();
            foreach (var row in rows.Where(r => r.Note.Length > 0))
            {
                Console.WriteLine("note: " + row.Driver + " " + row.Scenario + ": " + row.Note);
            }

            var ours = rows.Where(r => r.Driver == "ours").ToDictionary(r => r.Scenario);
            var polling = rows.Where(r => r.Driver == "ours, no IRQ line").ToDictionary(r => r.Scenario);
            var binding = rows.Where(r => r.Driver == "IoT binding 4.2.0").ToDictionary(r => r.Scenario);
            var instantBinding = rows.Where(r => r.Driver == "IoT binding 4.2.0, instant RF").ToDictionary(r => r.Scenario);
            var instantOurs = rows.Where(r => r.Driver == "ours, instant RF").ToDictionary(r => r.Scenario);
            foreach (var key in binding.Keys)
            {
                if (ours.TryGetValue(key, out var mine) && binding[key].Transfers > 0)
                {
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "ratio {0}: ours {1} / binding {2} transfers = {3:0.00}",
                        key, mine.Transfers, binding[key].Transfers, (double)mine.Transfers / binding[key].Transfers));
                }

                if (polling.TryGetValue(key, out var polled) && binding[key].Transfers > 0)
                {
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "ratio {0}: ours without IRQ line {1} / binding {2} transfers = {3:0.00}",
                        key, polled.Transfers, binding[key].Transfers, (double)polled.Transfers / binding[key].Transfers));
                }
            }

            foreach (var key in instantBinding.Keys)
            {
                if (instantOurs.TryGetValue(key, out var mine))
                {
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "ratio {0}, instant RF: ours {1} / binding {2} transfers = {3:0.00}",
                        key, mine.Transfers, instantBinding[key].Transfers, (double)mine.Transfers / instantBinding[key].Transfers));
                }
            }

            bool targets = ours["(a) poll, empty field"].Transfers <= 10
                && ours["(c) detect + select, 7-byte UID"].Transfers * 3 <= binding["(c) detect + select, 7-byte UID"].Transfers
                && ours["(d) detect + select + auth + read block, 4-byte"].Transfers * 3 <= binding["(d) detect + select + auth + read block, 4-byte"].Transfers
                && rows.Where(r => r.Driver.StartsWith("ours")).All(r => r.Succeeded && r.AllocatedBytes == 0);
            Console.WriteLine("targets (a) <= 10 transfers, (c) and (d) <= 1/3 of the binding, 0 bytes allocated: " + (targets ? "MET" : "NOT MET"));
            return targets ? 0 : 1;
        }
    }
}
