// Webhooks page: add, remove and enable endpoints and resend deliveries through the JSON API; shows a new
// endpoint's secret once. No inline script (CSP).
(function () {
  const csrf = document.querySelector('meta[name="_csrf"]').content;
  const csrfHeader = document.querySelector('meta[name="_csrf_header"]').content;
  const message = document.getElementById('message');

  function call(method, url, body) {
    const headers = { [csrfHeader]: csrf };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(r => r.text().then(t => ({ status: r.status, json: t ? JSON.parse(t) : null })));
  }

  document.getElementById('add-endpoint').addEventListener('submit', e => {
    e.preventDefault();
    const add = e.target.querySelector('button[type="submit"]');
    if (add && add.disabled) return; // a second click while the first is checked
    if (add) add.disabled = true;
    const url = document.getElementById('url').value.trim();
    const events = Array.from(document.querySelectorAll('input[name="events"]:checked')).map(c => c.value);
    message.textContent = 'Checking the URL…';
    message.className = 'muted';
    call('POST', '/api/v1/webhook-endpoints', { url: url, events: events }).then(r => {
      if (r.status === 201) {
        message.textContent = 'Added.';
        document.getElementById('secret-endpoint').textContent = r.json.url;
        document.getElementById('secret').textContent = r.json.secret;
        document.getElementById('secret-box').hidden = false;
      } else {
        message.className = 'error';
        window.Renderbank.sayProblem(message, r.status, r.json, 'Failed: HTTP ' + r.status);
      }
    }).finally(() => { if (add) add.disabled = false; });
  });

  document.querySelectorAll('.remove-endpoint').forEach(b => b.addEventListener('click', () => {
    if (!window.confirm('Remove this endpoint and its delivery log?')) return;
    call('DELETE', '/api/v1/webhook-endpoints/' + encodeURIComponent(b.dataset.id)).then(() => window.location.reload());
  }));

  document.querySelectorAll('.enable-endpoint').forEach(b => b.addEventListener('click', () => {
    b.disabled = true;
    call('POST', '/api/v1/webhook-endpoints/' + encodeURIComponent(b.dataset.id) + '/enable').then(r => {
      if (r.status === 200) {
        window.location.reload();
      } else {
        b.disabled = false;
        message.className = 'error';
        window.Renderbank.sayProblem(message, r.status, r.json, 'Failed: HTTP ' + r.status);
      }
    });
  }));

  document.querySelectorAll('.resend').forEach(b => b.addEventListener('click', () => {
    b.disabled = true;
    call('POST', '/api/v1/webhook-endpoints/' + encodeURIComponent(b.dataset.endpoint) + '/deliveries/'
      + encodeURIComponent(b.dataset.id) + '/resend').then(r => {
      if (r.status === 202) {
        b.textContent = 'Queued';
        return;
      }
      // refused (resent too recently, removed meanwhile): say why and what to do, next to the button
      b.disabled = false;
      let note = b.parentElement.querySelector('.resend-note');
      if (!note) {
        note = document.createElement('span');
        note.className = 'error resend-note';
        b.after(' ', note);
      }
      const wait = r.json && r.json.retryAfterSeconds;
      const tooSoon = r.status === 429 && wait && String(r.json.type || '').endsWith('resend-too-soon');
      // too many resends of the user's (the per-hour cap): the detail says how many and how long to wait
      if (tooSoon) {
        note.textContent = 'Resent just now: wait ' + wait + ' s before resending.';
      } else {
        window.Renderbank.sayProblem(note, r.status, r.json, 'Failed: HTTP ' + r.status);
      }
    });
  }));
})();
