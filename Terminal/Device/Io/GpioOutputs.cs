// Device-only (nanoFramework.System.Device.Gpio 1.1.62): not part of the host or conformance builds.
using System.Device.Gpio;
using LeoCarte.Terminal.App;
using LeoCarte.Terminal.Config;

namespace LeoCarte.Terminal.Device.Io
{
    /// <summary>
    /// The LEDs, buzzer and vend output on GPIO (pins from <see cref="PinAssignment"/>, wiring in
    /// hardware/README.md). Pins are opened once as outputs and driven low (all off) at start, so a reboot
    /// never leaves the vend relay closed.
    /// </summary>
    public sealed class GpioOutputs : IDigitalOutputs
    {
        private readonly GpioPin[] pins = new GpioPin[OutputSignal.Count];

        public GpioOutputs(GpioController controller, PinAssignment assignment)
        {
            pins[OutputSignal.GreenLed] = Open(controller, assignment.LedGreen);
            pins[OutputSignal.RedLed] = Open(controller, assignment.LedRed);
            pins[OutputSignal.Buzzer] = Open(controller, assignment.Buzzer);
            pins[OutputSignal.VendPulse] = Open(controller, assignment.VendPulse);
        }

        public void Set(int signal, bool on)
        {
            pins[signal].Write(on ? PinValue.High : PinValue.Low);
        }

        private static GpioPin Open(GpioController controller, int pinNumber)
        {
            GpioPin pin = controller.OpenPin(pinNumber, PinMode.Output);
            pin.Write(PinValue.Low);
            return pin;
        }
    }
}
