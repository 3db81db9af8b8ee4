// After an idle logout: put back what this user had typed in the form they sent (accounts/idle.py).
(() => {
  const kept = JSON.parse(document.getElementById("kept-form").textContent);
  for (const [name, values] of Object.entries(kept)) {
    for (const field of document.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.includes(field.value);
      } else if (field.tagName === "SELECT" && field.multiple) {
        for (const option of field.options) option.selected = values.includes(option.value);
      } else if (field.type !== "file" && field.type !== "hidden") {
        field.value = values[0];
      }
    }
  }
})();
