// Small progressive enhancements. Every page works without this file.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.matches || !form.matches("form[data-reset-on-success]")) return;
  // A refused reply (422) is swapped into the form's error area and must keep what was typed.
  if (!event.detail.successful || event.detail.xhr.status >= 300) return;
  form.reset();
  var errors = form.querySelector(".form-errors");
  if (errors) errors.textContent = "";
  var parent = form.querySelector("input[name=parent]");
  if (parent) parent.value = "";
  // The next reply goes to the post itself, so say so.
  form.querySelectorAll("[data-reply-context]").forEach(function (element) { element.remove(); });
  var heading = form.querySelector("[data-default-heading]");
  if (heading) heading.textContent = heading.getAttribute("data-default-heading");
});
