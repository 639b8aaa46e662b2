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
  const FORM_ERRORS = ["find-error", "void-error", "transfer-error", "issue-error"];

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
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
      if (type.startsWith("application/problem+json") || type.startsWith("application/json")) {
        const problem = await response.json().catch(() => null);
        if (problem && typeof problem.detail === "string" && problem.detail) detail = problem.detail;
        else if (problem && typeof problem.title === "string") detail = problem.title;
      }
      if (response.status === 401) signOut(false);
      throw new ApiError(response.status, detail);
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

  function listLicenses(title, licenses) {
    $("results").hidden = false;
    $("results-title").textContent = title;
    const body = $("results-table").tBodies[0];
    clear(body);
    for (const l of licenses) {
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
      cell(row, l.issued_at);
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
      cell(row, l.serial);
      cell(row, l.kind);
      cell(row, l.edition);
      cell(row, l.users);
      cell(row, l.customer);
      cell(row, l.order);
      cell(row, l.issued_at);
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
      const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = current.replace(/[^A-Za-z0-9_-]/g, "_") + ".lic";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say("License file for " + current + " downloaded.", "ok");
    } catch (e) {
      say(e.message, "error");
    }
  });

  // A void or a transfer is sent twice: first as a dry run (?dry_run=true), whose answer the
  // page shows beside the form with what the appliances would have, then for real when the clerk
  // confirms the same inputs. Changing an input asks again.
  const asked = {};  // form id -> the request its dry run answered
  const SUBMIT_TEXT = { void: "Void", transfer: "Transfer" };

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
    // What a previous order issued goes before this one is sent: a refusal must never sit
    // above an older "Issued" that reads like its success.
    failed("issue-error", "");
    $("issued").hidden = true;
    clear($("issued-list"));
    try {
      const answer = await api("POST", "/v1/licenses/" + (k === "server" ? "server" : "users"), order);
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
      failed("issue-error", e.message);
    }
  });

  // --- for the other panels (codes.js) ----------------------------------------------------

  window.seatkeyDesk = Object.freeze({ api, openapi, may, say, failed, show, cell, clear, openAppliance });

  // --- start ------------------------------------------------------------------------------

  showKind();
  loadEditions();
  // After the other scripts (defer, in order) have set up their listeners for signing in.
  document.addEventListener("DOMContentLoaded", () => {
    if (token()) checkToken().then(signedIn, () => signOut(false));
  });
})();
