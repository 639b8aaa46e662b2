// The license desk's page driven in headless Chromium (puppeteer-core), as a clerk would use
// it: sign in, issue a Compact server license (3 users) and a 5-user pack, see the appliance at
// 8 users, download its license file, find the customer whose name is markup, void the pack
// and see the appliance at 3 users again, transfer what is left to another appliance.
//
// Then the refusals, each beside its form: a second server license, an ID that is none, a
// transfer to the appliance itself, an appliance not on record; and an auditor's view of the
// same appliance, with nothing it may not do.
//
// Environment: DESK_URL (the server's base URL), DESK_TOKEN (a clerk's API token),
// AUDITOR_TOKEN (an auditor's, named "erp reader"), CHROMIUM (the browser), WORK_DIR (scratch:
// the browser's profile and the downloaded file). Prints one "ok: ..." line per step; the
// first failed step ends it with exit status 1.
"use strict";

const fs = require("fs");
const path = require("path");
const { ok, check, openPage, downloaded, accessible, screenshot, run } = require("./walkthrough");

const url = process.env.DESK_URL;
const token = process.env.DESK_TOKEN;
const workDir = process.env.WORK_DIR;
const appliance = "00:1a:2b:3c:4d:5e";
const canonical = "001A2B3C4D5E";
const hostile = "<img src=x onerror=alert(1)>";
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let step = "starting Chromium";

