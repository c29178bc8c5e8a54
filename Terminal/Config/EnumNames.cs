namespace LeoCarte.Terminal.Config
{
    /// <summary>The member name of a <see cref="ConfigurationStatus"/> value, for logs and test failures (nanoFramework 1.x
    /// prints enums as numbers).</summary>
    public static class ConfigurationStatusNames
    {
        public static string Of(ConfigurationStatus value)
        {
            switch (value)
            {
                case ConfigurationStatus.Valid: return "Valid";
                case ConfigurationStatus.Missing: return "Missing";
                case ConfigurationStatus.Invalid: return "Invalid";
                default: return "ConfigurationStatus " + ((int)value).ToString();
            }
        }
    }
}
