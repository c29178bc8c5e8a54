#if NANOFRAMEWORK
using nanoFramework.TestFramework;
#else
using Microsoft.VisualStudio.TestTools.UnitTesting;
#endif
using LeoCarte.Terminal.App;

namespace LeoCarte.Terminal.Tests.App
{
    [TestClass]
    public class FeedbackTests
    {
        [TestMethod]
        public void ApprovedPatternBeepsOnceThenHoldsGreenThenGoesDark()
        {
            RecordingOutputs outputs = new RecordingOutputs();
            FeedbackPlayer player = new FeedbackPlayer(outputs);
            player.Play(FeedbackPlayer.Approved, 1000);
            Assert.IsTrue(outputs.State[OutputSignal.GreenLed]);
            Assert.IsTrue(outputs.State[OutputSignal.Buzzer]);
            Assert.IsFalse(outputs.State[OutputSignal.RedLed]);
            player.Step(1119);
            Assert.IsTrue(outputs.State[OutputSignal.Buzzer]);
            player.Step(1120);
            Assert.IsFalse(outputs.State[OutputSignal.Buzzer]);
            Assert.IsTrue(outputs.State[OutputSignal.GreenLed]);
            player.Step(2000);
            Assert.IsFalse(outputs.State[OutputSignal.GreenLed]);
            Assert.IsFalse(player.IsPlaying);
        }

        [TestMethod]
        public void DeniedPatternBeepsTwiceEvenWhenStepsAreSkipped()
        {
            RecordingOutputs outputs = new RecordingOutputs();
            FeedbackPlayer player = new FeedbackPlayer(outputs);
            player.Play(FeedbackPlayer.Denied, 0);
            int beeps = outputs.State[OutputSignal.Buzzer] ? 1 : 0;
            bool wasOn = outputs.State[OutputSignal.Buzzer];
            for (long t = 0; t <= 1600; t += 10)
            {
                player.Step(t);
                if (outputs.State[OutputSignal.Buzzer] && !wasOn)
                {
                    beeps++;
                }

                wasOn = outputs.State[OutputSignal.Buzzer];
                if (t < 1500)
                {
                    Assert.IsTrue(outputs.State[OutputSignal.RedLed], "red held at " + t);
                }
            }

            Assert.AreEqual(2, beeps);
            Assert.IsFalse(outputs.State[OutputSignal.RedLed]);
        }

        [TestMethod]
        public void NewPatternCutsTheOldOne()
        {
            RecordingOutputs outputs = new RecordingOutputs();
            FeedbackPlayer player = new FeedbackPlayer(outputs);
            player.Play(FeedbackPlayer.Denied, 0);
            player.Play(FeedbackPlayer.Approved, 50);
            Assert.IsFalse(outputs.State[OutputSignal.RedLed]);
            Assert.IsTrue(outputs.State[OutputSignal.GreenLed]);
        }

        [TestMethod]
        public void VendPulserEmitsTheConfiguredTrainPerSaleAndQueuesSales()
        {
            RecordingOutputs outputs = new RecordingOutputs();
            VendPulser pulser = new VendPulser(outputs, 50, 50, 3);
            Assert.IsTrue(pulser.Request(0));
            Assert.IsTrue(pulser.Request(10));
            for (long t = 0; t <= 1000; t += 5)
            {
                pulser.Step(t);
            }

            Assert.AreEqual(6L, pulser.PulsesEmitted);
            Assert.AreEqual(6, outputs.RisingEdges);
            Assert.IsFalse(outputs.State[OutputSignal.VendPulse]);
            Assert.IsFalse(pulser.IsBusy);
        }

        [TestMethod]
        public void VendPulserRefusesWhenItsQueueIsFull()
        {
            RecordingOutputs outputs = new RecordingOutputs();
            VendPulser pulser = new VendPulser(outputs, 100, 100, 1);
            int accepted = 0;
            for (int i = 0; i < 10; i++)
            {
                if (pulser.Request(0))
                {
                    accepted++;
                }
            }

            Assert.AreEqual(5, accepted, "one train running and four queued");
        }
    }
}
