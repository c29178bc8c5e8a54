// nanoFramework-only: built by the device .nfproj (packages nanoFramework.System.Device.Spi 1.3.89,
// nanoFramework.Hardware.Esp32 1.6.40), excluded from the portable builds (Builds/Drivers excludes Device/).
using System;
using System.Device.Spi;
using LeoCarte.Drivers.Mfrc522;
using nanoFramework.Hardware.Esp32;

namespace LeoCarte.Drivers.Device
{
    /// <summary>
    /// <see cref="IRegisterBus"/> over nanoFramework's <see cref="SpiDevice"/>: one
    /// <c>TransferFullDuplex</c> = one chip select (MFRC522 datasheet §8.1.2: SPI mode 0, MSB first, up to 10 Mbit/s).
    /// The <see cref="SpanByte"/> views over the driver's own buffers are structs, so a transfer allocates nothing.
    /// </summary>
    public sealed class SpiRegisterBus : IRegisterBus, IDisposable
    {
        /// <summary>MFRC522 maximum SPI clock (datasheet §8.1.2).</summary>
        public const int MaxClockHz = 10_000_000;

        private readonly SpiDevice device;

        /// <summary>
        /// Routes the bus's signals to the given GPIOs (ESP32 GPIO matrix) and opens the device with the chip
        /// select driven by the SPI driver. nanoFramework's bus 1 is the ESP32's HSPI controller (SPI1_* pin
        /// functions), bus 2 is VSPI (SPI2_*). Pin numbers come from Terminal/Config/PinAssignment (hardware/README.md).
        /// </summary>
        public SpiRegisterBus(int busId, int chipSelectPin, int clockPin, int misoPin, int mosiPin, int clockHz)
        {
            if (busId == 1)
            {
                Configuration.SetPinFunction(mosiPin, DeviceFunction.SPI1_MOSI);
                Configuration.SetPinFunction(misoPin, DeviceFunction.SPI1_MISO);
                Configuration.SetPinFunction(clockPin, DeviceFunction.SPI1_CLOCK);
            }
            else
            {
                Configuration.SetPinFunction(mosiPin, DeviceFunction.SPI2_MOSI);
                Configuration.SetPinFunction(misoPin, DeviceFunction.SPI2_MISO);
                Configuration.SetPinFunction(clockPin, DeviceFunction.SPI2_CLOCK);
            }

            SpiConnectionSettings settings = new SpiConnectionSettings(busId, chipSelectPin);
            settings.ClockFrequency = clockHz <= 0 || clockHz > MaxClockHz ? MaxClockHz : clockHz;
            settings.Mode = SpiMode.Mode0;
            settings.DataFlow = DataFlow.MsbFirst;
            settings.DataBitLength = 8;
            settings.Configuration = SpiBusConfiguration.FullDuplex;
            device = SpiDevice.Create(settings);
        }

        public void Transfer(byte[] tx, byte[] rx, int length)
        {
            // Most transfers of an exchange use buffers of exactly their length (Mfrc522Chip's write templates and status
            // read): the one-argument SpanByte constructor (CoreLibrary 1.17.11) is three stores, the three-argument one
            // checks its bounds first (interpreted on the device, twice per transfer).
            if (length == tx.Length && length == rx.Length)
            {
                device.TransferFullDuplex(new SpanByte(tx), new SpanByte(rx));
            }
            else
            {
                device.TransferFullDuplex(new SpanByte(tx, 0, length), new SpanByte(rx, 0, length));
            }
        }

        public void Dispose()
        {
            device.Dispose();
        }
    }
}
