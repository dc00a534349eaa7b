/* Small behaviours for pages that load this file. Kept out of the templates: the
   Content-Security-Policy allows no inline script or event handlers. */
(function () {
  "use strict";
  // A read-only field meant for copying (an invite link) selects itself when tapped.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-click")) {
      target.select();
    }
  });
})();
