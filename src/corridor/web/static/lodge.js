// The lodging form: remember which fields the person has left, so that problems show
// at a field only once it has been filled in or passed (the summary lists them all).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("lodge-form");
  const touched = document.getElementById("touched");
  if (!form || !touched) return;
  const seen = new Set(touched.value.split(",").filter(Boolean));
  form.addEventListener("focusout", (event) => {
    const name = event.target && event.target.name;
    if (name && name !== "csrf" && name !== "touched") {
      seen.add(name);
      touched.value = Array.from(seen).join(",");
    }
  });
});
