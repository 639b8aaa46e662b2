// The desk's API tokens panel, for admins: every token with its role, whether it was revoked or
// has expired, its expiry and its quota of licenses a day (never a secret: the ledger keeps only
// hashes), a new token for a clerk, the shop or the ERP (shown this once; an expiry and a quota
// if wanted), and revoking one, asked first. It talks to the API through desk.js
// (window.seatkeyDesk) and owns nothing outside its own section (#tokens). Token names are
// ledger text: they reach the page only through textContent.
"use strict";

(() => {
  const desk = window.seatkeyDesk;
  const T = window.seatkeyText;
  const t = T.t;
  const $ = (id) => document.getElementById(id);
  const failed = desk.failed;
  let revoking = null;  // the name whose revocation is being confirmed

  // The roles, in the order of the API's own document (least first).
  async function loadRoles() {
    const doc = await desk.openapi();
    const select = $("token-role");
    desk.clear(select);
    for (const role of doc.components.schemas.Role.enum) {
      const option = document.createElement("option");
      option.value = role;
      option.textContent = T.word("role", role);
      select.appendChild(option);
    }
  }

  let listed = [];  // the tokens listed, to list again in another language

  async function listTokens() {
    failed("token-list-error", "");
    try {
      const answer = await desk.api("GET", "/v1/tokens");
      listed = answer.tokens;
      renderTokens();
      $("token-list").hidden = false;
    } catch (e) {
      failed("token-list-error", e);
    }
  }

  function renderTokens() {
    const body = $("token-table").tBodies[0];
    desk.clear(body);
    for (const token of listed) {
      const row = document.createElement("tr");
      row.dataset.name = token.name;
      desk.cell(row, token.name);
      desk.cell(row, T.word("role", token.role));
      desk.timeCell(row, token.created_at);
      desk.cell(row, t(stateOf(token)));
      if (token.expires_at) desk.timeCell(row, token.expires_at);
      else desk.cell(row, t("tokens.never"));
      desk.cell(row, token.max_per_day === null ? t("tokens.no-limit") : T.number(token.max_per_day));
      const actions = desk.cell(row, "");
      actions.textContent = "";
      if (!token.revoked_at) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "void";
        button.textContent = t("tokens.revoke-button");
        button.setAttribute("aria-label", t("tokens.revoke-label", { name: token.name }));
        button.addEventListener("click", () => askRevoke(token.name));
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
  }

  function stateOf(token) {
    if (token.revoked_at) return "tokens.revoked";
    return token.expires_at && new Date(token.expires_at) <= new Date() ? "tokens.expired" : "tokens.in-use";
  }

  // The request's optional limits: the expiry day from its start (local midnight, as the API's
  // RFC 3339 UTC time), the quota as a number.
  function limits() {
    const out = {};
    const day = $("token-expires").value;
    if (day) {
      const [y, m, d] = day.split("-").map(Number);
      out.expires_at = new Date(y, m - 1, d).toISOString().replace(/\.\d{3}Z$/, "Z");
    }
    const perDay = $("token-per-day").value;
    if (perDay) out.max_per_day = Number(perDay);
    return out;
  }

  function showNew(token) {
    desk.put("token-made-title", token ? () => t("tokens.made.heading", {
      name: t("who", { name: token.name, role: T.word("role", token.role) }) }) : "");
    $("token-new-secret").textContent = token ? token.token : "";
    $("token-made").hidden = !token;
  }

  $("token-new").addEventListener("submit", async (event) => {
    event.preventDefault();
    // The last success leaves the status line: a refusal now must not sit under it.
    desk.say("", "");
    failed("token-new-error", "");
    showNew(null);
    try {
      // The answer holds the secret: the API takes no Idempotency-Key here, and keeps no answer.
      const made = await desk.api("POST", "/v1/tokens",
                                  { name: $("token-name").value.trim(), role: $("token-role").value, ...limits() },
                                  { idempotent: false });
      showNew(made);
      for (const id of ["token-name", "token-expires", "token-per-day"]) $(id).value = "";
      desk.say(() => t("tokens.made", { name: made.name }), "ok");
      await listTokens();
    } catch (e) {
      failed("token-new-error", e);
    }
  });

  function askRevoke(name) {
    revoking = name;
    desk.put("token-revoke-title", () => t("tokens.revoke.heading", { name }));
    failed("token-revoke-error", "");
    $("token-revoke").hidden = false;
    $("token-revoke-confirm").focus();
  }

  $("token-revoke-cancel").addEventListener("click", () => {
    revoking = null;
    $("token-revoke").hidden = true;
  });

  $("token-revoke").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (revoking === null) return;
    const name = revoking;
    try {
      await desk.api("POST", "/v1/tokens/" + encodeURIComponent(name) + "/revoke", {});
      revoking = null;
      $("token-revoke").hidden = true;
      desk.say(() => t("tokens.revoke.done", { name }), "ok");
      await listTokens();
    } catch (e) {
      failed("token-revoke-error", e);
    }
  });

  // Nothing of one sign-in stays for the next: above all not a new token's secret.
  function reset() {
    revoking = null;
    showNew(null);
    $("token-revoke").hidden = true;
    $("token-list").hidden = true;
    desk.clear($("token-table").tBodies[0]);
    listed = [];
    for (const id of ["token-new-error", "token-list-error", "token-revoke-error"]) failed(id, "");
    if (desk.may("GET /v1/tokens")) listTokens();
  }

  $("token-refresh").addEventListener("click", listTokens);
  document.addEventListener("seatkey:signed-out", reset);
  document.addEventListener("seatkey:signed-in", reset);
  document.addEventListener("seatkey:language", () => {
    for (const option of $("token-role").options) option.textContent = T.word("role", option.value);
    if (!$("token-list").hidden) renderTokens();
  });
  loadRoles().catch((e) => failed("token-new-error", () => t("tokens.no-roles", { reason: desk.explain(e) })));
})();
