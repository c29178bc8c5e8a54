// Fake of nanoFramework System.Device.Gpio 1.1.62 and nanoFramework.Hardware.Esp32 1.6.40 (HighResTimer), with the
// behaviour GpioReaderPins meets, as in System.Device.Gpio/GpioController.cs at tag v1.1.62: every controller
// shares ONE static list of open pins (s_GpioPins); OpenPin adds to it; ClosePin(n) disposes and removes pin n
// (InvalidOperationException when it is not open); Dispose() disposes every pin of the list, whoever opened it.
using System;
using System.Collections;

namespace System.Device.Gpio
{
    public enum PinMode { Input = 0, Output = 1, InputPullDown = 2, InputPullUp = 3 }

    public struct PinValue
    {
        private readonly byte value;
        private PinValue(byte value) { this.value = value; }
        public static PinValue Low => new PinValue(0);
        public static PinValue High => new PinValue(1);
        public static bool operator ==(PinValue a, PinValue b) => a.value == b.value;
        public static bool operator !=(PinValue a, PinValue b) => a.value != b.value;
        public override bool Equals(object obj) => obj is PinValue other && other.value == value;
        public override int GetHashCode() => value;
    }

    public sealed class GpioPin : IDisposable
    {
        private PinValue level = PinValue.Low;

        internal GpioPin(int pinNumber) { PinNumber = pinNumber; }

        public int PinNumber { get; }
        public bool IsDisposed { get; private set; }
        public PinMode Mode { get; internal set; }

        public void Write(PinValue value)
        {
            if (IsDisposed) throw new ObjectDisposedException("GpioPin " + PinNumber);
            level = value;
        }

        public PinValue Read()
        {
            if (IsDisposed) throw new ObjectDisposedException("GpioPin " + PinNumber);
            return Mode == PinMode.InputPullUp ? PinValue.High : level;
        }

        public void Dispose() => IsDisposed = true;
    }

    public class GpioController : IDisposable
    {
        private static readonly ArrayList s_GpioPins = new ArrayList();

        public static int OpenPinCount => s_GpioPins.Count;

        public static void ResetForTest() => s_GpioPins.Clear();

        public GpioPin OpenPin(int pinNumber, PinMode mode)
        {
            foreach (GpioPin open in s_GpioPins)
            {
                if (open.PinNumber == pinNumber) throw new InvalidOperationException("pin " + pinNumber + " already open");
            }

            GpioPin pin = new GpioPin(pinNumber) { Mode = mode };
            s_GpioPins.Add(pin);
            return pin;
        }

        public void ClosePin(int pinNumber)
        {
            for (int i = 0; i < s_GpioPins.Count; i++)
            {
                if (((GpioPin)s_GpioPins[i]).PinNumber == pinNumber)
                {
                    ((GpioPin)s_GpioPins[i]).Dispose();
                    s_GpioPins.RemoveAt(i);
                    return;
                }
            }

            throw new InvalidOperationException();
        }

        public void Dispose()
        {
            // 1.1.62: "1st dispose the pins that where opened through the controller" — all of them (static list).
            for (int i = 0; i < s_GpioPins.Count; i++)
            {
                ((GpioPin)s_GpioPins[i]).Dispose();
            }
        }
    }
}

namespace nanoFramework.Hardware.Esp32
{
    public static class HighResTimer
    {
        public static ulong GetCurrent() => (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() / (System.Diagnostics.Stopwatch.Frequency / 1000000));
    }
}
