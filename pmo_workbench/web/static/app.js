// Progressive enhancement only: the pages work the same without it.
// When a page shows an error summary, move the focus to it so that screen readers announce it first.
// A comment box shows how many characters are left, counted as the server counts them (code points), in the
// page's language: the sentences come from the counter's data attributes (singular and plural).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var boxes = document.querySelectorAll("textarea[data-max]");
  Array.prototype.forEach.call(boxes, function (box) {
    var counter = document.getElementById(box.id + "-count");
    if (!counter) { return; }
    var max = parseInt(box.getAttribute("data-max"), 10);
    function update() {
      var used = Array.from(box.value.replace(/\r\n/g, "\n").trim()).length;
      var left = max - used;
      var n = Math.abs(left);
      var form = (left >= 0 ? "left" : "over") + (n === 1 ? "One" : "Other");
      counter.textContent = (counter.dataset[form] || "{n}").replace("{n}", String(n));
      counter.classList.toggle("over", left < 0);
    }
    counter.hidden = false;
    box.addEventListener("input", update);
    update();
  });
});
