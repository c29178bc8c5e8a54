using LeoCarte.Terminal.App;

namespace LeoCarte.Terminal.Tests.App
{
    /// <summary>Records output changes with their time, like a logic analyser on the GPIO lines.</summary>
    public sealed class RecordingOutputs : IDigitalOutputs
    {
        public readonly bool[] State = new bool[OutputSignal.Count];
        public int Changes;
        public int RisingEdges;

        public void Set(int signal, bool on)
        {
            if (on && !State[signal])
            {
                RisingEdges++;
            }

            State[signal] = on;
            Changes++;
        }
    }
}
