// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // The interface language switches as soon as it is chosen (the <noscript> button does it without script).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
})();
