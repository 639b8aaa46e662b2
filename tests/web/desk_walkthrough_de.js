// The license desk in German, as a clerk at a German vendor opens it: the browser says de-DE
// (--lang and Accept-Language) and nothing is remembered yet, so the page speaks German. Sign in,
// sell "Compact mit 12 Benutzern" (a new installation with 12 users in all), a Compact over 20
// users refused beside its form in the German template's words and numbers, the switch to
// English and back (remembered), a void asked first, this month's report with German dates.
// A full-page screenshot of each step goes to WORK_DIR/screenshots; axe-core checks the German
// page.
//
// Environment: DESK_URL, DESK_TOKEN (a clerk's, named "Sachbearbeiterin"), CHROMIUM, WORK_DIR.
"use strict";

const { ok, check, openPage, accessible, screenshot, run } = require("./walkthrough");

const url = process.env.DESK_URL;
const workDir = process.env.WORK_DIR;
const appliance = "00:1a:2b:3c:4d:60";
const canonical = "001A2B3C4D60";

let step = "starting Chromium";

async function main() {
  // German browser, no language remembered: the browser's languages decide.
  const seen = await openPage(url, workDir, 15000, "de-DE", null);
  const { browser, page, problems, dialogs } = seen;
  const text = (selector) => page.$eval(selector, (e) => e.textContent);
  const waitText = async (selector, expected) => {
    try {
      await page.waitForFunction((s, t) => document.querySelector(s).textContent.includes(t), {}, selector, expected);
    } catch (e) {
      throw new Error(selector + " never said " + JSON.stringify(expected) + "; it says " + JSON.stringify(await text(selector)));
    }
  };
  const fill = async (selector, value) => {
    await page.$eval(selector, (e) => { e.value = ""; });
    await page.type(selector, value);
  };
  const users = (n) => page.waitForFunction((n) => {
    const e = document.getElementById("licensed-users");
    return e && !document.getElementById("appliance").hidden && e.textContent === n;
  }, {}, String(n));
  try {
    step = "loading the page in German";
    await page.goto(url + "/", { waitUntil: "networkidle0" });
    check(await page.evaluate(() => document.documentElement.lang) === "de", "<html lang> is not de");
    check(await page.title() === "seatkey Lizenzstelle", "the title: " + await page.title());
    check(await text("#sign-in-panel h2") === "Anmelden", "the sign-in heading: " + await text("#sign-in-panel h2"));
    check(await page.$eval("#language", (s) => s.value) === "de", "the switch does not show DE");
    await screenshot(seen, workDir, "1-anmelden");
    await accessible(page, "the German sign-in form");
    ok("a de-DE browser gets the desk in German (<html lang=\"de\">, \"Anmelden\"); axe-core finds no serious or critical violation");

    step = "signing in";
    await fill("#token", process.env.DESK_TOKEN);
    await page.click("#sign-in button[type=submit]");
    await waitText("#status", "Angemeldet.");
    check(await text("#who-text") === "Sachbearbeiterin (Sachbearbeiter)", "the header: " + await text("#who-text"));
    ok("signed in: \"Angemeldet.\", the role in German");

    step = "selling Compact with 12 users";
    await fill("#issue-appliance", appliance);
    await waitText("#issue-appliance-note", canonical + ": nicht erfasst, eine neue Appliance");
    await page.click('#issue input[value="server"]');
    await page.select("#issue-edition", "compact");
    await fill("#issue-target", "12");
    await fill("#issue-customer", "Müller GmbH");
    await page.click("#issue button[type=submit]");
    await waitText("#issue-preview", "Appliance " + canonical + " ist nicht erfasst: Dies ist ihre erste Lizenz.");
    check(await text("#issue-submit") === "Ausstellen bestätigen", "the confirm button: " + await text("#issue-submit"));
    await page.click("#issue button[type=submit]");
    await waitText("#status", "für " + appliance + " ausgestellt.");
    await users(12);
    const issued = await page.$eval("#appliance-licenses tbody tr td:nth-child(7)", (td) => [td.textContent, td.title]);
    check(/^\d\d\.\d\d\.\d{4}, \d\d:\d\d$/.test(issued[0]) && issued[1].endsWith("Z"),
          "the issue time is not German (with UTC on hover): " + JSON.stringify(issued));
    check(await page.$eval("#entitlement", (e) => e.textContent.includes("Lizenzierte Benutzer")), "the entitlement is not German");
    await screenshot(seen, workDir, "2-verkauft");
    ok("sold \"Compact mit 12 Benutzern\": first license asked first, then 12 users; times as " + issued[0]);

    step = "a Compact over 20 users";
    await page.click('#issue input[value="target"]');
    await fill("#issue-target", "25");
    await fill("#issue-customer", "");
    await page.click("#issue button[type=submit]");
    const refusal = "Die Edition compact erlaubt höchstens 20 Benutzer, aber Appliance " + canonical +
                    " hätte danach 25 Benutzer (jetzt 12).";
    await waitText("#issue-error", refusal);
    check(await page.$eval("#issue-error", (e) => e.getAttribute("role") === "alert" && e.offsetParent !== null),
          "the refusal is not a visible alert beside the form");
    await screenshot(seen, workDir, "3-abgelehnt");
    await accessible(page, "the German desk with a refusal");
    ok("a Compact over 20 users is refused beside the form in German: " + refusal);

    step = "switching to English";
    await page.select("#language", "en");
    await waitText("h1", "seatkey license desk");
    check(await page.evaluate(() => document.documentElement.lang) === "en", "<html lang> did not follow to en");
    await waitText("#issue-error", "allows at most 20 users");  // the server's own English words
    check(await text("#issue-submit") === "Issue", "the Issue button: " + await text("#issue-submit"));
    check(await page.$eval("#entitlement", (e) => e.textContent.includes("Licensed users")), "the entitlement stayed German");
    check(await text("#who-text") === "Sachbearbeiterin (clerk)", "the header: " + await text("#who-text"));
    await screenshot(seen, workDir, "4-englisch");
    step = "switching back to German";
    await page.select("#language", "de");
    await waitText("h1", "seatkey Lizenzstelle");
    await waitText("#issue-error", refusal);
    check(await page.evaluate(() => localStorage.getItem("seatkey-desk-language")) === "de", "the choice is not remembered");
    await screenshot(seen, workDir, "5-deutsch");
    ok("the switch shows the page in English at once (the refusal in the server's words) and back in German, remembered");

    step = "voiding a 1-user pack";
    const pack = await page.$$eval("#appliance-licenses tbody tr",
                                   (rs) => rs.filter((r) => r.cells[3].textContent === "1").map((r) => r.dataset.serial));
    check(pack.length === 4, "not four 1-user packs: " + pack);
    await page.click(`#appliance-licenses tr[data-serial="${pack[0]}"] button.void`);
    check(await text(`#appliance-licenses tr[data-serial="${pack[1]}"] button.void`) === "Stornieren…", "the void button is not German");
    await fill("#void-reason", "Kunde hat einen Platz zurückgegeben");
    await page.click("#void button[type=submit]");
    await waitText("#void-preview", "Storniert Lizenz " + pack[0] + ": " + canonical + " hätte dann 11 Benutzer (compact).");
    check(await text("#void-submit") === "Stornieren bestätigen", "the confirm button: " + await text("#void-submit"));
    await users(12);  // the dry run voided nothing
    await page.click("#void button[type=submit]");
    await waitText("#status", "Lizenz " + pack[0] + " storniert.");
    await users(11);
    await screenshot(seen, workDir, "6-storniert");
    ok("voided 1-user pack " + pack[0] + ", asked first in German: the appliance is at 11 users");

    step = "this month's report";
    await page.click("#report-this-month");
    await page.waitForFunction(() => !document.getElementById("report-result").hidden);
    const report = await page.$$eval("#report-table tbody tr", (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent).join("|")));
    check(JSON.stringify(report) === JSON.stringify(["verkauft|Server|compact|1|3", "verkauft|Benutzer|1er-Benutzerpaket|4|4",
                                                     "verkauft|Benutzer|5er-Benutzerpaket|1|5",
                                                     "storniert|Benutzer|1er-Benutzerpaket|1|1"]),
          "this month's report: " + JSON.stringify(report));
    const title = await text("#report-title");
    check(/^Vom 01\.\d\d\.\d{4} bis \d\d\.\d\d\.\d{4} \(ganze Tage, Ortszeit\)$/.test(title), "the report's title: " + title);
    check((await text("#report-other")).startsWith("Übertragene Appliances: 0. Sperrlisten: 0."),
          "the report's totals: " + await text("#report-other"));
    await screenshot(seen, workDir, "7-bericht");
    await accessible(page, "the German report");
    ok("this month's report in German: " + title);

    step = "the activation page in German";
    await page.goto(url + "/activate", { waitUntil: "networkidle0" });
    check(await page.evaluate(() => document.documentElement.lang) === "de", "the activation page's <html lang> is not de");
    check(await text("h1") === "Appliance aktivieren", "the activation page's heading: " + await text("h1"));
    await page.click("#by-request button[type=submit]");
    await waitText("#status", "Fügen Sie die Aktivierungsanfrage ein");
    await accessible(page, "the German activation page");
    ok("the activation page is German too: \"Appliance aktivieren\", its hints in German");

    check(dialogs.length === 0, "a dialog fired: " + JSON.stringify(dialogs));
    check(problems.length === 0, problems.join("; "));
    ok("no script error and no Content-Security-Policy violation");
  } finally {
    await browser.close();
  }
}

run(main, () => step);
