namespace LeoCarte.Terminal.App
{
    /// <summary>Drives the outputs; the device adapter writes GPIO pins, the virtual terminal records changes.</summary>
    public interface IDigitalOutputs
    {
        void Set(int signal, bool on);
    }
}
