// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // The interface language switches as soon as it is chosen (the <noscript> button does it without script).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // The investigation report: choosing another violation asks the discretion assistant again (裁量试算), so the
  // circumstances offered are those of its benchmark. Without script the officer presses the button himself.
  const report = document.getElementById("action-form");
  const preview = report && report.querySelector("button[name=preview]");
  const violation = report && report.querySelector("select[name=violation]");
  if (preview && violation) {
    violation.addEventListener("change", () => preview.click());
  }
})();
