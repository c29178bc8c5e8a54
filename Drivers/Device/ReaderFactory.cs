// nanoFramework-only: wires the portable CardReader to the ESP32 pins of hardware/README.md.
using LeoCarte.Drivers.Mfrc522;
using LeoCarte.Drivers.Reader;

namespace LeoCarte.Drivers.Device
{
    /// <summary>Builds the terminal's <see cref="CardReader"/> on the device from pin numbers
    /// (Terminal/Config/PinAssignment supplies them; Drivers does not depend on Terminal).</summary>
    public static class ReaderFactory
    {
        public static CardReader Create(int spiBus, int chipSelect, int clock, int miso, int mosi, int reset, int irq,
            Mfrc522Options chipOptions, CardReaderOptions readerOptions)
        {
            SpiRegisterBus bus = new SpiRegisterBus(spiBus, chipSelect, clock, miso, mosi, SpiRegisterBus.MaxClockHz);
            GpioReaderPins pins = new GpioReaderPins(reset, irq);
            if (chipOptions == null)
            {
                chipOptions = new Mfrc522Options();
            }

            if (irq < 0)
            {
                chipOptions.UseIrqPin = false;
            }

            return new CardReader(bus, pins, chipOptions, readerOptions);
        }
    }
}
