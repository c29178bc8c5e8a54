using System;
using System.Collections.Generic;
using LeoCarte.Simulator.Cards;

namespace LeoCarte.Simulator.Rf
{
    /// <summary>
    /// The reader's RF field: the cards in range. Cards can be added or removed at any moment (also from
    /// <see cref="Mfrc522Simulator.BeforeTransfer"/>, between two SPI transfers). A card is powered while it is in
    /// the field and the antenna drivers are on; losing power resets it (ISO/IEC 14443-3 §6.3.1 POWER-OFF).
    /// </summary>
    public sealed class RfField
    {
        private readonly List<VirtualCard> cards = new List<VirtualCard>();
        private readonly Func<long> clock;

        internal RfField(Func<long> clock)
        {
            this.clock = clock;
        }

        /// <summary>
        /// Time a card needs after it gets power before it decodes frames (ISO/IEC 14443-3 allows up to 5 ms).
        /// Default 0; frames arriving earlier are not received (the card stays IDLE).
        /// </summary>
        public long CardPowerUpNs { get; set; }

        /// <summary>True while the chip drives the antenna (TxControlReg Tx1RFEn or Tx2RFEn).</summary>
        public bool Powered { get; private set; }

        public IReadOnlyList<VirtualCard> Cards => this.cards;

        public int Count => this.cards.Count;

        /// <summary>Brings a card into the field (powered at once if the field is on). Returns the card.</summary>
        public T Add<T>(T card) where T : VirtualCard
        {
            if (card == null)
            {
                throw new ArgumentNullException(nameof(card));
            }

            if (this.cards.Contains(card))
            {
                throw new InvalidOperationException("The card is already in the field.");
            }

            this.cards.Add(card);
            if (Powered)
            {
                card.PowerOn(this.clock());
            }
            else
            {
                card.PowerOff();
            }

            return card;
        }

        /// <summary>Takes a card away; it loses power and every volatile state. False if it was not there.</summary>
        public bool Remove(VirtualCard card)
        {
            if (!this.cards.Remove(card))
            {
                return false;
            }

            card.PowerOff();
            return true;
        }

        /// <summary>Takes every card away.</summary>
        public void Clear()
        {
            foreach (var card in this.cards)
            {
                card.PowerOff();
            }

            this.cards.Clear();
        }

        public bool Contains(VirtualCard card) => this.cards.Contains(card);

        internal void SetPowered(bool on)
        {
            if (on == Powered)
            {
                return;
            }

            Powered = on;
            foreach (var card in this.cards)
            {
                if (on)
                {
                    card.PowerOn(this.clock());
                }
                else
                {
                    card.PowerOff();
                }
            }
        }

        /// <summary>Delivers one reader frame to every card; returns the answers of those that answer.</summary>
        internal List<KeyValuePair<VirtualCard, CardAnswer>> Transmit(ReaderFrame frame, Func<VirtualCard, bool> understands)
        {
            var answers = new List<KeyValuePair<VirtualCard, CardAnswer>>();
            if (!Powered)
            {
                return answers;
            }

            long now = this.clock();
            foreach (var card in this.cards.ToArray())
            {
                if (card.State != CardState.PowerOff && now < card.PoweredAtNs + CardPowerUpNs)
                {
                    continue;
                }

                var answer = card.Receive(frame, understands(card));
                if (answer != null)
                {
                    answers.Add(new KeyValuePair<VirtualCard, CardAnswer>(card, answer));
                }
            }

            return answers;
        }
    }
}
