namespace LeoCarte.Terminal.Config
{
    /// <summary>
    /// One problem found in a configuration file: where (1-based line, 0 = the file as a whole, e.g. a required
    /// field that is missing), which field ("section.key"), and what was expected there. Secret values are
    /// never copied into an error.
    /// </summary>
    public sealed class ConfigError
    {
        public readonly int Line;
        public readonly string Field;
        public readonly string Expected;

        public ConfigError(int line, string field, string expected)
        {
            Line = line;
            Field = field;
            Expected = expected;
        }

        /// <summary>"line 12: wifi.ssid: expected 1 to 32 bytes" (or "wifi.ssid: ..." for line 0).</summary>
        public override string ToString()
        {
            if (Line > 0)
            {
                return "line " + Line.ToString() + ": " + Field + ": expected " + Expected;
            }

            return Field + ": expected " + Expected;
        }
    }

    /// <summary>
    /// Every error of one parse, in file order, with a fixed capacity so a garbage file cannot exhaust the
    /// device's heap; errors beyond the capacity are counted in <see cref="Dropped"/>.
    /// </summary>
    public sealed class ConfigErrors
    {
        /// <summary>Errors kept; more than this is a wrong file, not a file to fix line by line.</summary>
        public const int Capacity = 40;

        private readonly ConfigError[] items = new ConfigError[Capacity];
        private int count;
        private int dropped;

        /// <summary>Errors kept (at most <see cref="Capacity"/>).</summary>
        public int Count => count;

        /// <summary>Errors found beyond <see cref="Capacity"/>.</summary>
        public int Dropped => dropped;

        public bool HasErrors => count > 0;

        public ConfigError this[int index] => items[index];

        public void Add(int line, string field, string expected)
        {
            if (count < Capacity)
            {
                items[count++] = new ConfigError(line, field, expected);
            }
            else
            {
                dropped++;
            }
        }

        /// <summary>True when an error for <paramref name="field"/> has been recorded (tests, validator).</summary>
        public bool Contains(string field)
        {
            for (int i = 0; i < count; i++)
            {
                if (items[i].Field == field)
                {
                    return true;
                }
            }

            return false;
        }

        public void Clear()
        {
            for (int i = 0; i < count; i++)
            {
                items[i] = null;
            }

            count = 0;
            dropped = 0;
        }
    }
}
