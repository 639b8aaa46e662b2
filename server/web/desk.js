// The license desk: a page over seatkey-server's API (/v1/openapi.json). No framework and no
// build step. Everything the ledger says (customers, orders, IDs, messages) is untrusted text:
// it reaches the page only through textContent, never as markup, and the server's
// Content-Security-Policy refuses inline script besides. Its words come from i18n.js
// (window.seatkeyText), in the language chosen.
"use strict";

(() => {
  const TOKEN_KEY = "seatkey-desk-token";
  const $ = (id) => document.getElementById(id);
  const T = window.seatkeyText;
  const t = T.t;

  // The bearer token lives in this tab's sessionStorage: gone when the tab closes, never sent
  // by the browser on its own (a cookie would be, to any request a page elsewhere triggers).
  const token = () => sessionStorage.getItem(TOKEN_KEY);

  // A message is a string, a function that makes one in the language chosen when it is called,
  // or an Error (an ApiError: its refusal in the chosen language). Every element the page writes
  // a message into keeps it, to say it again when the language changes.
  function explain(m) {
    if (typeof m === "function") return m();
    if (m instanceof ApiError) return T.problem(m.problem, m.detail || plainFailure(m.status));
    if (m instanceof Error) return m.message;
    return m === null || m === undefined ? "" : String(m);
  }
  const said = new Map();  // element id -> the message it shows
  function put(id, m) {
    said.set(id, m);
    $(id).textContent = explain(m);
  }
  document.addEventListener("seatkey:language", () => {
    for (const [id, m] of said) $(id).textContent = explain(m);
  });

  function say(m, kind) {
    put("status", m);
    $("status").className = kind || "";
  }

  // A refusal is shown beside the form that failed (its <p class="form-error" role="alert">,
  // which screen readers announce), where the clerk is looking; "" clears it.
  function failed(id, m) {
    put(id, m);
  }
  const FORM_ERRORS = ["find-error", "void-error", "transfer-error", "issue-error", "report-error", "history-error"];

  // A refused call: the problem's members (code, appliance, ...) and the server's detail (its
  // English words; null when the answer had none, as from a proxy in between).
  class ApiError extends Error {
    constructor(status, detail, problem) {
      super(detail || "error " + status);
      this.status = status;
      this.detail = detail;
      this.problem = problem || {};
    }
  }

  // One API call. POSTs carry a fresh Idempotency-Key, so that a retry of the same click can
  // never issue twice — except where the API refuses one (POST /v1/codes: its answer holds the
  // codes, which the server never stores): { idempotent: false }. Refusals are problem+json:
  // their detail (else their title) is the CLI's message.
  // What the page says when the answer has no detail of the server's own (a proxy in between, a
  // server that is down): in the desk's words, with the number the administrator can look up.
  function plainFailure(status) {
    return t(status >= 500 ? "error.server" : "error.refused", { status: String(status) });
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
      let detail = null;
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
  // A count (users, licenses) as the chosen language writes numbers.
  const count = (value) => (typeof value === "number" ? T.number(value) : show(value));

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = show(text);
    row.appendChild(td);
    return td;
  }

  // A time for people: the local date and time (or only the date), the UTC time on hover.
  function timeCell(row, iso, dateOnly) {
    const td = cell(row, iso);
    const when = iso ? new Date(iso) : null;
    if (when && !Number.isNaN(when.getTime())) {
      td.textContent = T.dateTime(when, dateOnly);
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
    put("who-text", () => t("who", { name: me.name, role: T.word("role", me.role) }));
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
    shownResults = shownHistory = shownIssued = null;
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
    if (!byHand) say(() => t("sign-out.refused"), "error");
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
      say(() => t("sign-in.done"), "ok");
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      say(() => t("sign-in.failed", { reason: explain(e) }), "error");
    }
  });

  $("sign-out").addEventListener("click", () => {
    signOut(true);
    say(() => t("sign-out.done"), "ok");
  });

  // --- finding ----------------------------------------------------------------------------

  // Licenses found by customer or order, grouped as the desk thinks of them: by customer, then
  // by appliance, each group under a heading row (the API answers them by serial).
  let shownResults = null;  // the licenses listed, to list again in another language
  function listLicenses(title, licenses) {
    shownResults = licenses;
    $("results").hidden = false;
    put("results-title", title);
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
        th.textContent = t("results.group", { customer, appliance: show(appliance) });
        heading.appendChild(th);
        body.appendChild(heading);
      }
      const row = document.createElement("tr");
      cell(row, l.serial);
      cell(row, T.word("kind", l.kind));
      const applianceCell = cell(row, "");
      const link = document.createElement("button");
      link.type = "button";
      link.className = "link";
      link.textContent = show(l.appliance);
      link.addEventListener("click", () => openAppliance(l.appliance));
      applianceCell.replaceChildren(link);
      cell(row, l.edition);
      cell(row, count(l.users));
      cell(row, l.customer);
      cell(row, l.order);
      timeCell(row, l.issued_at);
      cell(row, T.word("status", l.status));
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
      listLicenses(() => t("find.results", { n, by: t("find.by.word." + by), text }), answer.licenses);
      if (!n) failed("find-error", () => t("find.none", { by: t("find.by.word." + by) }));
    } catch (e) {
      failed("find-error", e);
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

  let shownAppliance = null;  // the appliance's answer, to show again in another language
  function showAppliance(a) {
    current = a.appliance;
    $("appliance").hidden = false;
    $("appliance-id").textContent = a.appliance;
    $("issue-appliance").value = a.appliance;
    noteAppliance(() => onRecordText(a));
    renderAppliance(a);
    $("void").hidden = true;
    $("history").hidden = true;
  }

  function renderAppliance(a) {
    shownAppliance = a;
    const e = a.entitlement;
    const list = $("entitlement");
    clear(list);
    const until = e.updates_until ? new Date(e.updates_until) : null;
    term(list, t("ent.licensed"), t(e.licensed ? "yes" : "no"));
    term(list, t("ent.edition"), e.edition);
    term(list, t("ent.server-license"), e.server_license);
    term(list, t("ent.included-users"), count(e.included_users));
    term(list, t("ent.pack-users"), count(e.pack_users));
    term(list, t("ent.licensed-users"), count(e.licensed_users)).id = "licensed-users";
    term(list, t("ent.max-users"), e.max_users === null ? t("unlimited") : count(e.max_users));
    term(list, t("ent.updates"), e.updates_allowed
        ? (until && !Number.isNaN(until.getTime()) ? t("updates.until", { date: T.dateTime(until, true) }) : t("updates.allowed"))
        : t("updates.not-allowed"));
    // The verifier's own reason for a rejected license: the server's English words.
    for (const r of e.rejected || []) {
      term(list, t("ent.rejected", { serial: show(r.serial) }), r.message);
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
      history.setAttribute("aria-label", t("license.history-of", { serial: String(l.serial) }));
      history.addEventListener("click", () => showHistory(l.serial));
      serial.appendChild(history);
      cell(row, T.word("kind", l.kind));
      cell(row, l.edition);
      cell(row, count(l.users));
      cell(row, l.customer);
      cell(row, l.order);
      timeCell(row, l.issued_at);
      cell(row, T.word("status", l.status));
      const actions = cell(row, "");
      actions.textContent = "";
      if ((l.status === "active" || l.status === "valid") && may("POST /v1/licenses/{serial}/void")) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "void";
        button.textContent = t("license.void-button");
        button.addEventListener("click", () => askVoid(l.serial));
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
  }

  // --- a license's history ----------------------------------------------------------------

  function historyLine(iso, text) {
    const item = document.createElement("li");
    if (iso) {
      const time = document.createElement("time");
      time.dateTime = iso;
      time.title = iso;
      time.textContent = T.dateTime(new Date(iso));
      item.append(time, " ");
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
    shownHistory = null;
    try {
      renderHistory(await api("GET", "/v1/licenses/" + segment(String(serial))));
    } catch (e) {
      failed("history-error", e);
    }
  }

  let shownHistory = null;  // the license's answer, to tell again in another language
  function renderHistory(r) {
    shownHistory = r;
    clear($("history-list"));
    historyLine(r.issued_at, t("history.issued", { who: r.written_by || r.issuer, order: r.order, code: r.code,
                                                   from: r.transferred_from }));
    for (const e of r.events) {
      const why = e.reason ? ": " + e.reason : "";
      // An event through the server names its API token; one without, a login name at the
      // command line, which could be the same word.
      const who = e.written_by ? e.who : t("history.login", { who: e.who });
      if (e.type === "void") historyLine(e.at, t("history.void", { who, why }));
      else if (e.type === "transfer") historyLine(e.at, t("history.transfer", { to: e.transfer_to, who, why }));
      else historyLine(e.at, t("history.other", { type: e.type, who, why }));
    }
    const listed = (key, serials) => {
      if (serials.length) historyLine(null, t(key, { n: serials.length, serials: serials.join(", ") }));
    };
    listed("history.superseded", r.superseded_by);
    listed("history.reissued", r.reissued_as);
    listed("history.revocation", r.in_revocation_lists);
  }

  // Shows appliance `id`; a refusal goes beside the form `errorId` names.
  async function openAppliance(id, errorId) {
    try {
      showAppliance(await api("GET", "/v1/appliances/" + segment(id)));
      say("", "");
    } catch (e) {
      failed(errorId || "find-error", e);
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
      const appliance = current;
      say(() => t("appliance.downloaded", { appliance }), "ok");
    } catch (e) {
      say(e, "error");
    }
  });

  // A void or a transfer is sent twice (and so is a first license for an appliance the ledger
  // has never seen, after the page said so): first as a dry run (?dry_run=true), whose answer the
  // page shows beside the form with what the appliances would have, then for real when the clerk
  // confirms the same inputs. Changing an input asks again.
  const asked = {};  // form id -> the request its dry run answered
  // Each form's submit button: its text, and its text while a dry run waits for confirmation.
  const SUBMIT_TEXT = { void: ["void.submit", "void.confirm"], transfer: ["transfer.submit", "transfer.confirm"],
                        issue: ["sell.submit", "sell.confirm"] };

  function summaryText(a) {
    return t("would-have", { appliance: a.appliance, users: a.licensed_users, edition: a.edition });
  }

  // `text`: a message (a function, to say again in another language).
  function ask(form, request, text) {
    asked[form] = request;
    put(form + "-preview", () => explain(text) + "\n" + t("ask.confirm"));
    $(form + "-preview").hidden = false;
    put(form + "-submit", () => t(SUBMIT_TEXT[form][1]));
  }

  function unask(form) {
    delete asked[form];
    $(form + "-preview").hidden = true;
    put(form + "-preview", "");
    put(form + "-submit", () => t(SUBMIT_TEXT[form][0]));
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
                                   (a) => () => t("void.preview", { serial: String(serial),
                                                                    after: a.appliances.map(summaryText).join("; ") }));
      if (!done) return;
      $("void-reason").value = "";
      voiding = null;
      await openAppliance(current);
      say(() => t("void.done", { serial: String(serial) }), "ok");
    } catch (e) {
      unask("void");
      failed("void-error", e);
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
      const done = await confirmed("transfer", "/v1/transfers", order, (a) => () => t("transfer.preview", {
        moved: a.licenses.length, taken: a.taken_back.length, from: a.from, to: a.to,
        after: a.appliances.map(summaryText).join("; "),
      }));
      if (!done) return;
      $("transfer-to").value = "";
      $("transfer-reason").value = "";
      await openAppliance(order.to, "transfer-error");
      say(() => t("transfer.done", order), "ok");
    } catch (e) {
      unask("transfer");
      failed("transfer-error", e);
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
      say(() => t("sell.no-editions", { reason: explain(e) }), "error");
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
          ask("issue", request, () => t("sell.unseen", { appliance: unseen }));
          return;
        }
      }
      unask("issue");
      const answer = await api("POST", path, order);
      renderIssued(answer.licenses);
      $("issued").hidden = false;
      await openAppliance(order.appliance, "issue-error");
      const n = answer.licenses.length;
      say(() => t("sell.done", { n, appliance: order.appliance }), "ok");
    } catch (e) {
      unask("issue");
      failed("issue-error", e);
    }
  });

  let shownIssued = null;  // the licenses just issued, to list again in another language
  function renderIssued(licenses) {
    shownIssued = licenses;
    const list = $("issued-list");
    clear(list);
    for (const l of licenses) {
      const item = document.createElement("li");
      item.textContent = t("sell.issued-line", { serial: String(l.serial), kind: T.word("kind", l.kind),
                                                 edition: l.edition, users: l.users });
      list.appendChild(item);
    }
  }

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
  function noteAppliance(m) {
    put("issue-appliance-note", m);
  }
  function onRecordText(a) {
    const s = a.on_record;
    return t("note.on-record", { appliance: a.appliance, edition: s.edition, users: s.licensed_users });
  }
  let noteTimer = null;
  $("issue-appliance").addEventListener("input", () => {
    clearTimeout(noteTimer);
    noteTimer = setTimeout(async () => {
      const typed = $("issue-appliance").value.trim();
      if (!typed) return noteAppliance("");
      let text;
      try {
        const a = await api("GET", "/v1/appliances/" + segment(typed));
        text = () => onRecordText(a);
      } catch (e) {
        text = e.problem && e.problem.code === "appliance_unknown"
            ? () => t("note.unknown", { appliance: e.problem.appliance }) : e;
      }
      if ($("issue-appliance").value.trim() === typed) noteAppliance(text);
    }, 400);
  });

  // --- reports ----------------------------------------------------------------------------

  // The report's lines (GET /v1/report), in the order and words the desk reads them.
  // Its CSV keeps the English words whatever the page's language: a program reads it.
  const REPORT_LINES = [["sale", "sold"], ["free", "free"], ["replacement", "replacements"],
                        ["transfer", "moved (transfers)"], ["void", "voided"]];
  let reported = null;  // { from, to, rows, answer } of the report shown, for its CSV and another language

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
    if (!from || !to) return failed("report-error", () => t("reports.choose"));
    const [fy, fm, fd] = from.split("-").map(Number);
    const [ty, tm, td] = to.split("-").map(Number);
    const since = new Date(fy, fm - 1, fd), until = new Date(ty, tm - 1, td + 1);
    if (until <= since) return failed("report-error", () => t("reports.backwards"));
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
      reported = { from, to, rows, answer: r };
      renderReport();
      $("report-result").hidden = false;
    } catch (e) {
      failed("report-error", e);
    }
  }

  // The report shown, in the chosen language.
  function renderReport() {
    const { from, to, answer: r } = reported;
    const body = $("report-table").tBodies[0];
    clear(body);
    for (const [key] of REPORT_LINES) {
      for (const line of r[key]) {
        const row = document.createElement("tr");
        cell(row, t("report." + key));
        cell(row, T.word("kind", line.kind));
        cell(row, line.edition || (line.users_per_pack ? t("reports.pack", { users: line.users_per_pack }) : ""));
        cell(row, count(line.licenses));
        cell(row, count(line.users));
        body.appendChild(row);
      }
    }
    if (body.rows.length === 0) {
      const row = document.createElement("tr");
      cell(row, t("reports.empty")).colSpan = 5;
      body.appendChild(row);
    }
    const codes = r.codes.map((c) => t("reports.codes-line", { reseller: c.reseller || t("reports.no-reseller"),
                                                               created: c.created, redeemed: c.redeemed,
                                                               voided: c.voided, open: c.open }));
    $("report-other").textContent = t("reports.other", { moved: r.appliances_transferred, lists: r.revocation_lists,
                                                         codes: codes.join("; ") });
    $("report-title").textContent = t("reports.title", { from: T.day(from), to: T.day(to) });
  }

  $("report-csv").addEventListener("click", () => {
    if (!reported) return;
    let text = "what,kind,edition_or_pack,licenses,users\n";
    for (const values of reported.rows) text += values.map(csvField).join(",") + "\n";
    saveFile("report-" + reported.from + "-to-" + reported.to + ".csv", text, "text/csv");
    const { from, to } = reported;
    say(() => t("reports.csv-done", { from: T.day(from), to: T.day(to) }), "ok");
  });

  // --- for the other panels (codes.js) ----------------------------------------------------

  // What another language shows again: the tables and lists built from the last answers (the
  // messages are said again by put's listener).
  document.addEventListener("seatkey:language", () => {
    if (shownResults && !$("results").hidden) listLicenses(said.get("results-title"), shownResults);
    if (current && shownAppliance) renderAppliance(shownAppliance);
    if (shownHistory && !$("history").hidden) renderHistory(shownHistory);
    if (shownIssued && !$("issued").hidden) renderIssued(shownIssued);
    if (reported && !$("report-result").hidden) renderReport();
  });

  window.seatkeyDesk = Object.freeze({ api, openapi, may, say, failed, put, explain, show, count, cell, timeCell, csvField,
                                       saveFile, clear, openAppliance });

  // --- start ------------------------------------------------------------------------------

  showKind();
  loadEditions();
  // After the other scripts (defer, in order) have set up their listeners for signing in.
  document.addEventListener("DOMContentLoaded", () => {
    if (token()) checkToken().then(signedIn, () => signOut(false));
  });
})();
