// The declaration form. Without this script every control shows and the row buttons
// post the form; with it:
// - problems show at a control only once the person has been there (the summary lists
//   them all): the names of the controls left are kept in the hidden field "touched";
// - only the means of transport of the chosen mode shows (road vehicle, or train);
// - after a row is added or removed (htmx swaps the rows in), the form is checked again;
// - the list of problems names each control as its label and headings do
//   ("Consignment 2 › Goods item 1 › HS code"), not by its path in the declaration, and a
//   control is marked aria-invalid while its problem shows.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("lodge-form");
  // (the row buttons replace the hidden field with its renumbered names: look it up anew)
  const touched = () => document.getElementById("touched");
  if (!form || !touched()) return;
  const visited = (event) => {
    const name = event.target && event.target.name;
    if (name && name !== "csrf" && name !== "touched" && name !== "edit" && form.contains(event.target)) {
      const seen = new Set(touched().value.split(",").filter(Boolean));
      seen.add(name);
      touched().value = Array.from(seen).join(",");
    }
  };
  // "change" comes before the control loses focus, and htmx checks the form on it: note
  // the control first (capture, on the document), so that its problem shows at once
  document.addEventListener("change", visited, true);
  form.addEventListener("focusout", visited);
  const mode = document.getElementById("f-transport-mode");
  const showMode = () => {
    for (const part of form.querySelectorAll("fieldset[data-mode]")) {
      part.hidden = mode !== null && part.dataset.mode !== mode.value;
    }
  };
  if (mode) mode.addEventListener("change", showMode);
  showMode();
  const nameProblems = () => {
    for (const link of document.querySelectorAll("#problems a[data-control]")) {
      const control = document.getElementById(link.dataset.control);
      const label = control && document.querySelector(`label[for="${control.id}"]`);
      if (!label) continue;
      const words = [label.textContent.replace("*", "").trim()];
      for (let set = control.closest("fieldset"); set; set = set.parentElement.closest("fieldset")) {
        const legend = set.querySelector(":scope > legend");
        if (legend) words.unshift(legend.textContent.trim());
      }
      link.textContent = words.join(" › ");
    }
  };
  nameProblems();
  // a control whose message is showing is marked invalid for screen readers, and only then
  const markInvalid = () => {
    for (const message of form.querySelectorAll(".field-error[id^='err-']")) {
      const control = document.getElementById(message.id.slice(4));
      if (!control) continue;
      if (message.textContent.trim()) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  };
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const region = event.detail && event.detail.target;
    if (region && region.id === "problems") {
      nameProblems();
      markInvalid();
    }
    if (region && (region.id === "consignments" || region.id === "wagons")) {
      window.htmx.trigger(form, "change");
    }
  });
});
