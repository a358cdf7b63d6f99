// Webhooks page: add, remove and enable endpoints and resend deliveries through the JSON API; shows a new
// endpoint's secret once. No inline script (CSP).
(function () {
  const csrf = document.querySelector('meta[name="_csrf"]').content;
  const csrfHeader = document.querySelector('meta[name="_csrf_header"]').content;
  const message = document.getElementById('message');

  // {status, json}: json is null for an answer that is not JSON (a proxy's error page); a network
  // error is status 0, so every caller says something and gives its button back
  function call(method, url, body) {
    const headers = { [csrfHeader]: csrf };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(r => r.text().then(t => {
        let json = null;
        try { json = t ? JSON.parse(t) : null; } catch (notJson) { json = null; }
        return { status: r.status, json: json };
      }))
      .catch(() => ({ status: 0, json: null }));
  }

  /** Why a call failed, in `target`: the session's end, the server's words, or what to do. */
  function refused(target, r) {
    const fallback = r.status === 0
      ? 'No answer from the server. Check your connection and try again.'
      : 'The server could not do it (HTTP ' + r.status + '). Try again in a moment.';
    window.Renderbank.sayProblem(target, r.status, r.json, fallback);
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
        refused(message, r);
      }
    }).finally(() => { if (add) add.disabled = false; });
  });

  document.querySelectorAll('.remove-endpoint').forEach(b => b.addEventListener('click', () => {
    if (!window.confirm('Remove this endpoint and its delivery log?')) return;
    b.disabled = true;
    call('DELETE', '/api/v1/webhook-endpoints/' + encodeURIComponent(b.dataset.id)).then(r => {
      if (r.status === 204 || r.status === 404) { window.location.reload(); return; } // gone either way
      b.disabled = false;
      message.className = 'error';
      refused(message, r);
    });
  }));

  document.querySelectorAll('.enable-endpoint').forEach(b => b.addEventListener('click', () => {
    b.disabled = true;
    call('POST', '/api/v1/webhook-endpoints/' + encodeURIComponent(b.dataset.id) + '/enable').then(r => {
      if (r.status === 200) {
        window.location.reload();
      } else {
        b.disabled = false;
        message.className = 'error';
        refused(message, r);
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
        refused(note, r);
      }
    });
  }));
})();
