// Checks seatkey-server's recorded responses against its OpenAPI 3.1 document with Ajv (JSON
// Schema 2020-12): every response's status is documented for its operation (or among the answers
// any request may get before routing), its content type is the documented one, and its body
// validates against the documented schema; no exception for odd paths. Every operation of
// the document must have been recorded at least once.
//   node validate.js openapi.json responses.jsonl [unrecorded-problems.json]
// With the third file, every problem type of the document must also have been answered at
// least once, or be named there with the reason no recording script can provoke it.
// A header the document marks required (Location of a 201) must be there, its value valid.
// responses.jsonl: one {"method", "path", "status", "content_type", "headers" (names in lower
// case), "body"} per line.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");

const [docFile, recordFile, unrecordedFile] = process.argv.slice(2);
const problemTypesSeen = new Set();
const doc = JSON.parse(fs.readFileSync(docFile, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: "openapi.json", components: doc.components });
const beforeRouting = (doc["x-answers-before-routing"] || {}).responses || {};

// "/v1/licenses/{serial}" -> a regex over a path without its query.
const operations = [];
for (const [template, item] of Object.entries(doc.paths)) {
  const re = new RegExp("^" + template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+") + "$");
  for (const [method, op] of Object.entries(item)) {
    operations.push({ template, method: method.toUpperCase(), re, op, seen: 0 });
  }
}
const deref = (o) => {
  while (o && o.$ref) {
    const parts = o.$ref.replace(/^#\//, "").split("/");
    o = parts.reduce((x, p) => x[p], doc);
  }
  return o;
};

let failures = 0, checked = 0;
const fail = (what) => {
  failures++;
  console.error("openapi: " + what);
};
const lines = fs.readFileSync(recordFile, "utf8").split("\n").filter((l) => l.trim());
for (const line of lines) {
  const r = JSON.parse(line);
  const path = r.path.split("?")[0];
  const name = `${r.method} ${r.path} -> ${r.status}`;
  // Exact paths win over templates (/v1/licenses/server over /v1/licenses/{serial}).
  const candidates = operations.filter((o) => o.method === r.method && o.re.test(path));
  candidates.sort((a, b) => (a.template.includes("{") ? 1 : 0) - (b.template.includes("{") ? 1 : 0));
  const found = candidates[0];
  if (found) found.seen++;
  // Answers given before routing (x-answers-before-routing) hold for any request, routed or not.
  const response =
    deref(found && found.op.responses[String(r.status)]) || deref(beforeRouting[String(r.status)]);
  if (!response) {
    fail(found ? `${name}: status ${r.status} is not documented for ${found.method} ${found.template}`
               : `${name}: no such operation in the document, nor a status answered before routing`);
    continue;
  }
  if (!headersMatch(name, response, r.headers || {})) continue;
  const media = r.content_type.split(";")[0].trim();
  const content = response.content && response.content[media];
  if (!content) {
    fail(`${name}: content type ${media} is not documented (${Object.keys(response.content || {})})`);
    continue;
  }
  if (!content.schema || !media.endsWith("json")) {
    checked++;
    continue;
  }
  let body;
  try {
    body = JSON.parse(r.body);
  } catch (e) {
    fail(`${name}: the body is not JSON: ${e.message}`);
    continue;
  }
  if (media === "application/problem+json" && body && typeof body.type === "string") problemTypesSeen.add(body.type);
  const validate = compiled(content.schema);
  if (!validate(body)) {
    fail(`${name}: ${ajv.errorsText(validate.errors, { separator: "; " })}\n  body: ${r.body.slice(0, 400)}`);
    continue;
  }
  checked++;
}

// An operation never recorded is a part of the document no test holds to the server.
for (const o of operations) {
  if (o.seen === 0) fail(`${o.method} ${o.template}: never recorded`);
}
// A problem type never answered is a refusal no test holds to the server's answer.
if (unrecordedFile) {
  const unrecorded = JSON.parse(fs.readFileSync(unrecordedFile, "utf8"));
  const prefix = "urn:seatkey:problem:";
  const documented = deref(doc.components.schemas.ProblemType).oneOf.map((t) => t.const);
  for (const type of documented) {
    const slug = type.slice(prefix.length);
    if (problemTypesSeen.has(type) && unrecorded[slug])
      fail(`problem type ${slug} was answered: take it out of ${unrecordedFile}`);
    if (!problemTypesSeen.has(type) && !unrecorded[slug])
      fail(`problem type ${slug}: no recorded answer has it (provoke it in a server script, or say in ${unrecordedFile} why none can)`);
  }
  for (const slug of Object.keys(unrecorded)) {
    if (!documented.includes(prefix + slug)) fail(`${unrecordedFile} names ${slug}, which the document does not have`);
  }
}
if (failures > 0) {
  console.error(`openapi: ${failures} problems in ${lines.length} responses`);
  process.exit(1);
}
console.log(`openapi: ${checked} responses of ${operations.length} operations match ${docFile}`);

// The response's required headers are present and match their schemas.
function headersMatch(name, response, headers) {
  for (const [header, spec] of Object.entries(response.headers || {})) {
    const h = deref(spec);
    const value = headers[header.toLowerCase()];
    if (value === undefined) {
      if (h.required) {
        fail(`${name}: no ${header} header`);
        return false;
      }
      continue;
    }
    let typed = value;  // "5" of Retry-After as the integer its schema says
    try {
      typed = JSON.parse(value);
    } catch (e) {}
    const validate = compiled(h.schema || {});
    if (!validate(typed) && !validate(value)) {
      fail(`${name}: header ${header}: ${value}: ${ajv.errorsText(validate.errors)}`);
      return false;
    }
  }
  return true;
}

// A response schema, its references pointed into the document.
function compiled(schema) {
  const text = JSON.stringify(schema).split('"#/components/').join('"openapi.json#/components/');
  const cache = compiled.cache || (compiled.cache = new Map());
  if (!cache.has(text)) cache.set(text, ajv.compile(JSON.parse(text)));
  return cache.get(text);
}
