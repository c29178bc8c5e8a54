using System;
using LeoCarte.Drivers.Desfire;
using LeoCarte.Drivers.Iso14443;
using LeoCarte.Drivers.Mfrc522;

namespace LeoCarte.Drivers.Reader
{
    /// <summary>ISO/IEC 14443-4 card sessions on the card just reported: RATS, PPS, the DESFire command set and its block ciphers; closed by S(DESELECT).</summary>
    public sealed partial class CardReader
    {
        /// <summary>How the ATS of the session opened by <see cref="OpenCardSession"/> compares with DESFire's
        /// (<see cref="DesfireAts"/>): a card whose ATS is <c>NotDesfire</c> is not a LéoCarte, whatever it proves later.</summary>
        public AtsMatch SessionAts { get; private set; }

        /// <summary>The ISO/IEC 14443-4 transport of the card session opened by <see cref="OpenCardSession"/>.</summary>
        public IsoDep IsoDep => isoDep;

        /// <summary>DESFire commands over <see cref="IsoDep"/> (AES in the subset unless <see cref="UseBlockCiphers"/> was called).</summary>
        public DesfireCommands Desfire => desfire;

        /// <summary>Puts the DESFire session on other AES implementations (the device's native AES, three instances: card
        /// key, session encryption key, session MAC key). Call once at start-up; allocates the session objects.</summary>
        public void UseBlockCiphers(IBlockCipher keyCipher, IBlockCipher encryptionCipher, IBlockCipher macCipher)
        {
            desfire = new DesfireCommands(isoDep, new DesfireSession(keyCipher, encryptionCipher, macCipher));
        }

        /// <summary>
        /// Opens an ISO/IEC 14443-4 session with the card reported by the last NewCard while it rests on the reader: WUPA,
        /// SELECT by its UID (proof it is the same card), RATS (ATS into <paramref name="ats"/>), then the block protocol
        /// starts (<see cref="IsoDep"/>, <see cref="Desfire"/>). Always end with <see cref="CloseCardSession"/>. On failure
        /// the card is parked again (HLTA and S(DESELECT)). Never throws.
        /// </summary>
        public ReaderResult OpenCardSession(AtsInfo ats)
        {
            SessionAts = AtsMatch.NotRead;
            if (!cardPresent)
            {
                return ReaderResult.Timeout;
            }

            try
            {
                desfire.Session.Clear();
                ReaderResult result = picc.WakeUpA(probe);
                if (result == ReaderResult.Ok)
                {
                    result = picc.SelectKnownUid(current);
                }

                if (result == ReaderResult.Ok && !CardTypes.IsIso14443_4Compliant(current.Sak))
                {
                    result = ReaderResult.Protocol;
                }

                if (result == ReaderResult.Ok)
                {
                    currentMayBeInProtocol = true;
                    result = picc.RequestAts(ats);
                }

                if (result == ReaderResult.Ok)
                {
                    // The ATS check of the card identity, also when the tap itself did not ask for the ATS.
                    current.Ats = DesfireAts.Classify(ats);
                    SessionAts = current.Ats;
                    result = SelectSessionBitRate(ats);
                }

                if (result == ReaderResult.Ok)
                {
                    isoDep.Begin(ats);
                    return ReaderResult.Ok;
                }

                if (result != ReaderResult.ChipFault)
                {
                    Park(currentMayBeInProtocol);
                }

                return result;
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
                return ReaderResult.ChipFault;
            }
        }

        /// <summary>Ends the card session: keys forgotten, S(DESELECT) (HLTA too if the card did not confirm), so the card
        /// rests in HALT and the presence check goes on. Never throws.</summary>
        public void CloseCardSession()
        {
            desfire.Session.Clear();
            try
            {
                if (picc.DeselectCard() != ReaderResult.Ok)
                {
                    Park(true);
                }

                currentMayBeInProtocol = false;
                chip.SetBitRate(0);
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
            }
        }
    }
}
