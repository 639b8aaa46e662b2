// The desk's activation codes panel driven in headless Chromium (puppeteer-core), as a clerk and
// an auditor would use it: a refused batch shows its error beside the form; a clerk makes 3
// codes for a reseller whose name is markup, downloads their CSV, finds them by reseller, order
// and number, sees one "redeemed" with its appliance after an appliance activated it, voids
// another after confirming; pages through a reseller's 60 codes; an auditor then finds the same
// codes with no way to make or void one.
//
// Environment: DESK_URL, CLERK_TOKEN, AUDITOR_TOKEN, CHROMIUM, WORK_DIR (scratch: the profile,
// the downloads; the CSV is copied to WORK_DIR/codes.csv). The ledger holds 60 codes of
// reseller "Bulk GmbH" (no. 1 to 60) before the page makes its own. Prints one "ok: ..." line per
// step; the first failed step ends it with exit status 1.
"use strict";

const fs = require("fs");
const path = require("path");
const { ok, check, openPage, downloaded, accessible, run } = require("./walkthrough");

const url = process.env.DESK_URL;
const workDir = process.env.WORK_DIR;
const reseller = "<img src=x onerror=alert(1)> Telco";
const order = '=HYPERLINK("http://x.example","y"),1';
const appliance = "00:1a:2b:3c:4d:5e";
const canonical = "001A2B3C4D5E";
const items = "server:compact,updates:12 users:5x2";
const codeShape = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/;

let step = "starting Chromium";

