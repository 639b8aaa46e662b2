// What every Chromium walk-through shares: a headless browser with one page that records what
// a page must never do (dialogs, script errors, console errors such as Content-Security-Policy
// violations), the POST requests it sends and the requests to anywhere else, and downloads into
// WORK_DIR/downloads; the "ok: ..." lines; and the end of a run at its first failed step.
"use strict";

const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const ok = (what) => console.log("ok: " + what);

function check(condition, what) {
  if (!condition) throw new Error(what);
}

// The browser and its page, at `baseUrl`, with `timeout` ms for every wait. What the page does
// is collected in the returned object's arrays: dialogs (their messages; each is dismissed),
// problems (page errors and console errors; a refused API call, logged by Chromium as a failed
// load, is expected), posts ({url, key}: the Idempotency-Key each POST carried), elsewhere (URLs
// of requests that left baseUrl). `language` is the browser's (--lang and Accept-Language, so
// navigator.languages): "en-US" unless given; with `remember`, the desk's own language choice
// is set in localStorage before every page, as a clerk's earlier switch would have left it.
async function openPage(baseUrl, workDir, timeout, language = "en-US", remember = "en") {
  const args = ["--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-dev-shm-usage", "--lang=" + language];
  // Chromium refuses to start as root with its sandbox on (CI runs as root).
  if (process.getuid && process.getuid() === 0) args.push("--no-sandbox");
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM, headless: true, userDataDir: path.join(workDir, "profile"), args,
  });
  const seen = { browser, dialogs: [], problems: [], posts: [], elsewhere: [],
                 downloads: path.join(workDir, "downloads") };
  try {
    const page = await browser.newPage();
    seen.page = page;
    page.setDefaultTimeout(timeout);
    await page.setExtraHTTPHeaders({ "Accept-Language": language });
    if (remember) {
      await page.evaluateOnNewDocument((choice) => localStorage.setItem("seatkey-desk-language", choice), remember);
    }
    page.on("dialog", async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
    page.on("pageerror", (e) => seen.problems.push("page error: " + e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
        seen.problems.push("console error: " + m.text());
      }
    });
    page.on("request", (r) => {
      if (r.method() === "POST") seen.posts.push({ url: r.url(), key: r.headers()["idempotency-key"] });
      if (!r.url().startsWith(baseUrl) && !r.url().startsWith("blob:")) seen.elsewhere.push(r.url());
    });
    fs.mkdirSync(seen.downloads);
    const cdp = await page.createCDPSession();
    // Headless Chromium leaves navigator.languages and Intl at its own default whatever --lang
    // says: the DevTools protocol sets them as a browser set to `language` has them.
    await cdp.send("Emulation.setUserAgentOverride",
                   { userAgent: await browser.userAgent(), acceptLanguage: language });
    await cdp.send("Emulation.setLocaleOverride", { locale: language });
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: seen.downloads });
    return seen;
  } catch (e) {
    await browser.close();
    throw e;
  }
}

// The path of the downloaded file `name`, once it is there (up to 10 s).
async function downloaded(seen, name) {
  const file = path.join(seen.downloads, name);
  for (let i = 0; i < 200 && !fs.existsSync(file); ++i) await new Promise((r) => setTimeout(r, 50));
  check(fs.existsSync(file), "no " + name + " in the download folder: " + fs.readdirSync(seen.downloads));
  return file;
}

// axe-core (npm) run over the page as it stands: fails on any serious or critical violation,
// naming each rule and the elements. Its source is evaluated through the DevTools protocol,
// which the page's Content-Security-Policy does not govern (the page itself loads no script
// but its own).
let axeSource = null;
async function accessible(page, where) {
  if (axeSource === null) axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, "axe-core, " + where + ": " +
        bad.map((v) => v.impact + " " + v.id + " (" + v.help + "): " +
                       v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; "));
  return result.violations.length;
}

// Runs `main`; a thrown error ends the process with status 1, naming the step `stepOf()` says.
function run(main, stepOf) {
  main().catch((e) => {
    console.error("FAIL (" + stepOf() + "): " + e.message);
    process.exit(1);
  });
}

// A full-page screenshot of the page as it stands, WORK_DIR/screenshots/<name>.png.
async function screenshot(seen, workDir, name) {
  const dir = path.join(workDir, "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name + ".png");
  await seen.page.screenshot({ path: file, fullPage: true });
  return file;
}

module.exports = { ok, check, openPage, downloaded, accessible, screenshot, run };
