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
        public AtsMatch SessionAts => sessionAts;

        private AtsMatch sessionAts;

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
        /// Opens an ISO/IEC 14443-4 session with the card reported by the last NewCard while it rests on the reader. A card the
        /// Poll kept ACTIVE (<see cref="CardReaderOptions.KeepIso14443_4CardActive"/>) with nothing sent since gets RATS at
        /// once; otherwise WUPA, SELECT by its UID (proof it is the same card), then RATS. The ATS goes into
        /// <paramref name="ats"/>, PPS follows when the ATS allows the session bit rate, then the block protocol starts
        /// (<see cref="IsoDep"/>, <see cref="Desfire"/>). End the tap with <see cref="ParkCard"/> (or
        /// <see cref="CloseCardSession"/>). On failure the card is parked again (HLTA and S(DESELECT)). Never throws.
        /// </summary>
        public ReaderResult OpenCardSession(AtsInfo ats)
        {
            sessionAts = AtsMatch.NotRead;
            if (!cardPresent)
            {
                return ReaderResult.Timeout;
            }

            try
            {
                bool active = TakeKeptActiveCard();
                if (!active)
                {
                    // A card still ACTIVE (kept, but something went over the bus since) or in an open session would take
                    // WUPA as an unexpected frame or ignore it: back to HALT first. Nothing is sent when nothing is pending.
                    ParkCard();
                }

                desfire.Session.Clear();
                ReaderResult result;
                if (active)
                {
                    sessionsOnKeptCard++;
                    currentMayBeInProtocol = true;
                    result = picc.RequestAts(ats);
                    if (result != ReaderResult.Ok && result != ReaderResult.ChipFault)
                    {
                        // The RATS or its ATS was lost or garbled, or the card left: it may be IDLE (an ACTIVE card falls back
                        // on a frame it cannot decode, ISO/IEC 14443-3 §6.3), still ACTIVE, in the 14443-4 state, or gone.
                        // HLTA and S(DESELECT) put it in HALT whichever it is, and the activation starts over from WUPA as
                        // for a card that was not kept.
                        KeptCardFallbacks++;
                        Park(true);
                        result = Activate(ats);
                    }
                }
                else
                {
                    result = Activate(ats);
                }

                if (result == ReaderResult.Ok)
                {
                    // The ATS check of the card identity, also when the tap itself did not ask for the ATS.
                    AtsMatch match = DesfireAts.Classify(ats);
                    current.Ats = match;
                    sessionAts = match;
                    result = SelectSessionBitRate(ats);
                }

                if (result == ReaderResult.Ok)
                {
                    isoDep.Begin(ats);
                    sessionOpen = true;
                    parkPending = true;
                    return ReaderResult.Ok;
                }

                parkPending = false;
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
                parkPending = false;
                return ReaderResult.ChipFault;
            }
        }

        /// <summary>WUPA, SELECT by the known UID, the SAK's ISO/IEC 14443-4 bit, RATS: a card in HALT or IDLE to the 14443-4 state.</summary>
        private ReaderResult Activate(AtsInfo ats)
        {
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

            return result;
        }

        /// <summary>Ends the card session: keys forgotten, S(DESELECT) (HLTA too if the card did not confirm), back to
        /// 106 kbit/s, so the card rests in HALT and the presence check goes on. <see cref="ParkCard"/> calls it for an open
        /// session. Never throws.</summary>
        public void CloseCardSession()
        {
            desfire.Session.Clear();
            sessionOpen = false;
            parkPending = false;
            keptActive = false;
            try
            {
                if (picc.DeselectCard() != ReaderResult.Ok)
                {
                    Park(true);
                }

                currentMayBeInProtocol = false;

                // Back to 106 kbit/s with the chip's CRC off, as the next Poll's WUPA/REQA needs it: TxModeReg and RxModeReg
                // written once, not for the rate now and for the CRC bits at the next Poll.
                chip.SetIso14443_3Modes();
            }
            catch (Exception)
            {
                ExceptionsCaught++;
                recoveryNeeded = true;
            }
        }
    }
}
