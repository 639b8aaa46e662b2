// The desk's activation codes panel: make codes for a reseller (shown once, with a CSV for the
// distributor), find them by reseller, order or number, see where each stands and which
// appliance it activated, void one. It talks to the API through desk.js (window.seatkeyDesk)
// and owns nothing outside its own section (#codes). As everywhere on the page, ledger text
// (resellers, customers, orders, reasons, messages) reaches the page only through textContent.
"use strict";

(() => {
  const desk = window.seatkeyDesk;
  const T = window.seatkeyText;
  const t = T.t;
  const $ = (id) => document.getElementById(id);
  const PAGE = 50;  // codes per page of a search; "More" asks for the next
  const VOID = "POST /v1/codes/{number}/void";
  // The API's states in the desk's words (i18n.js, "code-state."): an issued code is still open.
  const stateWord = (state) => T.word("code-state", state);

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
      const words = document.createElement("span");
      words.dataset.size = String(size);
      words.textContent = t("codes.packs", { size });
      label.append(words, " ");
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
      failed("code-new-error", () => t("codes.nothing"));
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
      const key = answer.codes.length === 1 ? "codes.made-one" : "codes.made-many";
      desk.say(() => t(key, { first: String(first), last: String(last) }), "ok");
    } catch (e) {
      failed("code-new-error", e);
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
    const first = String(made[0].number), last = String(made[made.length - 1].number);
    desk.say(() => t("codes.csv-done", { first, last }), "ok");
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
      td.appendChild(document.createTextNode(t("codes.redeemed-for", { appliance: c.redeemed_for })));
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
    const state = desk.cell(row, stateWord(c.state));
    state.className = "state";
    if (c.state === "voided") state.title = t("codes.voided-title", { at: c.voided_at, reason: desk.show(c.void_reason) });
    if (c.state === "redeemed") state.title = t("codes.redeemed-title", { at: c.redeemed_at });
    applianceCell(row, c);
    const actions = desk.cell(row, "");
    actions.textContent = "";
    if (c.state !== "voided" && desk.may(VOID)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "void";
      button.textContent = t("codes.void-button");
      button.addEventListener("click", () => askVoid(c));
      actions.appendChild(button);
    }
    return row;
  }

  let listed = [];  // the codes listed, to list again in another language
  // `what`: a function saying what was searched for, in the chosen language.
  function listCodes(codes, more, what) {
    const body = $("code-table").tBodies[0];
    for (const c of codes) {
      body.appendChild(codeRow(c));
      listed.push(c);
    }
    $("code-results").hidden = false;
    $("code-more").hidden = !more;
    const n = body.rows.length;
    desk.put("code-results-title", () => t("codes.results", { n, what: what(), more }));
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
    listed = [];
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
          failed("code-find-error", () => t("codes.find.bad-number"));
          return;
        }
        search = null;
        listCodes([await desk.api("GET", "/v1/codes/" + Number(text))], false,
                  () => t("codes.find.word.number") + " " + text);
        return;
      }
      const query = { [by]: text };
      const state = $("code-find-state").value;
      if (state) query.status = state;
      search = { query, after: null,
                 title: () => t("codes.find.word." + by) + " " + JSON.stringify(text) + (state ? ", " + stateWord(state) : "") };
      await nextPage();
    } catch (e) {
      failed("code-find-error", e);
    }
  });

  $("code-more").addEventListener("click", async () => {
    if (!search || search.after === null) return;
    failed("code-find-error", "");
    try {
      await nextPage();
    } catch (e) {
      failed("code-find-error", e);
    }
  });

  // --- voiding a code ---------------------------------------------------------------------

  // Says what the void will do before it does it.
  function askVoid(c) {
    voiding = c;
    failed("code-void-error", "");
    const number = String(c.number);
    desk.put("code-void-title", () => t("codes.void.heading", { number }));
    desk.put("code-void-effect", () => (c.state === "redeemed" ? t("codes.void.redeemed", { appliance: c.appliance })
                                                               : t("codes.void.open")));
    desk.put("code-void-confirm", () => t("codes.void.confirm", { number }));
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
      listed = listed.map((c) => (c.number === now.number ? now : c));
      const n = answer.voided.length;
      desk.say(() => t("codes.void.done", { number: String(number), n }), "ok");
    } catch (e) {
      failed("code-void-error", e);
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

  // Another language: the pack labels and the codes listed, built here, are said again.
  document.addEventListener("seatkey:language", () => {
    for (const el of document.querySelectorAll("#code-packs [data-size]")) {
      el.textContent = t("codes.packs", { size: Number(el.dataset.size) });
    }
    const body = $("code-table").tBodies[0];
    desk.clear(body);
    for (const c of listed) body.appendChild(codeRow(c));
  });

  document.addEventListener("seatkey:signed-out", reset);
  document.addEventListener("seatkey:signed-in", reset);
  loadChoices().catch((e) => failed("code-new-error", () => t("sell.no-editions", { reason: desk.explain(e) })));
})();
