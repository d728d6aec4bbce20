// Quiz pages: works without this script; it only makes the form easier to use.
(function () {
  "use strict";

  // Ordering: choosing a position for one item hands its old position to the item that
  // had the chosen one, so every position stays used exactly once.
  document.querySelectorAll("[data-quiz-ordering]").forEach(function (list) {
    var selects = Array.prototype.slice.call(list.querySelectorAll("select"));
    selects.forEach(function (select) {
      select.dataset.previous = select.value;
      select.addEventListener("change", function () {
        var old = select.dataset.previous;
        selects.forEach(function (other) {
          if (other !== select && other.value === select.value) {
            other.value = old;
            other.dataset.previous = old;
          }
        });
        select.dataset.previous = select.value;
      });
    });
  });

  // One submission per click: a second click would only be refused by the server.
  document.querySelectorAll("form.quiz-form").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    if (!button) {
      return;
    }
    form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
    // Back from the result page (page cache): the button must work again.
    window.addEventListener("pageshow", function () { button.disabled = false; });
  });
})();
