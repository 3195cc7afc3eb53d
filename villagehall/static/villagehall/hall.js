// Small progressive enhancements. Every page works without this file.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.matches || !form.matches("form[data-reset-on-success]")) return;
  if (event.detail.successful) {
    form.reset();
    var errors = form.querySelector(".form-errors");
    if (errors) errors.textContent = "";
    var parent = form.querySelector("input[name=parent]");
    if (parent) parent.value = "";
  }
});
