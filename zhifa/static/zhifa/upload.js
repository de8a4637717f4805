// Evidence upload: hash each file in the browser (SHA-256, read in slices so a 2 GB video never sits in
// memory), send it with its hash, and keep the hash (and the file's name) in the form once the server has
// confirmed the same one. Files go in pieces that resume after a dropped connection (tus 1.0.0 through the
// vendored tus-js-client, server in zhifa/ledger/resumable.py); without it, in one request as before.
// SHA-256 is computed here rather than with crypto.subtle, which hashes only whole buffers and exists only
// on HTTPS pages; agencies' intranets often serve plain HTTP.
(function () {
  "use strict";

  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  class Sha256 {
    constructor() {
      this.h = new Uint32Array([
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
      ]);
      this.w = new Uint32Array(64);
      this.buffer = new Uint8Array(64);
      this.buffered = 0;
      this.length = 0; // bytes; a double holds it exactly up to 2^53
    }

    update(data) {
      let i = 0;
      this.length += data.length;
      if (this.buffered > 0) {
        const take = Math.min(64 - this.buffered, data.length);
        this.buffer.set(data.subarray(0, take), this.buffered);
        this.buffered += take;
        i = take;
        if (this.buffered === 64) {
          this.block(this.buffer, 0);
          this.buffered = 0;
        }
      }
      for (; i + 64 <= data.length; i += 64) this.block(data, i);
      if (i < data.length) {
        this.buffer.set(data.subarray(i), 0);
        this.buffered = data.length - i;
      }
    }

    block(d, o) {
      const w = this.w;
      for (let t = 0; t < 16; t++) {
        const p = o + 4 * t;
        w[t] = (d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3];
      }
      for (let t = 16; t < 64; t++) {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      const h = this.h;
      let a = h[0], b = h[1], c = h[2], dd = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (hh + S1 + ch + K[t] + w[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += dd; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }

    hex() {
      const bits = this.length * 8;
      const tail = new Uint8Array(this.buffered < 56 ? 64 : 128);
      tail.set(this.buffer.subarray(0, this.buffered));
      tail[this.buffered] = 0x80;
      const view = new DataView(tail.buffer);
      view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
      view.setUint32(tail.length - 4, bits >>> 0);
      for (let o = 0; o < tail.length; o += 64) this.block(tail, o);
      return Array.from(this.h, (x) => x.toString(16).padStart(8, "0")).join("");
    }
  }

  const SLICE = 4 * 1024 * 1024;

  async function hashFile(file, onProgress) {
    const hash = new Sha256();
    for (let offset = 0; offset < file.size; offset += SLICE) {
      const part = await file.slice(offset, offset + SLICE).arrayBuffer();
      hash.update(new Uint8Array(part));
      onProgress(Math.min(offset + SLICE, file.size) / file.size);
    }
    onProgress(1);
    return hash.hex();
  }

  function csrfToken(root) {
    const field = root.closest("form")?.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return cookie ? cookie.slice("csrftoken=".length) : "";
  }

  function send(url, file, digest, token, onProgress) {
    return new Promise((resolve, reject) => {
      const body = new FormData();
      body.append("sha256", digest);
      body.append("file", file, file.name);
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("X-CSRFToken", token);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      request.onload = () => {
        let data = {};
        try {
          data = JSON.parse(request.responseText);
        } catch (error) {
          data = { error: request.statusText || String(request.status) };
        }
        if (request.status === 200 && data.sha256 === digest) resolve(data);
        else reject(new Error(data.error || request.statusText));
      };
      request.onerror = () => reject(new Error(request.statusText || "network"));
      request.send(body);
    });
  }

  // A photo of 7 KB reads "7 KB", not "0.0 MB" (ledger/forms.py human_size says the same on the server).
  function humanSize(bytes) {
    if (bytes < 1048576) return `${Math.ceil(bytes / 1024)} KB`;
    return `${(bytes / 1048576).toFixed(1)} MB`;
  }

  function failure(error) {
    const response = error && error.originalResponse;
    if (response) {
      const body = response.getBody && response.getBody();
      if (body) return body;
      return `HTTP ${response.getStatus()}`;
    }
    return (error && error.message) || "network";
  }

  // Sends the file in pieces; after a dropped connection the library asks the server how much arrived (HEAD)
  // and sends the rest, retrying for a few minutes. A file picked again after a page reload resumes too.
  function sendResumable(url, file, digest, token, onProgress, onRetry) {
    return new Promise((resolve, reject) => {
      const upload = new window.tus.Upload(file, {
        endpoint: url,
        chunkSize: 2 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000],
        metadata: { filename: file.name, filetype: file.type || "application/octet-stream", sha256: digest },
        headers: { "X-CSRFToken": token },
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => onProgress(total > 0 ? sent / total : 1),
        onShouldRetry: (error) => {
          const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
          const retry = !(status >= 400 && status < 500) || status === 409 || status === 423;
          if (retry) onRetry();
          return retry;
        },
        onSuccess: (payload) => {
          const response = payload && payload.lastResponse;
          const stored = response ? response.getHeader("X-Evidence-Sha256") : "";
          if (stored === digest) resolve({ sha256: digest });
          else reject(new Error(stored ? `SHA-256 ${stored}` : "SHA-256"));
        },
        onError: (error) => reject(new Error(failure(error))),
      });
      upload
        .findPreviousUploads()
        .then((previous) => {
          if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        })
        .catch(() => upload.start());
    });
  }

  function text(root, key) {
    return root.querySelector(`[data-text="${key}"]`).textContent;
  }

  function setup(root) {
    const pickers = root.querySelectorAll("[data-role=picker]");
    const list = root.querySelector("[data-role=list]");
    const template = root.querySelector("template[data-role=item]");
    let pending = 0;

    async function upload(file) {
      const item = template.content.firstElementChild.cloneNode(true);
      item.querySelector(".upload-name").textContent = `${file.name} · ${humanSize(file.size)}`;
      const [hashBar, sendBar] = item.querySelectorAll("progress");
      const state = item.querySelector(".upload-state");
      list.appendChild(item);
      // The server refuses a file over the limit as it arrives; saying so here spares hashing and sending it.
      const maxBytes = Number(root.dataset.maxBytes || 0);
      if (maxBytes > 0 && file.size > maxBytes) {
        item.classList.add("failed");
        state.textContent = `${text(root, "failed")}：${text(root, "too-large")}`;
        return;
      }
      pending += 1;
      try {
        const digest = await hashFile(file, (p) => (hashBar.value = Math.round(p * 100)));
        item.dataset.sha256 = digest;
        const progress = (p) => {
          sendBar.value = Math.round(p * 100);
          state.textContent = "";
        };
        const resumable = window.tus && window.tus.isSupported && root.dataset.resumableUrl;
        if (resumable) {
          const retrying = () => (state.textContent = text(root, "retrying"));
          await sendResumable(root.dataset.resumableUrl, file, digest, csrfToken(root), progress, retrying);
        } else {
          await send(root.dataset.uploadUrl, file, digest, csrfToken(root), progress);
        }
        sendBar.value = 100;
        for (const [name, value] of [
          [root.dataset.name, digest],
          [`${root.dataset.name}_name`, `${digest}:${file.name}`],
        ]) {
          const hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = name;
          hidden.value = value;
          item.appendChild(hidden);
        }
        item.classList.add("done");
        state.textContent = `${text(root, "done")} · SHA-256 ${digest}`;
      } catch (error) {
        item.classList.add("failed");
        state.textContent = `${text(root, "failed")}：${error.message}`;
      } finally {
        pending -= 1;
      }
    }

    function takePicked(picker) {
      for (const file of picker.files) upload(file);
      picker.value = "";
    }
    for (const picker of pickers) {
      picker.addEventListener("change", () => takePicked(picker));
      // On a slow link in the field a file may be picked before this script has run: take it now.
      if (picker.files && picker.files.length > 0) takePicked(picker);
    }
    root.dataset.ready = "1";
    root.closest("form")?.addEventListener("submit", (event) => {
      if (pending > 0) {
        event.preventDefault();
        alert(text(root, "busy"));
      }
    });
  }

  window.ZhifaSha256 = Sha256; // for the page's tests and for anyone checking a hash by hand
  window.ZhifaHumanSize = humanSize;
  document.querySelectorAll(".evidence-upload").forEach(setup);
})();
