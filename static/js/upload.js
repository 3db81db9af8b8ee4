// Plan photos on a slow line: made smaller on the phone, sent as soon as they are chosen, with
// the upload's progress, and sent again with one tap when the line fails.
//
// A 12 MP phone photo is 3-6 MB: a minute on a weak 4G line. Where the browser can decode it
// (createImageBitmap), it is drawn at the server's stored long side (data-long-side) and sent
// as a JPEG of a few hundred kB; a photo it cannot decode (HEIC in most browsers), or one that
// would not get smaller, is sent as it is. The server normalises whatever arrives (orientation,
// metadata, size): it stays the authority. The smaller files replace the chosen ones in the file
// input itself, so htmx sends them, and a retry sends them again with the form's one-time
// submission id (basisjeugdhulp/submissions.py): a photo that did arrive is stored once.

// The server re-encodes at its own quality (85); 0.75 here keeps the handwriting sharp at about
// 40 % of the bytes of 0.92, and brings a 12 MP photo under 5 s on a 1.6 Mbit/s line, where
// 0.8 took 4.6-5.1 s (bench/photo_upload.py prints what crossed the line).
const JPEG_QUALITY = 0.75;

async function smaller(file, longSide) {
  if (!longSide || !window.createImageBitmap || !file.type.startsWith("image/")) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (error) {
    return file; // not decodable here (HEIC): the server converts it
  }
  const scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  if (!blob || blob.size >= file.size) return file;
  const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
}

function setStatus(form, text) {
  form.querySelector("[data-progress-text]").textContent = text;
}

function showRetry(form, failed) {
  form.querySelectorAll("[data-upload-failed]").forEach((element) => { element.hidden = !failed; });
}

async function prepare(form, input) {
  const longSide = parseInt(form.dataset.longSide, 10);
  setStatus(form, form.dataset.preparingText || "");
  const files = await Promise.all(Array.from(input.files).map((file) => smaller(file, longSide).catch(() => file)));
  if (window.DataTransfer) {
    try {
      const transfer = new DataTransfer();
      files.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
    } catch (error) {
      // an old browser: the originals are sent
    }
  }
  form.requestSubmit();
}

document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-upload]");
  if (form && event.target.type === "file" && event.target.files.length) {
    showRetry(form, false);
    prepare(form, event.target);
  }
});

document.addEventListener("click", (event) => {
  const retry = event.target.closest("[data-upload-retry]");
  if (!retry) return;
  const form = retry.closest("form[data-upload]");
  showRetry(form, false);
  form.requestSubmit(); // the same (smaller) files, the same submission id
});

document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest("form[data-upload]");
  if (!form || !event.detail.lengthComputable) return;
  const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  const bar = form.querySelector("progress");
  bar.hidden = false;
  bar.value = percent;
  setStatus(form, percent + "%");
});

// Too busy to take the upload now ("Het is nu erg druk", basisjeugdhulp/shedding.py): nothing was
// done, so keep the form and its photo instead of showing the busy page, and offer the retry.
document.addEventListener("htmx:beforeSwap", (event) => {
  // The event fires on the swap's target (#main); the form that sent it is the request's element.
  const sender = event.detail.requestConfig && event.detail.requestConfig.elt;
  const form = sender && sender.closest && sender.closest("form[data-upload]");
  if (form && event.detail.xhr.getResponseHeader("X-Register-Busy")) {
    event.detail.shouldSwap = false;
    form.querySelector("progress").hidden = true;
    setStatus(form, "");
    showRetry(form, true);
  }
});

// The line failed (no answer, or an answer htmx does not show): offer the retry; the files stay.
for (const name of ["htmx:sendError", "htmx:timeout", "htmx:responseError"]) {
  document.addEventListener(name, (event) => {
    const form = event.target.closest && event.target.closest("form[data-upload]");
    if (!form) return;
    form.querySelector("progress").hidden = true;
    setStatus(form, "");
    showRetry(form, true);
  });
}
