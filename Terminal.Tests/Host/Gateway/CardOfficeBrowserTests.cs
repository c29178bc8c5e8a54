using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using LeoCarte.Gateway.Lists;
using LeoCarte.HostAdapters;
using LeoCarte.Terminal.Storage;
using LeoCarte.Terminal.Sync;
using LeoCarte.Terminal.Tests.Host.Sync;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace LeoCarte.Terminal.Tests.Host.Gateway;

/// <summary>
/// The card-office page in a real browser: Debian's chromium driven by chromium-driver (Selenium WebDriver),
/// headless, against the gateway on loopback. Signs in, sees a held import, confirms it, and looks a card up.
/// Skipped (inconclusive, one line) where /usr/bin/chromium or /usr/bin/chromedriver is missing
/// (.ci/install-browser.sh installs them).
/// </summary>
[TestClass]
public class CardOfficeBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private const string CsnLost = "04a1b2c3d4e580";

    private static ChromeDriver StartBrowser(string profile)
    {
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath), Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
    }

    [TestMethod]
    public async Task AnOperatorSignsInConfirmsAHeldImportAndFindsACardsState()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriverPath))
        {
            Assert.Inconclusive($"browser test skipped: {Chromium} or {ChromeDriverPath} missing (bash .ci/install-browser.sh installs Debian's chromium and chromium-driver)");
        }

        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.Export(40, (CsnLost, "ENABLED", "")));
        var clock = new ManualClockHardware(DateTime.UtcNow);
        using var terminal = gateway.NewTerminal(new MemoryFileStore(), clock);
        Assert.AreEqual(SyncStepResult.CycleCompleted, terminal.StepUntilCycleEnds());

        // ESUP-SGC's export was interrupted: a quarter of the cards, and card A now reported lost. Held.
        string[] lines = GatewayFixture.Export(40, (CsnLost, "DISABLED", "LOST")).Split('\n');
        string cut = string.Join("\n", lines.Take(12)) + "\n"; // header, card A and the first 10 others
        ImportOutcome held = await gateway.ImportAsync(cut);
        Assert.AreEqual(ImportStatus.Held, held.Status, held.Message);

        string profile = Path.Combine(Path.GetTempPath(), "leocarte-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            using ChromeDriver browser = StartBrowser(profile);
            var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(20));
            browser.Navigate().GoToUrl(new Uri(gateway.BaseUri, "/").ToString());
            wait.Until(d => d.FindElements(By.Id("signin")).Count > 0);
            Assert.IsTrue(browser.Url.EndsWith("/signin", StringComparison.Ordinal), "not signed in: the page sends to the sign-in form: " + browser.Url);

            // A wrong password first.
            browser.FindElement(By.Id("name")).SendKeys(GatewayFixture.OperatorName);
            browser.FindElement(By.Id("password")).SendKeys("not the password");
            browser.FindElement(By.Id("signin-button")).Click();
            wait.Until(d => d.FindElements(By.Id("signin-failed")).Count > 0);

            browser.FindElement(By.Id("name")).Clear();
            browser.FindElement(By.Id("name")).SendKeys(GatewayFixture.OperatorName);
            browser.FindElement(By.Id("password")).SendKeys(GatewayFixture.OperatorPassword);
            browser.FindElement(By.Id("signin-button")).Click();
            IWebElement heldBox = wait.Until(d => d.FindElements(By.Id($"held-{held.HeldId}")).FirstOrDefault());
            Assert.IsFalse(browser.Url.Contains(GatewayFixture.OperatorPassword, StringComparison.Ordinal), "no credential in the URL");
            StringAssert.Contains(heldBox.Text, "removes 30 of the 41 cards in force");
            StringAssert.Contains(heldBox.Text, "active → lost 1");
            StringAssert.Contains(browser.FindElement(By.Id("list")).Text, "version 1");
            StringAssert.Contains(browser.FindElement(By.Id("terminals")).Text, GatewayFixture.TerminalId);

            browser.FindElement(By.Id($"confirm-{held.HeldId}")).Click();
            IWebElement notice = wait.Until(d => d.FindElements(By.Id("notice")).FirstOrDefault());
            StringAssert.Contains(notice.Text, "confirmed and published");
            StringAssert.Contains(browser.FindElement(By.Id("list")).Text, "version 2");
            Assert.AreEqual(0, browser.FindElements(By.Id($"held-{held.HeldId}")).Count);
            Assert.AreEqual(2L, gateway.Store.CurrentVersion().Version);

            // The card, typed as ESUP-SGC shows it (uppercase).
            browser.FindElement(By.Id("lookup-q")).SendKeys(CsnLost.ToUpperInvariant());
            browser.FindElement(By.Id("lookup-button")).Click();
            IWebElement result = wait.Until(d => d.FindElements(By.Id("card-result")).FirstOrDefault());
            Assert.AreEqual("lost (version 2, changed in version 2)", result.FindElement(By.ClassName("state")).Text);
            StringAssert.Contains(result.FindElement(By.ClassName("till")).Text, "Carte déclarée perdue");
            // The terminal still holds version 1 until its next sync.
            StringAssert.Contains(result.Text, "(list version 1); lost");
            StringAssert.Contains(result.Text, "after its next sync");
        }
        finally
        {
            try
            {
                Directory.Delete(profile, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
