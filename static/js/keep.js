// After an idle logout, a refused form and the language switch, or an expired form: put back
// what this user had typed into the form they sent (accounts/kept_forms.py), and bring it into view.
(() => {
  const kept = JSON.parse(document.getElementById("kept-form").textContent);
  const fill = () => {
    // The form that was sent: a page such as the tweede lezing has one form per family.
    const form = [...document.forms].find((f) => new URL(f.action, location.href).pathname === kept.action);
    const scope = form || document;
    for (const [name, values] of Object.entries(kept.fields)) {
      for (const field of scope.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.includes(field.value);
          field.dispatchEvent(new Event("change", { bubbles: true }));
        } else if (field.tagName === "SELECT" && field.multiple) {
          for (const option of field.options) option.selected = values.includes(option.value);
        } else if (!["file", "hidden", "password", "submit", "button"].includes(field.type)) {
          field.value = values[0];
        }
      }
    }
    if (form && form.getBoundingClientRect().top > innerHeight) form.scrollIntoView({ block: "start" });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
})();
