// Loaded (deferred) by every page with the shared head, next to common.js.
(function () {
  'use strict';

  /**
   * Forms that can succeed only once (sign-up, a password reset or change, confirming an address, a
   * checkout, deleting the account; marked data-once) are sent once: the first submit disables their
   * submit buttons, and a second submit before the next page arrives is dropped. Without script they
   * post as before (the server answers a quick repeat of sign-up and reset as it answered the first).
   * A page shown again from the back-forward cache gets its buttons back.
   */
  document.addEventListener('submit', function (e) {
    const form = e.target;
    if (!form.matches('form[data-once]')) { return; }
    if (form.hasAttribute('data-sent')) { e.preventDefault(); return; }
    form.setAttribute('data-sent', '');
    form.setAttribute('aria-busy', 'true');
    // after this event: a disabled submitter would leave its name and value out of the form
    setTimeout(function () {
      form.querySelectorAll('button[type=submit], button:not([type]), input[type=submit]').forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) { return; }
    document.querySelectorAll('form[data-once][data-sent]').forEach(function (form) {
      form.removeAttribute('data-sent');
      form.removeAttribute('aria-busy');
      form.querySelectorAll('button, input[type=submit]').forEach(function (b) { b.disabled = false; });
    });
  });
})();
