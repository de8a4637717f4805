// The public check page (文书核验, zhifa/templates/ledger/check.html), in the visitor's own browser:
// 1. a chosen file is hashed here (never uploaded) and its hash asked for, as if typed into the form;
// 2. each ledger entry the answer names is checked from public data only: the leaf names the document,
//    the leaf's hash, the inclusion path up to the checkpoint's root (RFC 9162 2.1.3.2), the checkpoint's
//    Ed25519 signature by the published key (C2SP signed note), and the witnesses' cosignatures
//    (C2SP tlog-cosignature, cosignature/v1).
// WebCrypto is used where the page has it; plain-http intranet pages have no crypto.subtle (not a secure
// context), so SHA-256, SHA-512 and Ed25519 then come from the vendored noble libraries (vendor/noble/).

const script = document.getElementById("verify-script");
const SMALL_FILE = 256 * 1024 * 1024; // hashed in one WebCrypto call below this; streamed above
const SLICE = 4 * 1024 * 1024;
const EM_DASH = "\u2014 ";

let noble = null;
async function nobleLibs() {
  if (noble === null) {
    const [ed, sha2] = await Promise.all([import("./vendor/noble/ed25519.js"), import("./vendor/noble/sha2.js")]);
    ed.hashes.sha512 = sha2.sha512;
    noble = { ed, sha2 };
  }
  return noble;
}

// Tests (and the curious) can force the fallback path: ?nosubtle=1.
const subtle = new URLSearchParams(location.search).has("nosubtle") ? null : globalThis.crypto?.subtle ?? null;

