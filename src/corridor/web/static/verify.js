// corridor's log, verified in the browser with WebCrypto (SHA-256, Ed25519): C2SP
// signed-note and tlog-checkpoint, RFC 9162 inclusion proofs, C2SP tlog-proof receipts.
// Nothing here trusts the server: it is given bytes and a verifier key, and checks.
"use strict";
const CorridorLog = (() => {
  const encoder = new TextEncoder();

  function available() {
    return !!(window.crypto && crypto.subtle && window.isSecureContext);
  }

  function b64decode(text) {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  // A verifier key: <name>+<key ID, 8 hex digits>+<base64(0x01 || Ed25519 public key)>.
  async function parseVkey(vkey) {
    const match = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
    if (!match) throw new Error("a verifier key is name+keyid+key");
    const [, name, id, encoded] = match;
    const key = b64decode(encoded);
    if (key.length !== 33 || key[0] !== 1) throw new Error("not an Ed25519 verifier key");
    const computed = (await sha256(concat(encoder.encode(name + "\n"), key))).slice(0, 4);
    if (hex(computed) !== id.toLowerCase()) throw new Error("the key ID does not match the key");
    return { name, keyId: computed, publicKey: key.slice(1) };
  }

  // A signed note: text, a blank line, then signature lines "— <name> <base64>".
  function splitNote(note) {
    const cut = note.lastIndexOf("\n\n");
    if (cut < 0) throw new Error("a signed note has a blank line before its signatures");
    const text = note.slice(0, cut + 1);
    const lines = note.slice(cut + 2).split("\n").filter((l) => l.length);
    const signatures = lines.map((line) => {
      if (!line.startsWith("\u2014 ")) throw new Error("malformed signature line");
      const [name, value] = line.slice(2).split(" ");
      return { name, value: b64decode(value) };
    });
    return { text, signatures };
  }

  async function verifyNote(note, key) {
    const { text, signatures } = splitNote(note);
    const mine = signatures.filter((s) => s.name === key.name && equal(s.value.slice(0, 4), key.keyId));
    if (!mine.length) throw new Error("no signature by this key");
    const publicKey = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
    for (const s of mine) {
      if (await crypto.subtle.verify({ name: "Ed25519" }, publicKey, s.value.slice(4), encoder.encode(text))) {
        return { text, others: signatures.length - mine.length };
      }
    }
    throw new Error("the checkpoint's signature does not verify");
  }

  function parseCheckpoint(text) {
    const lines = text.split("\n");
    if (lines.length < 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error("malformed checkpoint");
    const root = b64decode(lines[2]);
    if (root.length !== 32) throw new Error("malformed root hash");
    return { origin: lines[0], size: Number(lines[1]), root };
  }

  async function leafHash(entry) { return sha256(concat(new Uint8Array([0]), entry)); }
  async function nodeHash(l, r) { return sha256(concat(new Uint8Array([1]), l, r)); }

  // RFC 9162 section 2.1.3.2.
  async function verifyInclusion(leaf, index, size, proof, root) {
    if (index >= size) throw new Error("index beyond the tree");
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new Error("proof too long");
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error("proof too short");
    if (!equal(r, root)) throw new Error("the proof leads to another root");
  }

  // A C2SP tlog-proof receipt: header, [extra], index, proof hashes, blank line, checkpoint.
  function parseReceipt(text) {
    const cut = text.indexOf("\n\n");
    if (cut < 0) throw new Error("no blank line before the checkpoint");
    const head = text.slice(0, cut).split("\n");
    if (head[0] !== "c2sp.org/tlog-proof@v1") throw new Error("not a tlog-proof receipt");
    let at = 1, extra = null;
    if (head[at] && head[at].startsWith("extra ")) { extra = b64decode(head[at].slice(6)); at++; }
    if (!head[at] || !head[at].startsWith("index ")) throw new Error("no index line");
    const index = Number(head[at].slice(6));
    const proof = head.slice(at + 1).map(b64decode);
    return { extra, index, proof, checkpoint: text.slice(cut + 2) };
  }

  async function verifyReceipt(text, vkey) {
    const receipt = parseReceipt(text);
    if (!receipt.extra) throw new Error("the receipt carries no entry");
    const key = await parseVkey(vkey);
    const note = await verifyNote(receipt.checkpoint, key);
    const checkpoint = parseCheckpoint(note.text);
    await verifyInclusion(await leafHash(receipt.extra), receipt.index, checkpoint.size, receipt.proof, checkpoint.root);
    return { entry: JSON.parse(new TextDecoder().decode(receipt.extra)), index: receipt.index, checkpoint };
  }

  return { available, b64decode, parseVkey, verifyNote, parseCheckpoint, leafHash, verifyInclusion, parseReceipt, verifyReceipt };
})();
