// Account page: start generations and watch them live (server-sent events), no framework needed.
(function () {
  const csrf = document.querySelector('meta[name="_csrf"]').content;
  const csrfHeader = document.querySelector('meta[name="_csrf_header"]').content;
  const rows = document.getElementById('jobs');
  const message = document.getElementById('message');
  const streams = {};

  function esc(s) { const d = document.createElement('div'); d.textContent = s == null ? '' : String(s); return d.innerHTML; }

  function row(job) {
    const credits = job.status === 'completed' ? job.creditsCharged + ' charged'
      : job.status === 'failed' ? 'released' : job.creditsHeld + ' held';
    const result = job.assetUrl ? '<a href="' + esc(job.assetUrl) + '" target="_blank">open</a>'
      : job.error ? '<span class="error" title="' + esc(job.error.code) + '">' + esc(job.error.message) + '</span>'
      : job.status === 'queued' ? '<button class="cancel-job" data-id="' + esc(job.taskId) + '">Cancel</button>' : '';
    return '<td><a class="creation" href="/creations/' + encodeURIComponent(job.taskId) + '"><code>' + esc(job.taskId.slice(0, 12)) + '…</code></a></td><td>' + esc(job.model) + '</td>'
      + '<td>' + esc(job.status) + '</td>'
      + '<td><div class="progress" role="progressbar" aria-valuenow="' + job.progress + '"><div style="width:' + job.progress + '%"></div></div></td>'
      + '<td>' + esc(credits) + '</td><td>' + result + '</td>';
  }

  function show(job) {
    let tr = document.getElementById('job-' + job.taskId);
    if (!tr) { tr = document.createElement('tr'); tr.id = 'job-' + job.taskId; rows.prepend(tr); }
    tr.innerHTML = row(job);
    const cancel = tr.querySelector('.cancel-job');
    if (cancel) cancel.addEventListener('click', () => {
      fetch('/api/v1/generations/' + encodeURIComponent(job.taskId) + '/cancel', { method: 'POST', headers: { [csrfHeader]: csrf } })
        .then(r => r.json()).then(j => { if (j.taskId) { show(j); refreshCredits(); } else { message.textContent = j.detail; } });
    });
    if (job.status !== 'completed' && job.status !== 'failed' && !streams[job.taskId]) watch(job.taskId);
  }

  function watch(taskId) {
    const es = new EventSource('/api/v1/generations/' + taskId + '/events');
    streams[taskId] = es;
    es.addEventListener('status', e => {
      const job = JSON.parse(e.data);
      show(job);
      if (job.status === 'completed' || job.status === 'failed') { es.close(); delete streams[taskId]; refreshCredits(); }
    });
  }

  function refreshCredits() {
    fetch('/api/v1/credits').then(r => r.json()).then(c => {
      const n = document.querySelectorAll('.stat .n');
      if (n.length >= 3) { n[0].textContent = c.available; n[1].textContent = c.held; n[2].textContent = c.balance; }
    });
  }

  fetch('/api/v1/catalog').then(r => r.json()).then(c => {
    const packs = document.getElementById('packs');
    packs.className = '';
    packs.innerHTML = c.packs.map(p => '<button class="buy" data-product="' + esc(p.id) + '">' + esc(p.credits)
      + ' credits · ' + esc((p.priceMinor / 100).toFixed(2)) + ' ' + esc(p.currency) + '</button>').join(' ');
    document.getElementById('plans').innerHTML = 'Plans: ' + c.plans.map(p => '<button class="buy" data-product="' + esc(p.id)
      + '">' + esc(p.id) + ' · ' + esc(p.credits) + '/month · ' + esc((p.priceMinor / 100).toFixed(2)) + ' ' + esc(p.currency)
      + '/' + esc(p.interval) + '</button>').join(' ');
    document.querySelectorAll('.buy').forEach(b => b.addEventListener('click', () => {
      fetch('/api/v1/checkout', {
        method: 'POST', headers: { 'Content-Type': 'application/json', [csrfHeader]: csrf, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ product: b.dataset.product })
      }).then(r => r.json().then(j => ({ ok: r.ok, j }))).then(({ ok, j }) => {
        if (ok) { location.href = j.url; } else { document.getElementById('buy-message').textContent = j.detail || j.title; }
      });
    }));
  });

  function loadSubscriptions() {
    fetch('/api/v1/subscriptions').then(r => r.json()).then(list => {
      const box = document.getElementById('subscriptions');
      if (!list.length) { box.innerHTML = ''; return; }
      box.innerHTML = '<h3>Your subscriptions</h3><table><tbody>' + list.map(s => '<tr><td>' + esc(s.product) + '</td><td>'
        + esc(s.status) + (s.endsAt ? ' · ends ' + esc(s.endsAt.slice(0, 10)) : '') + '</td><td>'
        + (s.endsAt ? '' : '<button class="cancel" data-id="' + esc(s.id) + '">Cancel</button>') + '</td></tr>').join('')
        + '</tbody></table>';
      box.querySelectorAll('.cancel').forEach(b => b.addEventListener('click', () => {
        if (!confirm('Cancel this subscription? Credits already granted stay yours.')) return;
        fetch('/api/v1/subscriptions/' + encodeURIComponent(b.dataset.id) + '/cancel', { method: 'POST', headers: { [csrfHeader]: csrf } })
          .then(loadSubscriptions);
      }));
    });
  }
  loadSubscriptions();

  fetch('/api/v1/generations?limit=20').then(r => r.json()).then(page => {
    rows.innerHTML = page.items.length ? '' : '<tr id="empty"><td colspan="6" class="muted">Nothing yet: start one above.</td></tr>';
    page.items.slice().reverse().forEach(show);
  });

  document.getElementById('generate').addEventListener('submit', e => {
    e.preventDefault();
    const [type, model] = document.getElementById('kind').value.split(':');
    const body = { model: model, prompt: document.getElementById('prompt').value };
    message.textContent = 'Sending…';
    fetch('/api/v1/generate-' + type, {
      method: 'POST', headers: { 'Content-Type': 'application/json', [csrfHeader]: csrf, 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify(body)
    }).then(r => r.json().then(j => ({ ok: r.ok, j }))).then(({ ok, j }) => {
      if (!ok) { message.innerHTML = '<span class="error">' + esc(j.detail || j.title) + '</span>'; return; }
      message.textContent = 'Accepted: ' + j.creditsHeld + ' credits held.';
      const empty = document.getElementById('empty'); if (empty) empty.remove();
      show({ taskId: j.taskId, model: model, status: j.status, progress: 0, creditsHeld: j.creditsHeld, creditsCharged: 0 });
      refreshCredits();
    });
  });
})();
