using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>
    /// The card session's bit rate: after the ATS, PPS (ISO/IEC 14443-4 §5.6.2) to <see cref="CardReaderOptions.SessionBitRate"/>
    /// when the card's TA(1) allows it (a DESFire allows 212/424/848 both ways), so the DESFire exchanges of a tap spend a
    /// quarter of the air time at 424 kbit/s. If the PPS answer is lost the card may or may not have switched: it is
    /// deselected at both rates and the session is opened again at 106 kbit/s (WUPA, SELECT, RATS): the fall-back.
    /// </summary>
    public sealed partial class CardReader
    {
        /// <summary>PPS exchanges that failed and fell back to 106 kbit/s (counter, never reset).</summary>
        public int PpsFallbacks { get; private set; }

        private ReaderResult SelectSessionBitRate(AtsInfo ats)
        {
            int rate = options.SessionBitRate;
            // DESFire's factory ATS offers 212, 424 and 848 kbit/s both ways (TA(1) 77h): no need to decode it again.
            if (rate <= 0 || !(ats.DesfireFactory && rate <= 3) && !Iso14443TypeA.AtsSupportsBitRate(ats, rate))
            {
                return ReaderResult.Ok;
            }

            ReaderResult result = picc.RequestPps(rate);
            if (result == ReaderResult.Ok || result == ReaderResult.ChipFault)
            {
                return result;
            }

            // Lost or garbled PPS answer: halt the card whatever rate it is at, then activate it again at 106.
            PpsFallbacks++;
            if (picc.DeselectAtEitherRate(rate) == ReaderResult.ChipFault)
            {
                return ReaderResult.ChipFault;
            }

            result = picc.WakeUpA(probe);
            if (result == ReaderResult.Ok)
            {
                result = picc.SelectKnownUid(current);
            }

            if (result == ReaderResult.Ok)
            {
                result = picc.RequestAts(ats);
            }

            return result;
        }
    }
}
