// The log explorer: fetch the checkpoint, an entry (from its tlog-tiles entry bundle) and
// its inclusion proof from the public /log endpoints; verify them here, step by step.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("verify-form");
  const steps = document.getElementById("steps");
  const entryText = document.getElementById("entry-text");
  const words = document.getElementById("verify-messages").dataset;

  function step(text, ok) {
    const li = document.createElement("li");
    li.className = ok ? "pass" : "fail";
    li.textContent = (ok ? "✓ " : "✗ ") + text;
    steps.appendChild(li);
  }

  // tlog-tiles: N in groups of three digits, all but the last prefixed with "x".
  function tilePath(n) {
    const digits = String(n).padStart(3, "0");
    const groups = [];
    for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end).padStart(3, "0"));
    return groups.map((g, i) => (i < groups.length - 1 ? "x" + g : g)).join("/");
  }

  async function fetchEntry(index, size) {
    const bundle = Math.floor(index / 256);
    const full = Math.floor(size / 256);
    const width = bundle < full ? 256 : size % 256;
    const path = "/log/tile/entries/" + tilePath(bundle) + (width === 256 ? "" : ".p/" + width);
    const response = await fetch(path);
    if (!response.ok) throw new Error("entry bundle: HTTP " + response.status);
    const data = new Uint8Array(await response.arrayBuffer());
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const length = (data[at] << 8) | data[at + 1];
      if (i === index % 256) return data.slice(at + 2, at + 2 + length);
      at += 2 + length;
    }
    throw new Error("the entry is not in its bundle");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    steps.replaceChildren();
    delete steps.dataset.result;
    entryText.hidden = true;
    if (!CorridorLog.available()) {
      step(words.unavailable, false);
      steps.dataset.result = "unavailable";
      return;
    }
    try {
      const key = await CorridorLog.parseVkey(form.log_key.value);
      step(words.key + ": " + key.name, true);
      const note = await (await fetch("/log/checkpoint", { cache: "no-store" })).text();
      const verified = await CorridorLog.verifyNote(note, key);
      const checkpoint = CorridorLog.parseCheckpoint(verified.text);
      step(words.signature + ": " + checkpoint.origin + " @ " + checkpoint.size, true);
      const index = Number(form.index.value);
      const entry = await fetchEntry(index, checkpoint.size);
      const leaf = await CorridorLog.leafHash(entry);
      step(words.leaf + " #" + index, true);
      const proof = await (await fetch("/log/proof/inclusion?index=" + index + "&size=" + checkpoint.size)).json();
      await CorridorLog.verifyInclusion(leaf, index, checkpoint.size, proof.hashes.map(CorridorLog.b64decode), checkpoint.root);
      step(words.inclusion + " (" + proof.hashes.length + ")", true);
      entryText.textContent = JSON.stringify(JSON.parse(new TextDecoder().decode(entry)), null, 2);
      entryText.hidden = false;
      steps.dataset.result = "verified";
    } catch (error) {
      step(words.failed + ": " + error.message, false);
      steps.dataset.result = "failed";
    }
  });
});
