// The declaration form. Without this script every control shows and the row buttons
// post the form; with it:
// - problems show at a control only once the person has been there (the summary lists
//   them all): the names of the controls left are kept in the hidden field "touched";
// - only the means of transport of the chosen mode shows (road vehicle, or train);
// - after a row is added or removed (htmx swaps the rows in), the form is checked again.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("lodge-form");
  // (the row buttons replace the hidden field with its renumbered names: look it up anew)
  const touched = () => document.getElementById("touched");
  if (!form || !touched()) return;
  form.addEventListener("focusout", (event) => {
    const name = event.target && event.target.name;
    if (name && name !== "csrf" && name !== "touched" && name !== "edit") {
      const seen = new Set(touched().value.split(",").filter(Boolean));
      seen.add(name);
      touched().value = Array.from(seen).join(",");
    }
  });
  const mode = document.getElementById("f-transport-mode");
  const showMode = () => {
    for (const part of form.querySelectorAll("fieldset[data-mode]")) {
      part.hidden = mode !== null && part.dataset.mode !== mode.value;
    }
  };
  if (mode) mode.addEventListener("change", showMode);
  showMode();
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const region = event.detail && event.detail.target;
    if (region && (region.id === "consignments" || region.id === "wagons")) {
      window.htmx.trigger(form, "change");
    }
  });
});
