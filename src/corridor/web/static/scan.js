// The checkpoint's scanner: read the document's QR code with the camera (the browser's
// BarcodeDetector where it has one, else the vendored jsQR), verify the receipt it
// carries in this browser against the log's key, then open the movement's screen.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const start = document.getElementById("camera-start");
  const video = document.getElementById("camera");
  const result = document.getElementById("scan-result");
  const code = document.getElementById("code");
  const form = document.getElementById("find-form");
  const words = document.getElementById("scan-messages").dataset;
  const logKey = document.currentScript ? document.currentScript.dataset.logKey
    : document.querySelector("script[data-log-key]").dataset.logKey;

  async function found(text) {
    if (text.startsWith("c2sp.org/tlog-proof@v1") && CorridorLog.available()) {
      try {
        const checked = await CorridorLog.verifyReceipt(text, logKey);
        result.textContent = words.receiptOk + " " + checked.entry.mrn + " (" + checked.entry.type + ")";
        code.value = checked.entry.mrn;
      } catch (error) {
        result.textContent = words.receiptFailed + " " + error.message;
        return;
      }
    } else {
      code.value = text;
    }
    form.submit();
  }

  async function scanFrames(stream) {
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const detector = "BarcodeDetector" in window ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      if (!video.videoWidth) continue;
      if (detector) {
        const codes = await detector.detect(video);
        if (codes.length) { stream.getTracks().forEach((t) => t.stop()); return found(codes[0].rawValue); }
        continue;
      }
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const qr = jsQR(image.data, image.width, image.height);
      if (qr) {
        stream.getTracks().forEach((t) => t.stop());
        return found(new TextDecoder().decode(new Uint8Array(qr.binaryData)));
      }
    }
  }

  start.addEventListener("click", async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      result.textContent = words.noCamera; return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream; video.hidden = false; await video.play();
      result.textContent = words.reading;
      await scanFrames(stream);
    } catch (error) {
      result.textContent = words.noCamera;
    }
  });

  window.corridorScanned = found; // for a hand-held scanner that types, and for tests
});
