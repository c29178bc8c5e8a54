// nanoFramework-only: built by the device .nfproj (packages nanoFramework.System.Device.Gpio 1.1.62,
// nanoFramework.Hardware.Esp32 1.6.40), excluded from the portable builds.
using System;
using System.Device.Gpio;
using System.Threading;
using LeoCarte.Drivers.Mfrc522;
using nanoFramework.Hardware.Esp32;

namespace LeoCarte.Drivers.Device
{
    /// <summary>
    /// <see cref="IReaderPins"/> on ESP32 GPIOs: NRSTPD as an output, IRQ as an input with pull-up. The driver
    /// sets ComIEnReg.IRqInv and leaves DivIEnReg.IRQPushPull at 0 (open drain), so the line is pulled low while
    /// an enabled interrupt is pending (datasheet §9.3.1.3, §9.3.1.4) — hence "asserted" = Low.
    /// Time comes from the ESP32 high-resolution timer (µs since boot): monotonic, unaffected by SNTP.
    /// </summary>
    public sealed class GpioReaderPins : IReaderPins, IDisposable
    {
        private readonly GpioController controller;
        private readonly GpioPin resetPin;
        private readonly GpioPin irqPin;
        private readonly int resetPinNumber;
        private readonly int irqPinNumber;
        private bool disposed;

        /// <param name="irqPinNumber">GPIO of the IRQ line, or -1 when it is not wired (the driver then polls
        /// ComIrqReg; set Mfrc522Options.UseIrqPin = false too).</param>
        public GpioReaderPins(int resetPinNumber, int irqPinNumber)
        {
            this.resetPinNumber = resetPinNumber;
            this.irqPinNumber = irqPinNumber;
            controller = new GpioController();
            resetPin = controller.OpenPin(resetPinNumber, PinMode.Output);
            resetPin.Write(PinValue.High);
            if (irqPinNumber >= 0)
            {
                irqPin = controller.OpenPin(irqPinNumber, PinMode.InputPullUp);
            }
        }

        public void SetResetHigh(bool high)
        {
            resetPin.Write(high ? PinValue.High : PinValue.Low);
        }

        public bool IrqAsserted => irqPin != null && irqPin.Read() == PinValue.Low;

        public long MonotonicMilliseconds => (long)(HighResTimer.GetCurrent() / 1000UL);

        /// <summary>Only the reset sequence and the self-test wait on purpose (datasheet §8.8.1, §8.8.2, §16.1.1).</summary>
        public void Delay(int milliseconds)
        {
            Thread.Sleep(milliseconds);
        }

        /// <summary>Closes the reader's two pins, and only those. Not controller.Dispose(): in System.Device.Gpio
        /// 1.1.62 every GpioController shares one static list of open pins (s_GpioPins) and Dispose closes all of
        /// them — the LEDs, buzzer and vend output opened elsewhere would go dead.</summary>
        public void Dispose()
        {
            if (disposed)
            {
                return; // ClosePin throws for a pin that is not open
            }

            disposed = true;
            controller.ClosePin(resetPinNumber);
            if (irqPin != null)
            {
                controller.ClosePin(irqPinNumber);
            }
        }
    }
}
