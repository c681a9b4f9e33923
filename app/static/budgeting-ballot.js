// Budgeting ballots: live running total for knapsack ballots and points used for points
// ballots. The page works without this file; it only saves a press of "Check my total".
(function () {
  "use strict";
  function formatNok(value) {
    return new Intl.NumberFormat(document.documentElement.lang || "nb").format(value) + " kr";
  }
  function knapsack(form) {
    var box = document.getElementById("running-total-box");
    if (!box) { return; }
    var limit = Number(box.getAttribute("data-limit"));
    var output = document.getElementById("running-total");
    var meter = document.getElementById("running-meter");
    function update() {
      var total = 0;
      form.querySelectorAll("input[name=project]:checked").forEach(function (box) {
        total += Number(box.getAttribute("data-cost"));
      });
      output.textContent = formatNok(total);
      meter.value = Math.min(total, limit);
      box.classList.toggle("over-budget", total > limit);
    }
    form.addEventListener("change", update);
    update();
  }
  function points(form) {
    var output = document.getElementById("points-total");
    if (!output) { return; }
    function update() {
      var total = 0;
      form.querySelectorAll(".points-input").forEach(function (input) {
        total += Number(input.value) || 0;
      });
      output.textContent = String(total);
    }
    form.addEventListener("input", update);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.ballot-form").forEach(function (form) {
      var type = form.getAttribute("data-ballot-type");
      if (type === "knapsack") { knapsack(form); }
      if (type === "points") { points(form); }
    });
  });
})();
