// The public activation page (GET /activate) in headless Chromium (puppeteer-core), as the
// admin of a PBX without internet would use it: no sign-in; paste the appliance's activation
// request, activate, download the license file; then a typo in a license key typed by hand is
// shown with its group, and nothing else is loaded from anywhere.
//
// Environment: ACTIVATE_URL (the server's base URL), ACTIVATE_REQUEST (an SKR1-... request),
// ACTIVATE_CODE (a license key with a typo in group 2), ACTIVATE_APPLIANCE (the request's
// canonical appliance ID), CHROMIUM, WORK_DIR (scratch: profile and downloaded file). Prints one
// "ok: ..." line per step; the first failed step ends it with exit status 1.
"use strict";

const fs = require("fs");
const path = require("path");
const { ok, check, openPage, downloaded, accessible, run } = require("./walkthrough");

const url = process.env.ACTIVATE_URL;
const workDir = process.env.WORK_DIR;
const appliance = process.env.ACTIVATE_APPLIANCE;

let step = "starting Chromium";

async function main() {
  const seen = await openPage(url, workDir, 15000);
  const { browser, page, problems, elsewhere } = seen;
  try {

    step = "loading the page";
    const response = await page.goto(url + "/activate", { waitUntil: "networkidle0" });
    check(response.status() === 200, "GET /activate answered " + response.status());
    const csp = response.headers()["content-security-policy"] || "";
    check(csp.includes("default-src 'self'") && !csp.includes("unsafe-inline"), "the CSP is not strict: " + csp);
    ok("GET /activate needs no sign-in and has a strict Content-Security-Policy");
    await accessible(page, "the activation page");
    ok("axe-core finds no serious or critical violation on the activation page");

    const status = async (text) => {
      await page.waitForFunction((t) => document.getElementById("status").textContent.includes(t), {}, text);
    };

    step = "activating with the request";
    await page.type("#request", process.env.ACTIVATE_REQUEST);
    await page.click("#by-request button[type=submit]");
    await status("Activated.");
    const result = await page.$eval("#result-text", (e) => e.textContent);
    check(result.includes("Appliance " + appliance + ": compact, 13 users"), "the result says: " + result);
    ok("the request activated the appliance: " + result);

    step = "downloading the license file";
    await page.click("#download");
    const file = await downloaded(seen, "license-" + appliance + ".lic");
    fs.copyFileSync(file, path.join(workDir, "downloaded.lic"));
    ok("downloaded license-" + appliance + ".lic");

    step = "a license key with a typo";
    await page.type("#code", process.env.ACTIVATE_CODE);
    await page.type("#appliance", "00:1a:2b:3c:4d:77");
    await page.click("#by-code button[type=submit]");
    await status("has a typo");
    const said = await page.$eval("#status", (e) => e.textContent);
    check(said.includes("group 2 ("), "the typo's message names no group: " + said);
    check(await page.$eval("#status", (e) => e.className === "error"), "the typo is not shown as an error");
    ok("a typo is named with its group: " + said);
    await accessible(page, "the activation page with a typo named");
    ok("axe-core finds no serious or critical violation on the activation page with a typo named");

    check(elsewhere.length === 0, "the page loaded from elsewhere: " + elsewhere.join(", "));
    check(problems.length === 0, "the page reported: " + problems.join("; "));
    ok("nothing loaded from elsewhere, no script errors");
  } finally {
    await browser.close();
  }
}

run(main, () => step);
