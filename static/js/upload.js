// Plan photos: send as soon as the professional has taken or chosen them, and show the upload's
// progress (a slow 4G line and 5 MB photos are normal). htmx sends the form; this draws the bar.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-upload]");
  if (form && event.target.type === "file" && event.target.files.length) {
    form.requestSubmit();
  }
});

document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest("form[data-upload]");
  if (!form || !event.detail.lengthComputable) return;
  const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  const bar = form.querySelector("progress");
  bar.hidden = false;
  bar.value = percent;
  form.querySelector("[data-progress-text]").textContent = percent + "%";
});
