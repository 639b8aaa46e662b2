'use strict';
// Independent check of seatkey-keygen's tokens: each must verify with the `paseto` npm package
// (not seatkey's code) given only the k4.public key, carry the key's k4.pid as footer kid
// (computed here with blakejs) and hold the claims of docs/format.md (licenses and revocation
// lists).
//   node verify.js PUBLIC_KEY_FILE TOKENS_FILE
// TOKENS_FILE: one token per line; blank lines and '#' comments ignored. Exit 0 all verified.
const fs = require('fs');
const { V4 } = require('paseto');
const blake = require('blakejs');
const pasetoVersion = require('paseto/package.json').version;

function fail(message) {
  console.error(`interop: ${message}`);
  process.exit(1);
}

function strictBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) fail(`not base64url: ${text}`);
  return Buffer.from(text, 'base64url');
}

function readLines(path) {
  return fs.readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

const EDITIONS = { free: 3, compact: 3, appliance: 1, vm: 1 };
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function checkClaims(p, where) {
  const bad = (why) => fail(`${where}: ${why} in ${JSON.stringify(p)}`);
  if (typeof p.iss !== 'string' || !p.iss) bad('iss');
  if (typeof p.jti !== 'string' || !/^[1-9][0-9]*$/.test(p.jti)) bad('jti is not a decimal serial');
  if (typeof p.iat !== 'string' || !RFC3339.test(p.iat)) bad('iat');
  if (p.kind === 'revocation') {
    // Bound to no appliance; seq 1 to 2^53 - 1; every revoked serial once, in numeric order.
    for (const c of ['appliance', 'edition', 'users', 'customer', 'order', 'updates_until', 'nbf', 'exp']) {
      if (c in p) bad(`${c} on a revocation list`);
    }
    if (!Number.isSafeInteger(p.seq) || p.seq < 1) bad('seq');
    if (!Array.isArray(p.revoked)) bad('revoked');
    for (const [i, serial] of p.revoked.entries()) {
      if (typeof serial !== 'string' || !/^[1-9][0-9]*$/.test(serial)) bad('a revoked serial');
      if (i > 0 && BigInt(p.revoked[i - 1]) >= BigInt(serial)) bad('revoked serials out of order or twice');
    }
    return;
  }
  if (typeof p.appliance !== 'string' || !/^[A-Z0-9]{4,64}$/.test(p.appliance)) bad('appliance');
  for (const t of ['updates_until', 'exp', 'nbf']) {
    if (t in p && !RFC3339.test(p[t])) bad(t);
  }
  if (p.kind === 'server') {
    if (!(p.edition in EDITIONS)) bad('edition');
    if (p.users !== EDITIONS[p.edition]) bad('users of a server license');
    if (p.edition === 'free' && 'updates_until' in p) bad('updates_until on free');
  } else if (p.kind === 'users') {
    if ('edition' in p || 'updates_until' in p) bad('server claims on a pack');
    if (p.users !== 1 && p.users !== 5) bad('pack size');
  } else if (p.kind === 'standby') {
    if ('users' in p || 'edition' in p || 'updates_until' in p) bad('users or server claims on a standby');
    if (typeof p.primary !== 'string' || !/^[A-Z0-9]{4,64}$/.test(p.primary)) bad('primary');
    if (p.primary === p.appliance) bad('a standby of itself');
  } else {
    bad('kind');
  }
}

async function main() {
  const [publicFile, tokensFile] = process.argv.slice(2);
  if (!publicFile || !tokensFile) fail('usage: node verify.js PUBLIC_KEY_FILE TOKENS_FILE');
  const paserk = readLines(publicFile).find((l) => l.startsWith('k4.public.'));
  if (!paserk) fail(`${publicFile} holds no k4.public key`);
  const raw = strictBase64url(paserk.slice('k4.public.'.length));
  if (raw.length !== 32) fail('a k4.public key is 32 bytes');
  const pid = 'k4.pid.' + Buffer.from(blake.blake2b(Buffer.from('k4.pid.' + paserk), undefined, 33)).toString('base64url');
  const key = V4.bytesToKeyObject(raw);

  const tokens = readLines(tokensFile);
  if (tokens.length === 0) fail(`${tokensFile} holds no token`);
  const serials = new Set();
  for (const [i, token] of tokens.entries()) {
    const where = `token ${i + 1}`;
    let result;
    try {
      result = await V4.verify(token, key, { complete: true });
    } catch (e) {
      fail(`${where} does not verify: ${e.code || ''} ${e.message}`);
    }
    if (!result.footer) fail(`${where} has no footer`);
    const footer = JSON.parse(result.footer.toString('utf8'));
    if (footer.kid !== pid) fail(`${where}: footer kid ${footer.kid} is not the key's ${pid}`);
    checkClaims(result.payload, where);
    if (serials.has(result.payload.jti)) fail(`${where}: serial ${result.payload.jti} seen twice`);
    serials.add(result.payload.jti);
  }
  console.log(`interop: ${tokens.length} tokens verified with paseto@${pasetoVersion} (kid ${pid})`);
}

main().catch((e) => fail(e.stack || String(e)));