async function main() {
  const seen = await openPage(url, workDir, 15000);
  const { browser, page, dialogs, problems, posts } = seen;
  try {

    step = "loading the page";
    const response = await page.goto(url + "/", { waitUntil: "networkidle0" });
    check(response.status() === 200, "GET / answered " + response.status());
    const headers = response.headers();
    const csp = headers["content-security-policy"] || "";
    check(csp.includes("default-src 'self'") && !csp.includes("unsafe-inline"),
          "Content-Security-Policy is not strict: " + JSON.stringify(csp));
    check(headers["x-content-type-options"] === "nosniff", "X-Content-Type-Options is not nosniff");
    check(await page.$eval("#sign-in-panel", (e) => !e.hidden), "the sign-in form is not shown");
    check(await page.$eval("#desk", (e) => e.hidden), "the desk is shown before signing in");
    ok("GET / serves the page with a strict Content-Security-Policy and nosniff");
    await accessible(page, "the sign-in form");
    ok("axe-core finds no serious or critical violation on the sign-in form");

    // Status lines are the page's only feedback: wait for the expected one.
    const status = async (text) => {
      try {
        await page.waitForFunction((t) => document.getElementById("status").textContent.includes(t),
                                   {}, text);
      } catch (e) {
        const shown = await page.$eval("#status", (s) => s.textContent);
        throw new Error("status line never said " + JSON.stringify(text) + "; it says " +
                        JSON.stringify(shown));
      }
    };
    const entitledUsers = async (n) => {
      try {
        await page.waitForFunction(
            (n) => { const e = document.getElementById("licensed-users");
                     return e && !document.getElementById("appliance").hidden && e.textContent === n; },
            {}, String(n));
      } catch (e) {
        const shown = await page.$eval("#entitlement", (s) => s.innerText).catch(() => "(none)");
        throw new Error("the appliance is not at " + n + " users; the page shows: " + shown);
      }
    };
    // A void or a transfer first shows what it would do, and waits for a second click.
    const asked = async (previewId, text) => {
      try {
        await page.waitForFunction((id, t) => !document.getElementById(id).hidden &&
                                              document.getElementById(id).textContent.startsWith(t),
                                   {}, previewId, text);
      } catch (e) {
        const shown = await page.$eval("#" + previewId, (s) => s.textContent);
        throw new Error("#" + previewId + " never said " + JSON.stringify(text) + "; it says " + JSON.stringify(shown));
      }
    };
    const fill = async (selector, text) => {
      await page.$eval(selector, (e) => { e.value = ""; });
      await page.type(selector, text);
    };
    // A refusal shows beside its form (role="alert"), not in the status line far above it.
    const refused = async (errorId, text) => {
      try {
        await page.waitForFunction((id, t) => document.getElementById(id).textContent.includes(t),
                                   {}, errorId, text);
      } catch (e) {
        const shown = await page.$eval("#" + errorId, (s) => s.textContent);
        throw new Error("#" + errorId + " never said " + JSON.stringify(text) + "; it says " + JSON.stringify(shown));
      }
      check(await page.$eval("#" + errorId, (e) => e.getAttribute("role") === "alert" && e.offsetParent !== null),
            "#" + errorId + " is not a visible alert");
      const line = await page.$eval("#status", (s) => s.textContent);
      check(!line.includes(text), "the refusal is in the status line too: " + line);
    };

    step = "signing in";
    await fill("#token", "seatkey-api.wrong.wrong");
    await page.click("#sign-in button[type=submit]");
    await status("Sign-in failed: the API token is not valid");
    check(await page.$eval("#desk", (e) => e.hidden), "a wrong token opened the desk");
    ok("a wrong token is refused with the server's message");
    await fill("#token", token);
    await page.click("#sign-in button[type=submit]");
    await status("Signed in.");
    check(await page.evaluate(() => Object.values(sessionStorage).length === 1 &&
                                    Object.values(sessionStorage)[0].startsWith("seatkey-api.")),
          "the token is not in sessionStorage");
    check(await page.evaluate(() => document.cookie === ""), "the page set a cookie");
    ok("signed in; the token is in sessionStorage, no cookie");
    await screenshot(seen, workDir, "1-signed-in");

    step = "issuing a server license";
    const editions = await page.$$eval("#issue-edition option", (os) => os.map((o) => o.value));
    check(editions.includes("compact"), "the edition list lacks compact: " + editions);
    await fill("#issue-appliance", appliance);
    await page.waitForFunction((t) => document.getElementById("issue-appliance-note").textContent === t, {},
                               canonical + ": not on record, a new appliance");
    await page.click('#issue input[value="server"]');
    await page.select("#issue-edition", "compact");
    await fill("#issue-customer", hostile);
    await fill("#issue-order", "PO-4711");
    await page.click("#issue button[type=submit]");
    // A first license for an appliance the ledger has never seen is asked first.
    await asked("issue-preview", "Appliance " + canonical + " is not on record: this is its first license.");
    check(posts.length === 0, "the order was sent before it was confirmed");
    await page.click("#issue button[type=submit]");
    await status("Issued 1 license for " + appliance);
    await entitledUsers(3);
    ok("the typed ID shows as " + canonical + ", not on record; its first license asked first, then issued: 3 users");

    step = "bringing the appliance to 8 users";
    await page.click('#issue input[value="target"]');
    check(await page.$eval("#issue-edition", (e) => e.offsetParent === null), "the edition shows for more users");
    await fill("#issue-target", "8");
    await fill("#issue-customer", "");
    await page.click("#issue button[type=submit]");
    await status("Issued 1 license for " + canonical);
    await entitledUsers(8);
    const rows = await page.$$eval("#appliance-licenses tbody tr", (rs) => rs.map((r) => r.cells[3].textContent));
    check(JSON.stringify(rows) === '["3","5"]', "the appliance lists licenses of " + rows + " users, not 3 and 5");
    check(await page.$eval("#issue-appliance-note", (e) => e.textContent) === canonical + ": on record, compact, 8 users",
          "the note under the ID does not say the appliance is on record");
    ok("\"More users\", 8 in all: one 5-user pack issued, the appliance is at 8 users");
    await screenshot(seen, workDir, "2-sold");
    await accessible(page, "the desk with an appliance");
    ok("axe-core finds no serious or critical violation on the desk with an appliance");

    step = "downloading the license file";
    await page.click("#download");
    await status("License file for " + canonical + " downloaded.");
    const file = await downloaded(seen, canonical + ".lic");
    fs.copyFileSync(file, path.join(workDir, "downloaded.lic"));
    ok("downloaded " + canonical + ".lic");

    step = "finding a customer whose name is markup";
    await page.select("#find-by", "customer");
    await fill("#find-text", "onerror");
    await page.click("#find button[type=submit]");
    await page.waitForFunction(() => !document.getElementById("results").hidden);
    const customers = await page.$$eval("#results-table tbody tr:not(.group)", (rs) => rs.map((r) => r.cells[5].textContent));
    check(customers.length === 2 && customers.every((c) => c === hostile),
          "the customer column is not the name as text: " + JSON.stringify(customers));
    const groups = await page.$$eval("#results-table tbody tr.group", (rs) => rs.map((r) => r.textContent));
    check(JSON.stringify(groups) === JSON.stringify(["Customer " + hostile + " — appliance " + canonical]),
          "the results are not grouped by customer and appliance: " + JSON.stringify(groups));
    check(await page.$$eval("img", (is) => is.length) === 0, "the customer's name became an <img> element");
    const title = await page.$eval("#results-title", (e) => e.textContent);
    check(title.startsWith("2 licenses for customer"), "results title: " + title);
    // The appliance's own table shows it as text too.
    await page.click("#results-table tbody tr button.link");
    await entitledUsers(8);
    const shown = await page.$$eval("#appliance-licenses tbody tr", (rs) => rs.map((r) => r.cells[4].textContent));
    check(shown.includes(hostile), "the appliance's table does not show the customer as text: " + shown);
    check(await page.$$eval("img", (is) => is.length) === 0, "an <img> element appeared");
    await new Promise((r) => setTimeout(r, 300));  // an onerror handler would have fired by now
    check(dialogs.length === 0, "a dialog fired: " + JSON.stringify(dialogs));
    ok("a customer named " + hostile + " shows as text, its licenses under one heading of customer and appliance; no dialog fired");

    step = "checking every POST";
    check(posts.length === 2, posts.length + " POST requests, not 2");  // the two issues so far
    for (const p of posts) check(uuid.test(p.key || ""), p.url + " carried Idempotency-Key " + p.key);
    check(new Set(posts.map((p) => p.key)).size === posts.length, "an Idempotency-Key was used twice");
    ok("every POST carried its own Idempotency-Key (a random UUID)");

    step = "a refused order";
    await fill("#issue-target", "");
    await page.click('#issue input[value="server"]');
    await page.select("#issue-edition", "compact");
    await page.click("#issue button[type=submit]");
    await refused("issue-error", "already has");
    // In the desk's words: what to do, never the command line seatkey-keygen adds.
    const words = await page.$eval("#issue-error", (e) => e.textContent);
    check(words.includes("or as a replacement that reissues it") && !words.includes("seatkey-keygen") &&
          !words.includes("--"), "the refusal beside the form is not in the desk's words: " + JSON.stringify(words));
    check(await page.$eval("#issued", (e) => e.hidden), "the previous order's \"Issued\" still shows under a refusal");
    await fill("#issue-appliance", "x!");  // not an appliance ID
    await page.click("#issue button[type=submit]");
    await refused("issue-error", "appliance");
    await fill("#issue-appliance", canonical);
    ok("a refused order shows its reason beside the Issue form, and no stale \"Issued\"");

    step = "voiding the pack";
    const pack = await page.$$eval("#appliance-licenses tbody tr",
                                   (rs) => rs.filter((r) => r.cells[1].textContent === "users")
                                             .map((r) => r.dataset.serial));
    check(pack.length === 1, "not one pack listed: " + pack);
    await page.click(`#appliance-licenses tr[data-serial="${pack[0]}"] button.void`);
    await fill("#void-reason", "customer returned the pack");
    await page.click("#void button[type=submit]");
    await asked("void-preview", "Voids license " + pack[0] + ": " + canonical + " would have 3 users (compact).");
    check(await page.$eval("#void-submit", (e) => e.textContent) === "Confirm void", "the Void button asks for no confirmation");
    await entitledUsers(8);  // the dry run voided nothing
    await page.click("#void button[type=submit]");
    await status("License " + pack[0] + " voided.");
    await entitledUsers(3);
    ok("voided pack " + pack[0] + ": the appliance is at 3 users");
    await screenshot(seen, workDir, "3-voided");

    step = "a license's history";
    await page.click(`#appliance-licenses tr[data-serial="${pack[0]}"] button.history`);
    await page.waitForFunction(() => document.getElementById("history-list").children.length === 2);
    const history = await page.$$eval("#history-list li", (ls) => ls.map((l) => l.textContent));
    check(history[0].endsWith("issued by desk clerk, order PO-4711") && history[1].endsWith("voided by desk clerk: customer returned the pack"),
          "the pack's history: " + JSON.stringify(history));
    check(await page.$eval("#history-list li time", (t) => t.title.endsWith("Z") && !t.textContent.endsWith("Z")),
          "a time in the history is not local with UTC on hover");
    ok("the pack's history: issued by desk clerk, voided by desk clerk with the reason");

    step = "a refused transfer";
    await fill("#transfer-to", canonical);
    await page.click("#transfer button[type=submit]");
    await refused("transfer-error", "the old and the new appliance are the same");
    ok("a transfer to the appliance itself is refused beside the Transfer form");

    step = "transferring to a new appliance";
    await fill("#transfer-to", "00:1a:2b:3c:4d:5f");
    await fill("#transfer-reason", "RMA");
    await page.click("#transfer button[type=submit]");
    await asked("transfer-preview", "Moves 1 license from " + canonical + " to 001A2B3C4D5F; 1 license of " + canonical +
                " is taken back. 001A2B3C4D5F would have 3 users (compact).");
    await page.click("#transfer button[type=submit]");
    await status("transferred to 00:1a:2b:3c:4d:5f");
    await page.waitForFunction(() => document.getElementById("appliance-id").textContent === "001A2B3C4D5F");
    await entitledUsers(3);
    check(await page.$eval("#transfer-error", (e) => e.textContent === ""), "the old refusal stayed after the transfer");
    ok("transferred " + canonical + " to 001A2B3C4D5F: the new appliance is at 3 users");
    const moved = await page.$eval("#appliance-licenses tbody tr", (r) => r.dataset.serial);
    await page.click(`#appliance-licenses tr[data-serial="${moved}"] button.history`);
    await page.waitForFunction(() => document.getElementById("history-list").textContent.includes("moved here from license 1"));
    ok("the new appliance's server license says it was moved here from license 1");

    step = "this month's report";
    await page.click("#report-this-month");
    await page.waitForFunction(() => !document.getElementById("report-result").hidden);
    const report = await page.$$eval("#report-table tbody tr", (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent).join("|")));
    check(JSON.stringify(report) === JSON.stringify(["sold|server|compact|1|3", "sold|users|5-user pack|1|5",
                                                     "moved (transfers)|server|compact|1|3", "voided|users|5-user pack|1|5"]),
          "this month's report: " + JSON.stringify(report));
    check((await page.$eval("#report-other", (e) => e.textContent)).startsWith("Appliances moved: 1. Revocation lists: 1."),
          "the report's totals: " + await page.$eval("#report-other", (e) => e.textContent));
    await page.click("#report-csv");
    const csv = fs.readFileSync(await downloaded(seen, await page.evaluate(() =>
        "report-" + document.getElementById("report-from").value + "-to-" + document.getElementById("report-to").value + ".csv")), "utf8");
    check(csv.startsWith("what,kind,edition_or_pack,licenses,users\nsold,server,compact,1,3\n"), "the report's CSV: " + csv);
    ok("this month's report: sold, moved and voided by edition and pack size, and its CSV");
    await screenshot(seen, workDir, "4-report");

    step = "finding an appliance not on record";
    await page.select("#find-by", "appliance");
    await fill("#find-text", "CAFE-0404");
    await page.click("#find button[type=submit]");
    await refused("find-error", "CAFE0404");
    ok("an appliance not on record is named beside the search");

    step = "signing in as an auditor";
    await page.click("#sign-out");
    await fill("#token", process.env.AUDITOR_TOKEN);
    await page.click("#sign-in button[type=submit]");
    await status("Signed in.");
    check(await page.$eval("#who-text", (e) => e.textContent) === "erp reader (auditor)", "the header names no auditor");
    check(await page.$eval("#find-error", (e) => e.textContent === ""), "the clerk's refusal outlived the sign-out");
    check(await page.$eval("#appliance", (e) => e.hidden), "the clerk's appliance outlived the sign-out");
    check(await page.$$eval("#appliance-licenses button.void", (b) => b.length === 0),
          "the clerk's Void buttons outlived the sign-out");
    await page.select("#find-by", "appliance");
    await fill("#find-text", "00:1a:2b:3c:4d:5f");
    await page.click("#find button[type=submit]");
    await entitledUsers(3);
    const hiddenFor = await page.evaluate(() => ({
      issue: document.getElementById("issue").offsetParent === null,
      transfer: document.getElementById("transfer").offsetParent === null,
      voids: document.querySelectorAll("#appliance-licenses button.void").length,
    }));
    check(hiddenFor.issue && hiddenFor.transfer && hiddenFor.voids === 0,
          "an auditor is offered what the role may not do: " + JSON.stringify(hiddenFor));
    ok("an auditor sees the appliance, with no Issue form, no Transfer form and no Void button");
    check(await page.$eval("#reports", (e) => e.offsetParent !== null), "an auditor is not offered the reports");
    const links = await page.$$eval("nav a", (as) => as.filter((a) => a.offsetParent !== null).map((a) => a.textContent));
    check(JSON.stringify(links) === '["Find","Codes","Reports"]', "an auditor's navigation: " + JSON.stringify(links));
    check(await page.$eval("#tokens", (e) => e.offsetParent === null), "an auditor is offered the API tokens");
    await accessible(page, "an auditor's view");
    ok("axe-core finds no serious or critical violation in an auditor's view");

    step = "an admin's API tokens";
    await page.click("#sign-out");
    await fill("#token", process.env.ADMIN_TOKEN);
    await page.click("#sign-in button[type=submit]");
    await status("Signed in.");
    const adminLinks = await page.$$eval("nav a", (as) => as.filter((a) => a.offsetParent !== null).map((a) => a.textContent));
    check(JSON.stringify(adminLinks) === '["Find","Sell","Codes","Reports","Tokens"]', "an admin's navigation: " + JSON.stringify(adminLinks));
    const tokenRows = async () => page.$$eval("#token-table tbody tr", (rs) => rs.map((r) => r.cells[0].textContent + ":" + r.cells[1].textContent + ":" + r.cells[3].textContent));
    await page.waitForFunction(() => document.querySelectorAll("#token-table tbody tr").length === 3);
    check(JSON.stringify(await tokenRows()) === JSON.stringify(["desk clerk:clerk:in use", "erp reader:auditor:in use", "desk admin:admin:in use"]),
          "the tokens listed: " + JSON.stringify(await tokenRows()));
    await fill("#token-name", "night shop");
    await page.select("#token-role", "shop");
    await page.$eval("#token-expires", (e) => { e.value = "2099-01-01"; });
    await fill("#token-per-day", "50");
    await page.click("#token-new button[type=submit]");
    await status("API token night shop made.");
    const secret = await page.$eval("#token-new-secret", (e) => e.textContent);
    check(/^seatkey-api\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(secret), "the new token is not shown: " + secret);
    await page.waitForFunction(() => document.querySelectorAll("#token-table tbody tr").length === 4);
    check(!(await page.$eval("#token-table", (e) => e.textContent)).includes(secret), "the token list shows a secret");
    const limits = await page.$eval('#token-table tr[data-name="night shop"]', (r) => [r.cells[4].title, r.cells[5].textContent]);
    check(/^209[89]-/.test(limits[0]) && limits[1] === "50", "the new token's expiry and quota: " + JSON.stringify(limits));
    check(await page.$eval('#token-table tr[data-name="desk clerk"]', (r) => r.cells[4].textContent + "|" + r.cells[5].textContent) === "never|no limit",
          "a token without limits is not listed so");
    await fill("#token-name", "night shop");
    await page.click("#token-new button[type=submit]");
    await refused("token-new-error", "night shop");
    await page.click('#token-table tr[data-name="night shop"] button.void');
    await page.click("#token-revoke-confirm");
    await status("API token night shop revoked");
    await page.waitForFunction(() => document.querySelector('#token-table tr[data-name="night shop"]').cells[3].textContent === "revoked");
    await accessible(page, "the API tokens panel");
    await page.click("#sign-out");
    check(await page.$eval("#token-new-secret", (e) => e.textContent === "") &&
          await page.$eval("#token-table tbody", (e) => e.children.length === 0), "signing out left the tokens on the page");
    ok("an admin lists the tokens, makes one for the shop with an expiry and a quota (shown once, a taken name refused), revokes it; signing out takes it off the page");

    // Keyboard only: Tab to a control, type, Enter; no click from here on.
    step = "keyboard only";
    const tabTo = async (id) => {
      for (let i = 0; i < 60; ++i) {
        if (await page.evaluate((x) => document.activeElement && document.activeElement.id === x, id)) return;
        await page.keyboard.press("Tab");
      }
      throw new Error("#" + id + " is not reached with Tab");
    };
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await tabTo("token");
    await page.keyboard.type(process.env.AUDITOR_TOKEN);
    await page.keyboard.press("Enter");
    await status("Signed in.");
    await tabTo("find-text");
    await page.keyboard.type("00:1a:2b:3c:4d:5f");
    await page.keyboard.press("Enter");
    await entitledUsers(3);
    for (let i = 0; i < 60 && !(await page.evaluate(() => document.activeElement.classList.contains("history"))); ++i) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.getElementById("history-list").textContent.includes("moved here from license 1"));
    ok("keyboard only: signed in, found the appliance and opened a license's history with Tab and Enter");

    check(problems.length === 0, problems.join("; "));
    ok("no script error and no Content-Security-Policy violation");
  } finally {
    await browser.close();
  }
}

run(main, () => step);
