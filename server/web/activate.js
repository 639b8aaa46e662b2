// The public activation page: a request or a code and an appliance ID, sent to
// POST /v1/activations; the license file offered for download. Text from the server is only
// ever set as textContent. Its words come from i18n.js (window.seatkeyText).
"use strict";

const $ = (id) => document.getElementById(id);
const T = window.seatkeyText;
const t = T.t;
let downloadUrl = null;

// What the status line and the result say, as functions: said again in another language.
let saying = null;
let result = null;
function say(m, kind) {
  saying = m;
  const status = $("status");
  status.textContent = m ? m() : "";
  status.className = kind || "";
}
document.addEventListener("seatkey:language", () => {
  if (saying) $("status").textContent = saying();
  if (result) $("result-text").textContent = result();
});

async function activate(body) {
  say(() => t("activate.working"));
  $("result").hidden = true;
  let response;
  try {
    response = await fetch("/v1/activations", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch (e) {
    say(() => t("activate.unreachable", { reason: e.message }), "error");
    return;
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch (e) {
    answer = {};
  }
  if (!response.ok) {
    // The catalog's words for the problem's code, else the server's own detail, else plain
    // words with the number to pass on.
    const status = String(response.status);
    const plain = () => t(response.status >= 500 ? "error.server" : "error.refused", { status });
    const wait = response.headers.get("Retry-After");
    say(() => T.problem(answer, answer.detail || plain()) +
              (response.status === 429 && wait ? t("activate.wait", { seconds: wait }) : ""), "error");
    return;
  }
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([answer.license_file], { type: "text/plain" }));
  const link = $("download");
  link.href = downloadUrl;
  link.download = "license-" + answer.appliance + ".lic";
  const s = answer.summary;
  result = () => t("activate.result", { appliance: answer.appliance, edition: s.edition, users: s.licensed_users,
                                        codes: answer.codes.join(", ") });
  $("result-text").textContent = result();
  $("result").hidden = false;
  say(() => t("activate.done"), "ok");
}

$("request-file").addEventListener("change", async () => {
  const file = $("request-file").files[0];
  if (!file) return;
  if (file.size > 4096) {
    say(() => t("activate.file-too-large"), "error");
    return;
  }
  $("request").value = (await file.text()).trim();
});

$("by-request").addEventListener("submit", (event) => {
  event.preventDefault();
  const request = $("request").value.trim();
  if (!request) {
    say(() => t("activate.no-request"), "error");
    return;
  }
  activate({ request });
});

$("by-code").addEventListener("submit", (event) => {
  event.preventDefault();
  activate({ code: $("code").value, appliance: $("appliance").value });
});
