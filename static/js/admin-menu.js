// The back office's sidebar is open in the page (so it works without script)
// and folds into its "Menu" on a phone. Loaded right after the menu, without
// "defer", so that it folds before the first paint (folding later shifted the
// page: Lighthouse's layout shift of 0.34 on a phone).
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 899px)");
  document.querySelectorAll("details[data-phone-collapse]").forEach(function (menu) {
    var fit = function () {
      menu.open = !phone.matches;
    };
    fit();
    phone.addEventListener("change", fit);
  });
})();
