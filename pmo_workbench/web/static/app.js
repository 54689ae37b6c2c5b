// Progressive enhancement only: the pages work the same without it.
// When a page shows an error summary, move the focus to it so that screen readers announce it first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
