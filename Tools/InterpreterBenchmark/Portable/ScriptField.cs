namespace LeoCarte.NanoApp
{
    /// <summary>
    /// The world in front of the reader during the script: on .NET the register-level MFRC522 simulator (cards
    /// enter and leave its RF field, faults, model time); on the interpreter nothing, because the replayed
    /// recording already carries what the chip answered.
    /// </summary>
    public interface IScriptField
    {
        void Enter(int card);

        void Leave();

        /// <summary>The next <paramref name="answers"/> card answers arrive with a bad CRC (RF noise).</summary>
        void CorruptNextAnswers(int answers);

        void Advance(int milliseconds);
    }

    /// <summary>No world at all: the replay carries it (the interpreter side).</summary>
    public sealed class ReplayedField : IScriptField
    {
        public void Enter(int card)
        {
        }

        public void Leave()
        {
        }

        public void CorruptNextAnswers(int answers)
        {
        }

        public void Advance(int milliseconds)
        {
        }
    }
}