async function main() {
  const seen = await openPage(url, workDir, 10000);
  const { browser, page, dialogs, problems, posts } = seen;
  try {

    const waitText = async (selector, text) => {
      try {
        await page.waitForFunction((s, t) => { const e = document.querySelector(s);
                                              return e && e.textContent.includes(t); }, {}, selector, text);
      } catch (e) {
        const shown = await page.$eval(selector, (e) => e.textContent).catch(() => "(no element)");
        throw new Error(selector + " never said " + JSON.stringify(text) + "; it says " + JSON.stringify(shown));
      }
    };
    const fill = async (selector, text) => {
      await page.$eval(selector, (e) => { e.value = ""; });
      if (text) await page.type(selector, text);
    };
    const visible = (selector) => page.$eval(selector, (e) => e.offsetParent !== null);
    const rows = () => page.$$eval("#code-table tbody tr", (rs) => rs.map((r) => ({
      number: Number(r.dataset.number), reseller: r.cells[2].textContent, order: r.cells[4].textContent,
      state: r.cells[6].textContent, appliance: r.cells[7].textContent, voidable: !!r.querySelector("button.void"),
    })));
    const find = async (by, text, expected) => {
      await page.select("#code-find-by", by);
      await fill("#code-find-text", text);
      await page.$eval("#code-results-title", (e) => { e.textContent = ""; });
      await page.click("#code-find button[type=submit]");
      await waitText("#code-results-title", expected);
      return rows();
    };
    const signIn = async (token, who) => {
      await fill("#token", token);
      await page.click("#sign-in button[type=submit]");
      await waitText("#who-text", who);
    };

    step = "signing in as a clerk";
    await page.goto(url + "/", { waitUntil: "networkidle0" });
    await signIn(process.env.CLERK_TOKEN, "desk clerk (clerk)");
    check(await visible("#code-new"), "a clerk does not see the form to make codes");
    const packs = await page.$$eval("#code-packs input", (is) => is.map((i) => i.dataset.packSize));
    check(JSON.stringify(packs) === '["5","1"]', "the pack sizes offered are " + JSON.stringify(packs));
    ok("a clerk signs in, the header says \"desk clerk (clerk)\", the codes form offers packs of 5 and 1");

    step = "a refused batch";
    await page.click("#code-new button[type=submit]");
    await waitText("#code-new-error", "Choose what each code issues");
    await page.select("#code-edition", "free");
    await fill("#code-packs-5", "1");
    await page.click("#code-new button[type=submit]");
    await waitText("#code-new-error", "the free edition takes no user packs: a code cannot carry both");
    check(await page.$eval("#code-new-error", (e) => e.getAttribute("role")) === "alert",
          "the form's error is not role=alert");
    check(await page.$eval("#code-made", (e) => e.hidden), "a refused batch shows codes");
    ok("a batch with nothing in it, then a Free server license with a pack: each refusal beside the form");

    step = "making 3 codes";
    await fill("#code-count", "3");
    await page.select("#code-edition", "compact");
    await fill("#code-server-updates", "12");
    await fill("#code-packs-5", "2");
    await fill("#code-reseller", reseller);
    await fill("#code-customer", "Müller GmbH");
    await fill("#code-order", order);
    await page.$eval("#code-valid-until", (e) => { e.value = "2030-12-31"; });
    await page.click("#code-new button[type=submit]");
    await waitText("#status", "Made codes no. 61 to 63.");
    check(await page.$eval("#code-new-error", (e) => e.textContent) === "", "the old error stayed beside the form");
    const made = await page.$$eval("#code-made-table tbody tr", (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
    check(made.length === 3, made.length + " codes shown, not 3");
    for (const [i, m] of made.entries()) {
      check(m[0] === String(61 + i) && codeShape.test(m[1]) && m[2] === items && m[3] === reseller && m[4] === order,
            "made code row " + JSON.stringify(m));
    }
    check(await page.$$eval("img", (is) => is.length) === 0, "the reseller's name became an <img> element");
    const codePost = posts.find((p) => p.url.endsWith("/v1/codes"));
    check(codePost && codePost.key === undefined, "POST /v1/codes carried an Idempotency-Key");
    ok("made codes no. 61 to 63 (" + items + "), shown once, the reseller's markup as text");
    await accessible(page, "the codes panel with codes made");
    ok("axe-core finds no serious or critical violation on the codes panel with codes made");

    step = "downloading the CSV";
    await page.click("#code-csv");
    const file = await downloaded(seen, "codes-61-63.csv");
    const csv = fs.readFileSync(file, "utf8");
    fs.copyFileSync(file, path.join(workDir, "codes.csv"));
    const expected = "number,code,items,reseller,order\n" + made.map((m) =>
        m[0] + "," + m[1] + ',"' + items + '",' + reseller + ',"\'=HYPERLINK(""http://x.example"",""y""),1"\n').join("");
    check(csv === expected, "the CSV is\n" + csv + "not\n" + expected);
    ok("the CSV has the 3 codes; the order's leading = is quoted away from spreadsheets");

    step = "finding by reseller";
    let found = await find("reseller", reseller, "3 codes for reseller");
    check(found.map((r) => r.number).join() === "61,62,63", "found " + JSON.stringify(found));
    check(found.every((r) => r.state === "open" && r.reseller === reseller && r.order === order && r.voidable),
          "the rows: " + JSON.stringify(found));
    ok("found the 3 codes by reseller, each open, with a void button");

    step = "an appliance redeems code no. 62";
    const activation = await fetch(url + "/v1/activations", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: made[1][1].toLowerCase(), appliance }),
    });
    check(activation.status === 200, "POST /v1/activations answered " + activation.status + " " +
                                     await activation.text());
    found = await find("reseller", reseller, "3 codes for reseller");
    check(found[1].state === "redeemed" && found[1].appliance === canonical && found[1].voidable,
          "code no. 62: " + JSON.stringify(found[1]));
    ok("code no. 62, redeemed from its CSV text, shows \"redeemed\" for " + canonical);

    step = "voiding code no. 63";
    await page.click('#code-table tr[data-number="62"] button.void');
    await waitText("#code-void-effect", "redeemed for appliance " + canonical + ": the licenses it issued are voided");
    await page.click("#code-void-cancel");
    check(await page.$eval("#code-void", (e) => e.hidden), "Cancel left the void form open");
    await page.click('#code-table tr[data-number="63"] button.void');
    await waitText("#code-void-title", "Void code no. 63?");
    await waitText("#code-void-effect", "It can no longer be redeemed");
    await fill("#code-void-reason", "reseller returned it");
    await page.click("#code-void-confirm");
    await waitText("#status", "Code no. 63 voided.");
    await page.waitForFunction(() => {
      const r = document.querySelector('#code-table tr[data-number="63"]');
      return r && r.cells[6].textContent === "voided" && !r.querySelector("button.void");
    });
    found = await rows();
    check(found.map((r) => r.state).join() === "open,redeemed,voided", "states " + JSON.stringify(found));
    ok("asked first (Cancel on no. 62 changed nothing), then voided no. 63: it shows \"voided\"");

    step = "finding by order, number and state";
    found = await find("order", order, "3 codes for order");
    check(found.length === 3, "by order: " + JSON.stringify(found));
    found = await find("number", "62", "1 code for number 62");
    check(found.length === 1 && found[0].state === "redeemed", "by number: " + JSON.stringify(found));
    await page.select("#code-find-state", "voided");
    found = await find("reseller", reseller, "1 code for reseller");
    check(found.length === 1 && found[0].number === 63, "voided only: " + JSON.stringify(found));
    await page.select("#code-find-state", "");
    await page.select("#code-find-by", "number");
    await fill("#code-find-text", "999");
    await page.click("#code-find button[type=submit]");
    await waitText("#code-find-error", "the ledger has no code no. 999");
    await fill("#code-find-text", "6x");
    await page.click("#code-find button[type=submit]");
    await waitText("#code-find-error", "A code number is a whole number from 1");
    ok("found by order, by number, by state; no. 999 and \"6x\" refused beside the search");

    step = "paging through 60 codes";
    found = await find("reseller", "Bulk GmbH", "50 codes for reseller \"Bulk GmbH\" so far");
    check(await visible("#code-more"), "no More button after a full page");
    await page.click("#code-more");
    await waitText("#code-results-title", "60 codes for reseller \"Bulk GmbH\".");
    found = await rows();
    check(found.length === 60 && found[59].number === 60 && new Set(found.map((r) => r.number)).size === 60,
          "after More: " + found.length + " rows");
    check(!(await visible("#code-more")), "More is still offered on the last page");
    ok("a reseller's 60 codes: 50, then More, 60, no More");

    step = "signing out";
    await page.click("#sign-out");
    const text = await page.evaluate(() => document.body.innerHTML);
    check(made.every((m) => !text.includes(m[1])), "a code's text is still in the page after signing out");
    ok("signing out takes the codes shown once off the page");

    step = "signing in as an auditor";
    await signIn(process.env.AUDITOR_TOKEN, "erp reader (auditor)");
    check(!(await visible("#code-new")), "an auditor sees the form to make codes");
    found = await find("reseller", reseller, "3 codes for reseller");
    check(found.map((r) => r.state).join() === "open,redeemed,voided" && found.every((r) => !r.voidable),
          "an auditor's rows: " + JSON.stringify(found));
    ok("an auditor finds the codes and their states, with no form to make one and no void button");
    await accessible(page, "an auditor's codes panel");
    ok("axe-core finds no serious or critical violation on an auditor's codes panel");

    check(await page.$$eval("img", (is) => is.length) === 0, "an <img> element appeared");
    check(dialogs.length === 0, "a dialog fired: " + JSON.stringify(dialogs));
    check(problems.length === 0, problems.join("; "));
    ok("no dialog, no script error, no Content-Security-Policy violation");
  } finally {
    await browser.close();
  }
}

run(main, () => step);
