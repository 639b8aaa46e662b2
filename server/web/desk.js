// The license desk: a page over seatkey-server's API (/v1/openapi.json). No framework and no
// build step. Everything the ledger says (customers, orders, IDs, messages) is untrusted text:
// it reaches the page only through textContent, never as markup, and the server's
// Content-Security-Policy refuses inline script besides.
"use strict";

(() => {
  const TOKEN_KEY = "seatkey-desk-token";
  const $ = (id) => document.getElementById(id);

  // The bearer token lives in this tab's sessionStorage: gone when the tab closes, never sent
  // by the browser on its own (a cookie would be, to any request a page elsewhere triggers).
  const token = () => sessionStorage.getItem(TOKEN_KEY);

  function say(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.className = kind || "";
  }

  // A refusal is shown beside the form that failed (its <p class="form-error" role="alert">,
  // which screen readers announce), where the clerk is looking; "" clears it.
  function failed(id, text) {
    $(id).textContent = text;
  }
  const FORM_ERRORS = ["find-error", "void-error", "transfer-error", "issue-error", "report-error", "history-error"];

  class ApiError extends Error {
    constructor(status, detail, problem) {
      super(detail);
      this.status = status;
      this.problem = problem || {};  // the problem's members: code, appliance, ...
    }
  }

  // One API call. POSTs carry a fresh Idempotency-Key, so that a retry of the same click can
  // never issue twice — except where the API refuses one (POST /v1/codes: its answer holds the
  // codes, which the server never stores): { idempotent: false }. Refusals are problem+json:
  // their detail (else their title) is the CLI's message.
  // What the page says when the answer has no detail of the server's own (a proxy in between, a
  // server that is down): in the desk's words, with the number the administrator can look up.
  function plainFailure(status) {
    if (status >= 500) return "The server could not do this just now; try again in a moment (error " + status + ").";
    return "The server did not accept this (error " + status + ").";
  }

  async function api(method, path, body, options) {
    const headers = { Accept: "application/json" };
    const t = token();
    if (t) headers.Authorization = "Bearer " + t;
    const init = { method, headers, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      if (!options || options.idempotent !== false) headers["Idempotency-Key"] = crypto.randomUUID();
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      let detail = plainFailure(response.status);
      let problem = null;
      if (type.startsWith("application/problem+json") || type.startsWith("application/json")) {
        problem = await response.json().catch(() => null);
        if (problem && typeof problem.detail === "string" && problem.detail) detail = problem.detail;
        else if (problem && typeof problem.title === "string") detail = problem.title;
      }
      if (response.status === 401) signOut(false);
      throw new ApiError(response.status, detail, problem);
    }
    return type.startsWith("application/json") ? response.json() : response.text();
  }

  const segment = (text) => encodeURIComponent(text.trim());
  const show = (value) => (value === null || value === undefined ? "—" : String(value));

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = show(text);
    row.appendChild(td);
    return td;
  }

  // A time for people: the local date and time (or only the date), the UTC time on hover.
  function timeCell(row, iso, dateOnly) {
    const td = cell(row, iso);
    const t = iso ? new Date(iso) : null;
    if (t && !Number.isNaN(t.getTime())) {
      const two = (n) => String(n).padStart(2, "0");
      td.textContent = t.getFullYear() + "-" + two(t.getMonth() + 1) + "-" + two(t.getDate()) +
                       (dateOnly ? "" : " " + two(t.getHours()) + ":" + two(t.getMinutes()));
      td.title = iso;
    }
    return td;
  }

  // A CSV field (RFC 4180) that a spreadsheet never reads as a formula: a leading = + - @ gets
  // an apostrophe, as seatkey-keygen code new --csv writes it.
  function csvField(value) {
    if (value === null || value === undefined) return "";
    let v = String(value);
    if (/^[=+\-@]/.test(v)) v = "'" + v;
    return /[,"\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  // Hands `text` to the browser as the download `name`.
  function saveFile(name, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function clear(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  // --- signing in -------------------------------------------------------------------------

  // The signed-in token (GET /v1/whoami): its name, role and the operations ("POST /v1/codes")
  // that role may call. The page shows a control marked data-needs="OPERATION" only to a token
  // that may call it; the server's route table decides, not a copy of the roles here.
  let whoami = null;
  let current = null;  // the appliance shown
  const may = (operation) => !!whoami && whoami.operations.includes(operation);

  function signedIn(me) {
    whoami = me;
    $("sign-in-panel").hidden = true;
    $("desk").hidden = false;
    $("who").hidden = false;
    $("who-text").textContent = me.name + " (" + me.role + ")";
    for (const el of document.querySelectorAll("[data-needs]")) el.hidden = !may(el.dataset.needs);
    document.dispatchEvent(new CustomEvent("seatkey:signed-in"));
  }

  function signOut(byHand) {
    sessionStorage.removeItem(TOKEN_KEY);
    whoami = null;
    $("desk").hidden = true;
    $("who").hidden = true;
    $("sign-in-panel").hidden = false;
    for (const id of FORM_ERRORS) failed(id, "");
    for (const form of Object.keys(SUBMIT_TEXT)) unask(form);
    // Nothing the previous token was shown stays on the page for the next one to read or act
    // on: its appliance (with Void buttons made for its role) and its search results.
    current = null;
    $("issued").hidden = true;
    $("appliance").hidden = true;
    $("results").hidden = true;
    clear($("entitlement"));
    clear($("appliance-licenses").tBodies[0]);
    clear($("results-table").tBodies[0]);
    $("history").hidden = true;
    clear($("history-list"));
    $("report-result").hidden = true;
    clear($("report-table").tBodies[0]);
    reported = null;
    noteAppliance("");
    document.dispatchEvent(new CustomEvent("seatkey:signed-out"));
    if (!byHand) say("Signed out: the server did not accept the token.", "error");
  }

  // A token is checked by a read every role may make, which also says who it is.
  async function checkToken() {
    return api("GET", "/v1/whoami");
  }

  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = $("token").value.trim();
    if (!typed) return;
    sessionStorage.setItem(TOKEN_KEY, typed);
    $("token").value = "";
    try {
      signedIn(await checkToken());
      say("Signed in.", "ok");
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      say("Sign-in failed: " + e.message, "error");
    }
  });

  $("sign-out").addEventListener("click", () => {
    signOut(true);
    say("Signed out.", "ok");
  });

  // --- finding ----------------------------------------------------------------------------

  // Licenses found by customer or order, grouped as the desk thinks of them: by customer, then
  // by appliance, each group under a heading row (the API answers them by serial).
  function listLicenses(title, licenses) {
    $("results").hidden = false;
    $("results-title").textContent = title;
    const body = $("results-table").tBodies[0];
    clear(body);
    const key = (l) => [l.customer === null || l.customer === undefined ? "" : l.customer, l.appliance];
    const sorted = licenses.map((l, i) => ({ l, i })).sort((a, b) => {
      const [ca, aa] = key(a.l), [cb, ab] = key(b.l);
      return ca.localeCompare(cb) || aa.localeCompare(ab) || a.i - b.i;
    }).map((x) => x.l);
    let group = null;
    for (const l of sorted) {
      const [customer, appliance] = key(l);
      if (group === null || group[0] !== customer || group[1] !== appliance) {
        group = [customer, appliance];
        const heading = document.createElement("tr");
        heading.className = "group";
        const th = document.createElement("th");
        th.scope = "rowgroup";
        th.colSpan = 9;
        th.textContent = (customer ? "Customer " + customer : "No customer") + " — appliance " + show(appliance);
        heading.appendChild(th);
        body.appendChild(heading);
      }
      const row = document.createElement("tr");
      cell(row, l.serial);
      cell(row, l.kind);
      const applianceCell = cell(row, "");
      const link = document.createElement("button");
      link.type = "button";
      link.className = "link";
      link.textContent = show(l.appliance);
      link.addEventListener("click", () => openAppliance(l.appliance));
      applianceCell.replaceChildren(link);
      cell(row, l.edition);
      cell(row, l.users);
      cell(row, l.customer);
      cell(row, l.order);
      timeCell(row, l.issued_at);
      cell(row, l.status);
      body.appendChild(row);
    }
  }

  $("find").addEventListener("submit", async (event) => {
    event.preventDefault();
    const by = $("find-by").value;
    const text = $("find-text").value.trim();
    failed("find-error", "");
    if (!text) return;
    if (by === "appliance") {
      await openAppliance(text, "find-error");
      return;
    }
    try {
      const answer = await api("GET", "/v1/licenses?" + new URLSearchParams({ [by]: text }));
      const n = answer.licenses.length;
      listLicenses(n + (n === 1 ? " license" : " licenses") + " for " + by + " " + JSON.stringify(text),
                   answer.licenses);
      if (!n) failed("find-error", "Nothing on record for that " + by + ".");
    } catch (e) {
      failed("find-error", e.message);
    }
  });

  // --- one appliance ----------------------------------------------------------------------


  function term(list, name, value) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = show(value);
    list.append(dt, dd);
    return dd;
  }

  function showAppliance(a) {
    current = a.appliance;
    $("appliance").hidden = false;
    $("appliance-id").textContent = a.appliance;
    $("issue-appliance").value = a.appliance;
    noteAppliance(onRecordText(a));
    const e = a.entitlement;
    const list = $("entitlement");
    clear(list);
    term(list, "Licensed", e.licensed ? "yes" : "no");
    term(list, "Edition", e.edition);
    term(list, "Server license", e.server_license);
    term(list, "Included users", e.included_users);
    term(list, "Pack users", e.pack_users);
    term(list, "Licensed users", e.licensed_users).id = "licensed-users";
    term(list, "Most users", e.max_users === null ? "unlimited" : e.max_users);
    term(list, "Updates", e.updates_allowed ? (e.updates_until ? "until " + e.updates_until : "allowed")
                                            : "not allowed");
    for (const r of e.rejected || []) {
      term(list, "Rejected " + show(r.serial), r.message);
    }
    const body = $("appliance-licenses").tBodies[0];
    clear(body);
    for (const l of a.licenses) {
      const row = document.createElement("tr");
      row.dataset.serial = String(l.serial);
      const serial = cell(row, "");
      serial.textContent = "";
      const history = document.createElement("button");
      history.type = "button";
      history.className = "link history";
      history.textContent = String(l.serial);
      history.setAttribute("aria-label", "History of license " + l.serial);
      history.addEventListener("click", () => showHistory(l.serial));
      serial.appendChild(history);
      cell(row, l.kind);
      cell(row, l.edition);
      cell(row, l.users);
      cell(row, l.customer);
      cell(row, l.order);
      timeCell(row, l.issued_at);
      cell(row, l.status);
      const actions = cell(row, "");
      actions.textContent = "";
      if ((l.status === "active" || l.status === "valid") && may("POST /v1/licenses/{serial}/void")) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "void";
        button.textContent = "Void…";
        button.addEventListener("click", () => askVoid(l.serial));
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
    $("void").hidden = true;
    $("history").hidden = true;
  }

  // --- a license's history ----------------------------------------------------------------

  function historyLine(iso, text) {
    const item = document.createElement("li");
    if (iso) {
      const t = document.createElement("time");
      t.dateTime = iso;
      t.title = iso;
      const d = new Date(iso);
      t.textContent = d.toLocaleString();
      item.append(t, " ");
    }
    item.append(text);
    $("history-list").appendChild(item);
  }

  // What happened to a license, in words, oldest first (GET /v1/licenses/{serial}): who issued
  // it and for what, who voided or moved it and why, what replaced it, which revocation lists
  // name it.
  async function showHistory(serial) {
    failed("history-error", "");
    clear($("history-list"));
    $("history-serial").textContent = String(serial);
    $("history").hidden = false;
    try {
      const r = await api("GET", "/v1/licenses/" + segment(String(serial)));
      let issued = "issued by " + (r.written_by || r.issuer);
      if (r.order) issued += ", order " + r.order;
      if (r.code) issued += ", from activation code no. " + r.code;
      if (r.transferred_from) issued += ", moved here from license " + r.transferred_from + " (a transfer)";
      historyLine(r.issued_at, issued);
      for (const e of r.events) {
        const why = e.reason ? ": " + e.reason : "";
        if (e.type === "void") historyLine(e.at, "voided by " + e.who + why);
        else if (e.type === "transfer") historyLine(e.at, "moved to appliance " + e.transfer_to + " by " + e.who + why);
        else historyLine(e.at, e.type + " by " + e.who + why);
      }
      const listed = (what, serials) => {
        if (serials.length) historyLine(null, what + " " + serials.join(", "));
      };
      listed(r.superseded_by.length === 1 ? "replaced by server license" : "replaced by server licenses", r.superseded_by);
      listed(r.reissued_as.length === 1 ? "re-issued as license" : "re-issued as licenses", r.reissued_as);
      listed(r.in_revocation_lists.length === 1 ? "named in revocation list" : "named in revocation lists",
             r.in_revocation_lists);
    } catch (e) {
      failed("history-error", e.message);
    }
  }

  // Shows appliance `id`; a refusal goes beside the form `errorId` names.
  async function openAppliance(id, errorId) {
    try {
      showAppliance(await api("GET", "/v1/appliances/" + segment(id)));
      say("", "");
    } catch (e) {
      failed(errorId || "find-error", e.message);
    }
  }

  $("refresh").addEventListener("click", () => current && openAppliance(current));

  // The license file is fetched with the token and handed to the browser as a download: a
  // plain link could not carry the Authorization header.
  $("download").addEventListener("click", async () => {
    if (!current) return;
    try {
      const text = await api("GET", "/v1/appliances/" + segment(current) + "/license-file");
      saveFile(current.replace(/[^A-Za-z0-9_-]/g, "_") + ".lic", text, "text/plain");
      say("License file for " + current + " downloaded.", "ok");
    } catch (e) {
      say(e.message, "error");
    }
  });

  // A void or a transfer is sent twice (and so is a first license for an appliance the ledger
  // has never seen, after the page said so): first as a dry run (?dry_run=true), whose answer the
  // page shows beside the form with what the appliances would have, then for real when the clerk
  // confirms the same inputs. Changing an input asks again.
  const asked = {};  // form id -> the request its dry run answered
  const SUBMIT_TEXT = { void: "Void", transfer: "Transfer", issue: "Issue" };

  function summaryText(a) {
    const edition = a.edition ? " (" + a.edition + ")" : "";
    return a.appliance + " would have " + a.licensed_users + (a.licensed_users === 1 ? " user" : " users") + edition;
  }

  function ask(form, request, text) {
    asked[form] = request;
    $(form + "-preview").textContent = text + "\nPress Confirm to do it, or change the form.";
    $(form + "-preview").hidden = false;
    $(form + "-submit").textContent = "Confirm " + SUBMIT_TEXT[form].toLowerCase();
  }

  function unask(form) {
    delete asked[form];
    $(form + "-preview").hidden = true;
    $(form + "-preview").textContent = "";
    $(form + "-submit").textContent = SUBMIT_TEXT[form];
  }

  // Sends `body` to `path`: a dry run first (answered by `describe`), the request itself once asked.
  async function confirmed(form, path, body, describe) {
    const request = path + " " + JSON.stringify(body);
    if (asked[form] !== request) {
      const answer = await api("POST", path + "?dry_run=true", body);
      ask(form, request, describe(answer));
      return null;
    }
    unask(form);
    return api("POST", path, body);
  }

  for (const form of Object.keys(SUBMIT_TEXT)) $(form).addEventListener("input", () => unask(form));

  let voiding = null;

  function askVoid(serial) {
    unask("void");
    voiding = serial;
    $("void-serial").textContent = String(serial);
    failed("void-error", "");
    $("void").hidden = false;
    $("void-reason").focus();
  }

  $("void-cancel").addEventListener("click", () => {
    unask("void");
    voiding = null;
    $("void").hidden = true;
  });

  $("void").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (voiding === null) return;
    const serial = voiding;
    failed("void-error", "");
    try {
      const done = await confirmed("void", "/v1/licenses/" + segment(String(serial)) + "/void",
                                   { reason: $("void-reason").value.trim() },
                                   (a) => "Voids license " + serial + ": " + a.appliances.map(summaryText).join("; ") + ".");
      if (!done) return;
      $("void-reason").value = "";
      voiding = null;
      await openAppliance(current);
      say("License " + serial + " voided.", "ok");
    } catch (e) {
      unask("void");
      failed("void-error", e.message);
    }
  });

  $("transfer").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    const order = { from: current, to: $("transfer-to").value.trim() };
    const reason = $("transfer-reason").value.trim();
    if (reason) order.reason = reason;
    failed("transfer-error", "");
    try {
      const done = await confirmed("transfer", "/v1/transfers", order, (a) => {
        const licenses = (n) => n + (n === 1 ? " license" : " licenses");
        return "Moves " + licenses(a.licenses.length) + " from " + a.from + " to " + a.to + "; " +
               licenses(a.taken_back.length) + " of " + a.from + (a.taken_back.length === 1 ? " is" : " are") +
               " taken back. " +
               a.appliances.map(summaryText).join("; ") + ".";
      });
      if (!done) return;
      $("transfer-to").value = "";
      $("transfer-reason").value = "";
      await openAppliance(order.to, "transfer-error");
      say("Licenses of " + order.from + " transferred to " + order.to + ".", "ok");
    } catch (e) {
      unask("transfer");
      failed("transfer-error", e.message);
    }
  });

  // --- issuing ----------------------------------------------------------------------------

  function kind() {
    return document.querySelector('#issue input[name="kind"]:checked').value;
  }

  // "New installation" (a server license, with the packs for N users in all when given), "More
  // users" (the packs that bring the appliance to N users in all) or "User packs by hand".
  function showKind() {
    const k = kind();
    for (const el of document.querySelectorAll(".server-only")) el.hidden = k !== "server";
    for (const el of document.querySelectorAll(".users-only")) el.hidden = k !== "users";
    for (const el of document.querySelectorAll(".target-field")) el.hidden = k === "users";
    $("issue-target").required = k === "target";
  }
  showKind();
  for (const radio of document.querySelectorAll('#issue input[name="kind"]')) {
    radio.addEventListener("change", showKind);
  }

  // The API's own document: its enumerations (editions, pack sizes) are the program's tables,
  // not a second copy here. Fetched once, for this panel and the codes panel.
  let documentPromise = null;
  function openapi() {
    if (!documentPromise) {
      documentPromise = api("GET", "/v1/openapi.json").catch((e) => {
        documentPromise = null;  // the next caller tries again
        throw e;
      });
    }
    return documentPromise;
  }

  function fillSelect(select, values) {
    clear(select);
    for (const value of values) {
      const option = document.createElement("option");
      option.value = option.textContent = String(value);
      select.appendChild(option);
    }
  }

  async function loadEditions() {
    try {
      const doc = await openapi();
      fillSelect($("issue-edition"), doc.components.schemas.Edition.enum);
      fillSelect($("issue-users"), [...doc.components.schemas.PackSize.enum].sort((a, b) => b - a));
    } catch (e) {
      say("Could not load the editions: " + e.message, "error");
    }
  }

  $("issue").addEventListener("submit", async (event) => {
    event.preventDefault();
    const k = kind();
    const order = { appliance: $("issue-appliance").value.trim() };
    const optional = (field, id) => {
      const v = $(id).value.trim();
      if (v) order[field] = v;
    };
    const target = $("issue-target").value.trim();
    if (k === "server") {
      order.edition = $("issue-edition").value;
      optional("updates_until", "issue-updates");
      if ($("issue-replace").checked) order.replace = true;
    } else if (k === "users") {
      order.users = Number($("issue-users").value);
      order.count = Number($("issue-count").value);
    }
    if (k !== "users" && target) order.target_users = Number(target);
    optional("customer", "issue-customer");
    optional("order", "issue-order");
    const path = "/v1/licenses/" + (k === "server" ? "server" : "users");
    const request = path + " " + JSON.stringify(order);
    // What a previous order issued goes before this one is sent: a refusal must never sit
    // above an older "Issued" that reads like its success.
    failed("issue-error", "");
    $("issued").hidden = true;
    clear($("issued-list"));
    try {
      // A first license for an appliance nobody has seen is most likely a mistyped ID: ask.
      if (asked.issue !== request) {
        const unseen = await notOnRecord(order.appliance);
        if (unseen) {
          ask("issue", request, "Appliance " + unseen + " is not on record: this is its first license. " +
                                "Check the ID against the appliance itself.");
          return;
        }
      }
      unask("issue");
      const answer = await api("POST", path, order);
      const list = $("issued-list");
      clear(list);
      for (const l of answer.licenses) {
        const item = document.createElement("li");
        item.textContent = "serial " + l.serial + ": " + l.kind +
                           (l.edition ? " " + l.edition : "") + ", " + l.users + " users";
        list.appendChild(item);
      }
      $("issued").hidden = false;
      await openAppliance(order.appliance, "issue-error");
      const n = answer.licenses.length;
      say("Issued " + n + (n === 1 ? " license" : " licenses") + " for " + order.appliance + ".", "ok");
    } catch (e) {
      unask("issue");
      failed("issue-error", e.message);
    }
  });

  // The canonical ID of a typed appliance that the ledger has never seen, or null: on record,
  // or an ID the order itself will refuse.
  async function notOnRecord(typed) {
    try {
      await api("GET", "/v1/appliances/" + segment(typed));
      return null;
    } catch (e) {
      return e.problem.code === "appliance_unknown" ? e.problem.appliance : null;
    }
  }

  // Under the Appliance ID, as it is typed: the ID the server reads (its canonical form) and
  // whether the ledger knows it.
  function noteAppliance(text) {
    $("issue-appliance-note").textContent = text;
  }
  function onRecordText(a) {
    const s = a.on_record;
    return a.appliance + ": on record, " + (s.edition ? s.edition + ", " : "no server license, ") +
           s.licensed_users + (s.licensed_users === 1 ? " user" : " users");
  }
  let noteTimer = null;
  $("issue-appliance").addEventListener("input", () => {
    clearTimeout(noteTimer);
    noteTimer = setTimeout(async () => {
      const typed = $("issue-appliance").value.trim();
      if (!typed) return noteAppliance("");
      let text;
      try {
        text = onRecordText(await api("GET", "/v1/appliances/" + segment(typed)));
      } catch (e) {
        text = e.problem.code === "appliance_unknown" ? e.problem.appliance + ": not on record, a new appliance"
                                                      : e.message;
      }
      if ($("issue-appliance").value.trim() === typed) noteAppliance(text);
    }, 400);
  });

  // --- reports ----------------------------------------------------------------------------

  // The report's lines (GET /v1/report), in the order and words the desk reads them.
  const REPORT_LINES = [["sale", "sold"], ["free", "free"], ["replacement", "replacements"],
                        ["transfer", "moved (transfers)"], ["void", "voided"]];
  let reported = null;  // { from, to, rows } of the report shown, for its CSV

  const localDay = (d) => d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
                          String(d.getDate()).padStart(2, "0");

  function month(offset) {
    const now = new Date();
    $("report-from").value = localDay(new Date(now.getFullYear(), now.getMonth() + offset, 1));
    $("report-to").value = localDay(new Date(now.getFullYear(), now.getMonth() + offset + 1, 0));
    showReport();
  }
  $("report-this-month").addEventListener("click", () => month(0));
  $("report-last-month").addEventListener("click", () => month(-1));
  $("report").addEventListener("submit", (event) => {
    event.preventDefault();
    showReport();
  });

  // The days are the clerk's (local midnight to local midnight), sent as UTC times.
  async function showReport() {
    failed("report-error", "");
    $("report-result").hidden = true;
    const from = $("report-from").value, to = $("report-to").value;
    if (!from || !to) return failed("report-error", "Choose the first and the last day.");
    const [fy, fm, fd] = from.split("-").map(Number);
    const [ty, tm, td] = to.split("-").map(Number);
    const since = new Date(fy, fm - 1, fd), until = new Date(ty, tm - 1, td + 1);
    if (until <= since) return failed("report-error", "The last day is before the first.");
    try {
      const r = await api("GET", "/v1/report?since=" + encodeURIComponent(since.toISOString()) +
                                 "&until=" + encodeURIComponent(until.toISOString()));
      const rows = [];
      for (const [key, what] of REPORT_LINES) {
        for (const line of r[key]) {
          const sort = line.edition || (line.users_per_pack ? line.users_per_pack + "-user pack" : "");
          rows.push([what, line.kind, sort, line.licenses, line.users]);
        }
      }
      const body = $("report-table").tBodies[0];
      clear(body);
      for (const values of rows) {
        const row = document.createElement("tr");
        for (const v of values) cell(row, v);
        body.appendChild(row);
      }
      if (rows.length === 0) {
        const row = document.createElement("tr");
        cell(row, "nothing issued, moved or voided in these days").colSpan = 5;
        body.appendChild(row);
      }
      const codes = r.codes.map((c) => (c.reseller || "no reseller") + ": " + c.created + " made, " + c.redeemed +
                                      " activated, " + c.voided + " voided, " + c.open + " open");
      $("report-other").textContent = "Appliances moved: " + r.appliances_transferred + ". Revocation lists: " +
                                      r.revocation_lists + "." + (codes.length ? " Activation codes — " + codes.join("; ") + "." : "");
      $("report-title").textContent = "From " + from + " to " + to + " (whole days, local time)";
      reported = { from, to, rows };
      $("report-result").hidden = false;
    } catch (e) {
      failed("report-error", e.message);
    }
  }

  $("report-csv").addEventListener("click", () => {
    if (!reported) return;
    let text = "what,kind,edition_or_pack,licenses,users\n";
    for (const values of reported.rows) text += values.map(csvField).join(",") + "\n";
    saveFile("report-" + reported.from + "-to-" + reported.to + ".csv", text, "text/csv");
    say("Report from " + reported.from + " to " + reported.to + " downloaded.", "ok");
  });

  // --- for the other panels (codes.js) ----------------------------------------------------

  window.seatkeyDesk = Object.freeze({ api, openapi, may, say, failed, show, cell, timeCell, csvField, saveFile, clear,
                                       openAppliance });

  // --- start ------------------------------------------------------------------------------

  showKind();
  loadEditions();
  // After the other scripts (defer, in order) have set up their listeners for signing in.
  document.addEventListener("DOMContentLoaded", () => {
    if (token()) checkToken().then(signedIn, () => signOut(false));
  });
})();
