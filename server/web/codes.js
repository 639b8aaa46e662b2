// The desk's activation codes panel: make codes for a reseller (shown once, with a CSV for the
// distributor), find them by reseller, order or number, see where each stands and which
// appliance it activated, void one. It talks to the API through desk.js (window.seatkeyDesk)
// and owns nothing outside its own section (#codes). As everywhere on the page, ledger text
// (resellers, customers, orders, reasons, messages) reaches the page only through textContent.
"use strict";

(() => {
  const desk = window.seatkeyDesk;
  const $ = (id) => document.getElementById(id);
  const PAGE = 50;  // codes per page of a search; "More" asks for the next
  const VOID = "POST /v1/codes/{number}/void";
  // The API's states, in the desk's words: an issued code is still open to redeem.
  const STATE_WORDS = { issued: "open", redeemed: "redeemed", voided: "voided" };

  let made = [];         // the codes of the last batch, with their text: only in this tab, once
  let search = null;     // the last search: { query, after } for "More"
  let voiding = null;    // the code (as listed) whose void is being confirmed

  const failed = desk.failed;

  const dateCell = (row, iso) => desk.timeCell(row, iso, true);

  // The last second of the chosen local day, as the API's RFC 3339 UTC time.
  function endOfDay(date) {
    const [y, m, d] = date.split("-").map(Number);
    return new Date(y, m - 1, d, 23, 59, 59).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  // --- making codes -----------------------------------------------------------------------

  // The form's choices come from the API's own document: its editions and pack sizes.
  async function loadChoices() {
    const doc = await desk.openapi();
    const select = $("code-edition");
    for (const name of doc.components.schemas.Edition.enum) {
      const option = document.createElement("option");
      option.value = option.textContent = name;
      select.appendChild(option);
    }
    const packs = $("code-packs");
    for (const size of [...doc.components.schemas.PackSize.enum].sort((a, b) => b - a)) {
      const label = document.createElement("label");
      label.textContent = size + "-user packs ";
      const input = document.createElement("input");
      input.type = "number";
      input.min = "0";
      input.value = "0";
      input.id = "code-packs-" + size;
      input.dataset.packSize = String(size);
      label.appendChild(input);
      packs.appendChild(label);
    }
  }

  function serverChosen() {
    const on = $("code-edition").value !== "";
    for (const id of ["code-server-updates", "code-server-expires"]) {
      $(id).disabled = !on;
      if (!on) $(id).value = "";
    }
  }
  $("code-edition").addEventListener("change", serverChosen);

  // The items as POST /v1/codes (and code new --item) take them.
  function items() {
    const out = [];
    const months = (id) => $(id).value.trim();
    const edition = $("code-edition").value;
    if (edition) {
      let item = "server:" + edition;
      if (months("code-server-updates")) item += ",updates:" + months("code-server-updates");
      if (months("code-server-expires")) item += ",expires:" + months("code-server-expires");
      out.push(item);
    }
    for (const input of document.querySelectorAll("#code-packs input")) {
      const n = Number(input.value);
      if (n > 0) out.push("users:" + input.dataset.packSize + (n > 1 ? "x" + n : ""));
    }
    if (months("code-updates")) out.push("updates:" + months("code-updates"));
    return out;
  }

  function showMade(codes) {
    made = codes;
    const body = $("code-made-table").tBodies[0];
    desk.clear(body);
    for (const c of codes) {
      const row = document.createElement("tr");
      desk.cell(row, c.number);
      desk.cell(row, c.code).className = "code";
      desk.cell(row, c.items);
      desk.cell(row, c.reseller);
      desk.cell(row, c.order);
      body.appendChild(row);
    }
    $("code-made").hidden = codes.length === 0;
  }

  $("code-new").addEventListener("submit", async (event) => {
    event.preventDefault();
    failed("code-new-error", "");
    const batch = { count: Number($("code-count").value), items: items() };
    if (batch.items.length === 0) {
      failed("code-new-error", "Choose what each code issues: a server license, user packs or more " +
                               "months of updates.");
      return;
    }
    for (const field of ["reseller", "customer", "order"]) {
      const v = $("code-" + field).value.trim();
      if (v) batch[field] = v;
    }
    if ($("code-valid-until").value) batch.valid_until = endOfDay($("code-valid-until").value);
    try {
      // No Idempotency-Key: the answer holds the codes, which the server never stores.
      const answer = await desk.api("POST", "/v1/codes", batch, { idempotent: false });
      showMade(answer.codes);
      const first = answer.codes[0].number, last = answer.codes[answer.codes.length - 1].number;
      desk.say(answer.codes.length === 1 ? "Made code no. " + first + "."
                                         : "Made codes no. " + first + " to " + last + ".", "ok");
    } catch (e) {
      failed("code-new-error", e.message);
    }
  });

  // --- the CSV for the distributor --------------------------------------------------------

  function csvText(codes) {
    let out = "number,code,items,reseller,order\n";
    for (const c of codes) {
      out += [c.number, c.code, desk.csvField(c.items), desk.csvField(c.reseller), desk.csvField(c.order)].join(",") + "\n";
    }
    return out;
  }

  $("code-csv").addEventListener("click", () => {
    if (made.length === 0) return;
    desk.saveFile("codes-" + made[0].number + "-" + made[made.length - 1].number + ".csv", csvText(made), "text/csv");
    desk.say("CSV of codes no. " + made[0].number + " to " + made[made.length - 1].number + " downloaded.", "ok");
  });

  // --- finding codes ----------------------------------------------------------------------

  function applianceCell(row, c) {
    const td = desk.cell(row, "");
    if (!c.appliance) {
      td.textContent = "—";
      return;
    }
    const link = document.createElement("button");
    link.type = "button";
    link.className = "link";
    link.textContent = c.appliance;
    link.addEventListener("click", () => desk.openAppliance(c.appliance));
    td.appendChild(link);
    // After a transfer the code answers for the new appliance; say where it was redeemed.
    if (c.redeemed_for && c.redeemed_for !== c.appliance) {
      td.appendChild(document.createTextNode(" (redeemed for " + c.redeemed_for + ")"));
    }
  }

  function codeRow(c) {
    const row = document.createElement("tr");
    row.dataset.number = String(c.number);
    desk.cell(row, c.number);
    desk.cell(row, c.items);
    desk.cell(row, c.reseller);
    desk.cell(row, c.customer);
    desk.cell(row, c.order);
    dateCell(row, c.valid_until);
    const state = desk.cell(row, STATE_WORDS[c.state] || c.state);
    state.className = "state";
    if (c.state === "voided") state.title = "voided " + c.voided_at + ": " + desk.show(c.void_reason);
    if (c.state === "redeemed") state.title = "redeemed " + c.redeemed_at;
    applianceCell(row, c);
    const actions = desk.cell(row, "");
    actions.textContent = "";
    if (c.state !== "voided" && desk.may(VOID)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "void";
      button.textContent = "Void…";
      button.addEventListener("click", () => askVoid(c));
      actions.appendChild(button);
    }
    return row;
  }

  function listCodes(codes, more, title) {
    const body = $("code-table").tBodies[0];
    for (const c of codes) body.appendChild(codeRow(c));
    $("code-results").hidden = false;
    $("code-more").hidden = !more;
    const n = body.rows.length;
    $("code-results-title").textContent =
        n + (n === 1 ? " code" : " codes") + " for " + title + (more ? " so far" : "") + ".";
  }

  async function nextPage() {
    const query = new URLSearchParams(search.query);
    query.set("limit", String(PAGE));
    if (search.after !== null) query.set("after", String(search.after));
    const answer = await desk.api("GET", "/v1/codes?" + query);
    search.after = answer.next_after;
    listCodes(answer.codes, answer.next_after !== null, search.title);
  }

  function startSearch() {
    desk.clear($("code-table").tBodies[0]);
    $("code-results").hidden = true;
    $("code-void").hidden = true;
    voiding = null;
  }

  $("code-find").addEventListener("submit", async (event) => {
    event.preventDefault();
    failed("code-find-error", "");
    const by = $("code-find-by").value;
    const text = $("code-find-text").value.trim();
    if (!text) return;
    startSearch();
    try {
      if (by === "number") {
        if (!/^[0-9]{1,15}$/.test(text) || Number(text) < 1) {
          failed("code-find-error", "A code number is a whole number from 1, as the list and the CSV show it.");
          return;
        }
        search = null;
        listCodes([await desk.api("GET", "/v1/codes/" + Number(text))], false, "number " + text);
        return;
      }
      const query = { [by]: text };
      const state = $("code-find-state").value;
      if (state) query.status = state;
      search = { query, after: null,
                 title: by + " " + JSON.stringify(text) + (state ? ", " + STATE_WORDS[state] : "") };
      await nextPage();
    } catch (e) {
      failed("code-find-error", e.message);
    }
  });

  $("code-more").addEventListener("click", async () => {
    if (!search || search.after === null) return;
    failed("code-find-error", "");
    try {
      await nextPage();
    } catch (e) {
      failed("code-find-error", e.message);
    }
  });

  // --- voiding a code ---------------------------------------------------------------------

  // Says what the void will do before it does it.
  function askVoid(c) {
    voiding = c;
    failed("code-void-error", "");
    $("code-void-number").textContent = String(c.number);
    $("code-void-effect").textContent = c.state === "redeemed"
        ? "It was redeemed for appliance " + c.appliance + ": the licenses it issued are voided too " +
          "and named in the next revocation list (a refund)."
        : "It can no longer be redeemed. Nothing was issued from it yet.";
    $("code-void-confirm").textContent = "Void code no. " + c.number;
    $("code-void").hidden = false;
    $("code-void-reason").focus();
  }

  $("code-void-cancel").addEventListener("click", () => {
    voiding = null;
    $("code-void").hidden = true;
  });

  $("code-void").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (voiding === null) return;
    const number = voiding.number;
    failed("code-void-error", "");
    try {
      const answer = await desk.api("POST", "/v1/codes/" + number + "/void",
                                    { reason: $("code-void-reason").value.trim() });
      $("code-void-reason").value = "";
      voiding = null;
      $("code-void").hidden = true;
      const now = await desk.api("GET", "/v1/codes/" + number);
      const old = document.querySelector('#code-table tr[data-number="' + number + '"]');
      if (old) old.replaceWith(codeRow(now));
      const n = answer.voided.length;
      desk.say("Code no. " + number + " voided" +
               (n ? ", and the " + n + (n === 1 ? " license" : " licenses") + " it issued." : "."), "ok");
    } catch (e) {
      failed("code-void-error", e.message);
    }
  });

  // --- signing in and out -----------------------------------------------------------------

  // Nothing of one token's work stays on the page for the next: the codes shown once least of all.
  function reset() {
    showMade([]);
    startSearch();
    search = null;
    for (const id of ["code-new-error", "code-find-error", "code-void-error"]) failed(id, "");
    $("code-new").reset();
    $("code-find").reset();
    serverChosen();
  }

  document.addEventListener("seatkey:signed-out", reset);
  document.addEventListener("seatkey:signed-in", reset);
  loadChoices().catch((e) => failed("code-new-error", "Could not load the editions: " + e.message));
})();
