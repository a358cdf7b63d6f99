// API tokens page: create (the secret is shown once, with a copy button) and revoke (after a
// confirmation) through /api/v1/tokens with the session's CSRF token. No inline script: the CSP forbids it.
(function () {
  const csrf = document.querySelector('meta[name="_csrf"]').content;
  const csrfHeader = document.querySelector('meta[name="_csrf_header"]').content;
  const form = document.getElementById('create-token');
  const error = document.getElementById('token-error');
  const box = document.getElementById('new-token');
  const value = document.getElementById('new-token-value');
  const copied = document.getElementById('copied');
  const table = document.getElementById('tokens');
  const none = document.getElementById('no-tokens');

  function fail(problem, status) {
    const first = problem && problem.errors && problem.errors[0];
    error.hidden = false;
    form.querySelectorAll('[aria-invalid]').forEach(f => { f.removeAttribute('aria-invalid'); f.removeAttribute('aria-describedby'); });
    if (window.Renderbank.sessionEnded(status, problem)) { window.Renderbank.sayProblem(error, status, problem); return; }
    // a field's error names the field as its label does ("Expires (optional)", not "expiresAt"), and
    // the field points to it
    const field = first && form.elements[first.field];
    const label = field && field.labels && field.labels[0] ? field.labels[0].textContent : (first && first.field);
    error.textContent = first ? label + ': ' + first.message : (problem && problem.detail) || 'Something went wrong';
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', 'token-error');
      field.focus();
    }
  }

  // The page writes times in the user's zone (identity's UserTimes: yyyy-MM-dd HH:mm); a row added here
  // does the same, and an expiry day is that day in the user's zone, not in UTC.
  const zone = table.dataset.timeZone || 'UTC';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit'
  });

  function wall(ms) {
    const p = {};
    parts.formatToParts(new Date(ms)).forEach(x => { p[x.type] = x.value; });
    return p;
  }

  function fmt(iso) {
    if (!iso) return 'never';
    const p = wall(Date.parse(iso));
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
  }

  /** The last second of {@code day} (yyyy-MM-dd) in the user's zone, as an ISO instant. */
  function endOfDay(day) {
    const target = Date.parse(day + 'T23:59:59Z'); // that wall time, read as if it were UTC
    let at = target;
    for (let i = 0; i < 2; i++) { // twice: the zone's offset may differ between the guess and the answer
      const p = wall(at);
      const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
      at += target - shown;
    }
    return new Date(at).toISOString().replace('.000Z', 'Z');
  }

  function addRow(id, name, expiresAt) {
    const tr = document.createElement('tr');
    tr.dataset.id = id;
    const cells = [name, fmt(new Date().toISOString()), 'never', fmt(expiresAt)];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 0) {
        td.className = 'name';
      } else { // as the page renders them: labelled for the stacked rows of a narrow screen
        td.dataset.label = table.tHead.rows[0].cells[i].textContent;
      }
      tr.appendChild(td);
    });
    const td = document.createElement('td');
    td.className = 'act';
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'revoke danger';
    b.dataset.id = id;
    b.dataset.name = name;
    b.setAttribute('aria-label', 'Revoke the token ' + name);
    b.textContent = 'Revoke';
    td.appendChild(b);
    tr.appendChild(td);
    table.tBodies[0].prepend(tr);
    table.hidden = false;
    none.hidden = true;
  }

  // One token per press: the button stays disabled until the answer (a double click sends one request).
  const create = form.querySelector('button[type="submit"]');

  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (create.disabled) return;
    create.disabled = true;
    error.hidden = true;
    form.querySelectorAll('[aria-invalid]').forEach(f => { f.removeAttribute('aria-invalid'); f.removeAttribute('aria-describedby'); });
    try {
      const name = form.elements.name.value;
      const day = form.elements.expiresAt.value;
      const body = { name: name };
      if (day) body.expiresAt = endOfDay(day);
      const r = await fetch('/api/v1/tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [csrfHeader]: csrf },
        body: JSON.stringify(body)
      });
      const j = await r.json().catch(() => null);
      if (r.status !== 201) { fail(j, r.status); return; }
      value.textContent = j.token;
      copied.textContent = '';
      box.hidden = false;
      addRow(j.id, j.name, body.expiresAt || null);
      form.reset();
    } catch (unreached) {
      fail({ detail: 'No answer from the server: the token may have been created. Reload the page to see your tokens before you create another.' });
    } finally {
      create.disabled = false;
    }
  });

  // #copied is a live region: it says whether the token is on the clipboard, and only then "Copied"
  document.getElementById('copy-token').addEventListener('click', async () => {
    copied.textContent = '';
    try {
      await navigator.clipboard.writeText(value.textContent);
      copied.className = 'ok';
      copied.textContent = 'Copied';
    } catch (ignored) {
      // no clipboard (plain http, permission refused): select the text so the user can copy it by hand
      const range = document.createRange();
      range.selectNodeContents(value);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      copied.className = 'error';
      copied.textContent = 'Not copied. Select and copy it now: it is shown only once.';
    }
  });

  table.addEventListener('click', async e => {
    const b = e.target.closest('button.revoke');
    if (!b) return;
    if (!window.confirm('Revoke the token "' + b.dataset.name + '"? Scripts using it stop working at once.')) return;
    const r = await fetch('/api/v1/tokens/' + encodeURIComponent(b.dataset.id), {
      method: 'DELETE',
      headers: { [csrfHeader]: csrf }
    });
    if (r.status !== 204 && r.status !== 404) { fail(await r.json().catch(() => null), r.status); return; }
    // the button goes with its row: focus the next row's (else the previous row's) Revoke, or the
    // message when none is left, and say what happened
    const row = b.closest('tr');
    const near = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    if (table.tBodies[0].rows.length === 0) { table.hidden = true; none.hidden = false; }
    const message = document.getElementById('token-message');
    message.textContent = 'The token "' + b.dataset.name + '" is revoked.';
    const next = near && near.querySelector('button.revoke');
    (next || message).focus();
  });
})();
