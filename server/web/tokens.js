// The desk's API tokens panel, for admins: every token with its role and whether it was revoked
// (never a secret: the ledger keeps only hashes), a new token for a clerk, the shop or the ERP
// (shown this once), and revoking one, asked first. It talks to the API through desk.js
// (window.seatkeyDesk) and owns nothing outside its own section (#tokens). Token names are
// ledger text: they reach the page only through textContent.
"use strict";

(() => {
  const desk = window.seatkeyDesk;
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
      option.value = option.textContent = role;
      select.appendChild(option);
    }
  }

  async function listTokens() {
    failed("token-list-error", "");
    try {
      const answer = await desk.api("GET", "/v1/tokens");
      const body = $("token-table").tBodies[0];
      desk.clear(body);
      for (const t of answer.tokens) {
        const row = document.createElement("tr");
        row.dataset.name = t.name;
        desk.cell(row, t.name);
        desk.cell(row, t.role);
        desk.timeCell(row, t.created_at);
        desk.cell(row, t.revoked_at ? "revoked" : "in use");
        const actions = desk.cell(row, "");
        actions.textContent = "";
        if (!t.revoked_at) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "void";
          button.textContent = "Revoke…";
          button.setAttribute("aria-label", "Revoke " + t.name);
          button.addEventListener("click", () => askRevoke(t.name));
          actions.appendChild(button);
        }
        body.appendChild(row);
      }
      $("token-list").hidden = false;
    } catch (e) {
      failed("token-list-error", e.message);
    }
  }

  function showNew(token) {
    $("token-new-name").textContent = token ? token.name + " (" + token.role + ")" : "";
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
                                  { name: $("token-name").value.trim(), role: $("token-role").value },
                                  { idempotent: false });
      showNew(made);
      $("token-name").value = "";
      desk.say("API token " + made.name + " made.", "ok");
      await listTokens();
    } catch (e) {
      failed("token-new-error", e.message);
    }
  });

  function askRevoke(name) {
    revoking = name;
    $("token-revoke-name").textContent = name;
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
      desk.say("API token " + name + " revoked: it is refused from its next request on.", "ok");
      await listTokens();
    } catch (e) {
      failed("token-revoke-error", e.message);
    }
  });

  // Nothing of one sign-in stays for the next: above all not a new token's secret.
  function reset() {
    revoking = null;
    showNew(null);
    $("token-revoke").hidden = true;
    $("token-list").hidden = true;
    desk.clear($("token-table").tBodies[0]);
    for (const id of ["token-new-error", "token-list-error", "token-revoke-error"]) failed(id, "");
    if (desk.may("GET /v1/tokens")) listTokens();
  }

  $("token-refresh").addEventListener("click", listTokens);
  document.addEventListener("seatkey:signed-out", reset);
  document.addEventListener("seatkey:signed-in", reset);
  loadRoles().catch((e) => failed("token-new-error", "Could not load the roles: " + e.message));
})();
