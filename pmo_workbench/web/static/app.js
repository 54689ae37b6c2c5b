// Progressive enhancement only: the pages work the same without it.
// When a page shows an error summary, move the focus to it so that screen readers announce it first.
// A comment box shows how many characters are left, counted as the server counts them (code points).
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
      counter.textContent = left >= 0 ? left + " characters left" : (-left) + " characters too many";
      counter.classList.toggle("over", left < 0);
    }
    counter.hidden = false;
    box.addEventListener("input", update);
    update();
  });
});
