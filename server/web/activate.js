// The public activation page: a request or a code and an appliance ID, sent to
// POST /v1/activations; the license file offered for download. Text from the server is only
// ever set as textContent.
"use strict";

const $ = (id) => document.getElementById(id);
let downloadUrl = null;

function say(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = kind || "";
}

async function activate(body) {
  say("Activating…");
  $("result").hidden = true;
  let response;
  try {
    response = await fetch("/v1/activations", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch (e) {
    say("The server cannot be reached: " + e.message, "error");
    return;
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch (e) {
    answer = {};
  }
  if (!response.ok) {
    // A detail of the server's own, else plain words with the number to pass on.
    let text = answer.detail || (response.status >= 500
        ? "The server could not do this just now; try again in a moment (error " + response.status + ")."
        : "The server did not accept this (error " + response.status + ").");
    const wait = response.headers.get("Retry-After");
    if (response.status === 429 && wait) text += " (wait " + wait + " s)";
    say(text, "error");
    return;
  }
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([answer.license_file], { type: "text/plain" }));
  const link = $("download");
  link.href = downloadUrl;
  link.download = "license-" + answer.appliance + ".lic";
  const s = answer.summary;
  $("result-text").textContent = "Appliance " + answer.appliance + ": " + (s.edition || "no server license") +
    ", " + s.licensed_users + " users (license keys no. " + answer.codes.join(", ") + ").";
  $("result").hidden = false;
  say("Activated. Download the license file and upload it on the appliance's admin page.", "ok");
}

$("request-file").addEventListener("change", async () => {
  const file = $("request-file").files[0];
  if (!file) return;
  if (file.size > 4096) {
    say("That file is too large to be an activation request.", "error");
    return;
  }
  $("request").value = (await file.text()).trim();
});

$("by-request").addEventListener("submit", (event) => {
  event.preventDefault();
  const request = $("request").value.trim();
  if (!request) {
    say("Paste the activation request, or choose its file.", "error");
    return;
  }
  activate({ request });
});

$("by-code").addEventListener("submit", (event) => {
  event.preventDefault();
  activate({ code: $("code").value, appliance: $("appliance").value });
});