const enc = new TextEncoder();

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fromBase64(text) {
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(bytes) {
  if (subtle) return new Uint8Array(await subtle.digest("SHA-256", bytes));
  return (await nobleLibs()).sha2.sha256(bytes);
}

async function hashFile(file, onProgress) {
  if (subtle && file.size <= SMALL_FILE) {
    const whole = new Uint8Array(file.size);
    for (let offset = 0; offset < file.size; offset += SLICE) {
      whole.set(new Uint8Array(await file.slice(offset, offset + SLICE).arrayBuffer()), offset);
      onProgress(Math.min(offset + SLICE, file.size) / Math.max(file.size, 1));
    }
    return hex(await sha256(whole));
  }
  const hash = (await nobleLibs()).sha2.sha256.create();
  for (let offset = 0; offset < file.size; offset += SLICE) {
    hash.update(new Uint8Array(await file.slice(offset, offset + SLICE).arrayBuffer()));
    onProgress(Math.min(offset + SLICE, file.size) / file.size);
  }
  return hex(hash.digest());
}

async function ed25519Verify(publicKey, signature, message) {
  if (subtle) {
    try {
      const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      return await subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (error) {
      if (!(error instanceof DOMException) || error.name !== "NotSupportedError") throw error;
      // A browser without Ed25519 in WebCrypto: fall through to noble.
    }
  }
  return (await nobleLibs()).ed.verifyAsync(signature, message, publicKey, { zip215: false });
}

// RFC 9162 2.1.3.2: the root an inclusion path leads to from leaf hash `node` at `index` in a tree of `size`.
async function rootFromPath(node, index, size, path) {
  if (!(index >= 0 && index < size)) throw new Error("index outside the tree");
  let fn = index;
  let sn = size - 1;
  let r = node;
  for (const sibling of path) {
    if (sn === 0) throw new Error("inclusion path too long");
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(Uint8Array.of(1), sibling, r));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(concat(Uint8Array.of(1), r, sibling));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error("inclusion path too short");
  return r;
}

// A key line `<name>+<key hash hex>+<base64(algorithm ‖ public key)>`; the key hash is recomputed.
async function parseKey(line, algorithm) {
  const [name, idHex, encoded] = splitKey(line.trim());
  const raw = fromBase64(encoded);
  if (raw.length !== 33 || raw[0] !== algorithm) throw new Error(`key ${name}: not an Ed25519 key of type ${algorithm}`);
  const id = (await sha256(concat(enc.encode(name + "\n"), raw))).slice(0, 4);
  if (hex(id) !== idHex) throw new Error(`key ${name}: key hash does not match`);
  return { name, id, publicKey: raw.slice(1) };
}

function splitKey(line) {
  const first = line.indexOf("+");
  const second = line.indexOf("+", first + 1);
  return [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1)];
}

// A C2SP checkpoint note: body (origin, size, base64 root, each ending in a newline), a blank line, signatures.
function parseNote(note) {
  const cut = note.indexOf("\n\n");
  if (cut < 0) throw new Error("not a signed note");
  const body = note.slice(0, cut + 1);
  const lines = body.split("\n");
  if (lines.length !== 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error("not a checkpoint");
  const signatures = note
    .slice(cut + 2)
    .split("\n")
    .filter((line) => line.startsWith(EM_DASH))
    .map((line) => {
      const rest = line.slice(EM_DASH.length);
      const space = rest.indexOf(" ");
      return { name: rest.slice(0, space), raw: fromBase64(rest.slice(space + 1)) };
    });
  return { body, origin: lines[0], size: Number(lines[1]), root: fromBase64(lines[2]), signatures };
}

async function logSignatureOk(note, key) {
  for (const sig of note.signatures) {
    if (sig.name === key.name && sig.raw.length === 68 && equal(sig.raw.slice(0, 4), key.id)) {
      if (await ed25519Verify(key.publicKey, sig.raw.slice(4), enc.encode(note.body))) return true;
    }
  }
  return false;
}

async function cosigners(note, witnesses) {
  const names = [];
  for (const sig of note.signatures) {
    if (sig.raw.length !== 76) continue;
    const witness = witnesses.find((w) => w.name === sig.name && equal(w.id, sig.raw.slice(0, 4)));
    if (!witness) continue;
    let time = 0n;
    for (const b of sig.raw.slice(4, 12)) time = (time << 8n) | BigInt(b);
    const message = enc.encode(`cosignature/v1\ntime ${time}\n${note.body}`);
    if (await ed25519Verify(witness.publicKey, sig.raw.slice(12), message)) names.push(witness.name);
  }
  return names;
}

async function getText(url) {
  const response = await fetch(url, { credentials: "omit" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

function mark(entry, step, ok, detail) {
  const item = entry.querySelector(`[data-step="${step}"]`);
  if (!item) return;
  item.classList.remove("pending");
  item.classList.add(ok === null ? "none" : ok ? "passed" : "failed");
  item.querySelector(".verify-mark").textContent = (ok === null ? " —" : ok ? " ✔" : " ✘") + (detail ? ` ${detail}` : "");
}

async function checkEntry(entry, keyLine, witnessLines) {
  const log = entry.querySelector(".verify-log");
  const summary = entry.querySelector(".verify-summary");
  const asked = entry.dataset.asked;
  const leafHashHex = entry.dataset.leafHash;
  try {
    const answer = JSON.parse(await getText(`${script.dataset.proofUrl}?leaf_hash=${leafHashHex}`));
    const leafBytes = enc.encode(answer.leaf);
    const leaf = JSON.parse(answer.leaf);
    const leafHash = await sha256(concat(Uint8Array.of(0), leafBytes));
    // 1. The leaf is about what was asked: the QR's hash is the leaf hash itself; a file is named in the
    //    leaf's files (format 2 by the SHA-256 of its 32-byte digest, format 1 by the digest).
    let names;
    if (hex(leafHash) === asked) names = true;
    else {
      const token = leaf.v === 2 ? hex(await sha256(fromHex(asked))) : asked;
      names = Array.isArray(leaf.files) && leaf.files.includes(token);
    }
    mark(entry, "names", names);
    // 2. The leaf's hash, recomputed, is the one the entry is proved by.
    const leafOk = hex(leafHash) === answer.leaf_hash && leaf.index === answer.index;
    mark(entry, "leaf", leafOk);
    // 3. The inclusion path from that hash leads to the checkpoint's root.
    const note = parseNote(answer.checkpoint);
    const path = answer.proof.map(fromBase64);
    const root = await rootFromPath(leafHash, answer.index, note.size, path);
    const pathOk = equal(root, note.root);
    mark(entry, "path", pathOk);
    // 4. The checkpoint is signed by the published key.
    const key = await parseKey(keyLine, 0x01);
    const signed = await logSignatureOk(note, key);
    mark(entry, "signature", signed, signed ? `（${key.name}+${hex(key.id)}）` : "");
    // 5. Cosignatures of that checkpoint by the witnesses.
    const cosignedNote = parseNote(await getText(`${script.dataset.checkpointUrl}${note.size}`));
    const witnesses = [];
    for (const line of witnessLines) witnesses.push(await parseKey(line, 0x04));
    const by = equal(cosignedNote.root, note.root) ? await cosigners(cosignedNote, witnesses) : [];
    mark(entry, "cosigned", by.length > 0 ? true : null, by.length > 0 ? `已由 ${by.length} 个独立见证方联署（${by.join("、")}）` : "尚无见证方联署");
    const ok = names && leafOk && pathOk && signed;
    summary.textContent = ok
      ? "浏览器已独立核对：该记录载于签名检查点之内，自记录以来未被改动。"
      : "浏览器核对未通过：请勿采信该文书，并向制作机关或执法监督机构反映。";
    summary.classList.add(ok ? "ok" : "bad");
    entry.dataset.verified = ok ? "yes" : "no";
    log.textContent = `WebCrypto: ${subtle ? "是" : "否（使用 noble）"} · root ${hex(root)}`;
  } catch (error) {
    summary.textContent = `浏览器核对未能完成：${error.message}`;
    summary.classList.add("bad");
    entry.dataset.verified = "error";
  }
}

async function checkAll() {
  const entries = Array.from(document.querySelectorAll(".verify-entry[data-covered='1']"));
  if (entries.length === 0) return;
  document.querySelectorAll(".verify-steps li").forEach((li) => li.classList.add("pending"));
  let keyLine;
  let witnessLines;
  try {
    keyLine = (await getText(script.dataset.keyUrl)).trim();
    witnessLines = (await getText(script.dataset.witnessesUrl)).split("\n").filter((l) => l.trim());
  } catch (error) {
    entries.forEach((entry) => {
      entry.querySelector(".verify-summary").textContent = `浏览器核对未能完成：${error.message}`;
    });
    return;
  }
  for (const entry of entries) await checkEntry(entry, keyLine, witnessLines);
}

function setupFile() {
  const way = document.getElementById("way-file");
  const picker = way.querySelector(".verify-file");
  const bar = way.querySelector(".verify-progress");
  const state = way.querySelector(".verify-file-state");
  const form = document.querySelector(".verify-form");
  const field = document.getElementById("id_sha256");
  picker.disabled = false;
  picker.addEventListener("change", async () => {
    const file = picker.files[0];
    if (!file) return;
    bar.hidden = false;
    bar.value = 0;
    state.textContent = `${way.dataset.readyText}：${file.name}`;
    try {
      const digest = await hashFile(file, (p) => (bar.value = Math.round(p * 100)));
      bar.value = 100;
      state.textContent = `${way.dataset.doneText}：${digest}`;
      field.value = digest;
      // Only the hash leaves the browser, as if typed into the form.
      const params = new URLSearchParams({ sha256: digest });
      if (new URLSearchParams(location.search).has("nosubtle")) params.set("nosubtle", "1");
      location.assign(`${form.action}?${params}`);
    } catch (error) {
      state.textContent = `无法读取该文件：${error.message}`;
    }
  });
  way.dataset.ready = "1";
}

setupFile();
checkAll();
