// Kramar's small behaviours, as a file (the Content Security Policy allows no inline script).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (event.detail.successful && form.matches("form[data-reset-on-success]")) {
    form.reset();
  }
});
