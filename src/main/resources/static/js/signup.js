// Sign-up page: sends the browser's time zone (the calendar the daily rewards count days in) with the
// form. The server keeps it if it knows it, else UTC; the user can change it on /account.
(function () {
  const field = document.getElementById('time-zone');
  if (!field) return;
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch (e) {
    field.value = '';
  }
})();
