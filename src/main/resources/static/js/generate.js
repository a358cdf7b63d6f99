// The generator: builds the form from GET /api/v1/catalog (models, options on sale, prices), shows
// the price of the current choice next to the available credits, submits with an Idempotency-Key
// (fresh, unless the same request is still waiting for its answer: Renderbank.unanswered keeps its
// key in the tab across reloads), and follows the job live to its image or video.
(function () {
  'use strict';
  const R = window.Renderbank;
  const $ = function (id) { return document.getElementById(id); };
  const LABELS = { resolution: 'Resolution', outputFormat: 'Format', aspectRatio: 'Aspect ratio', durationSeconds: 'Duration' };
  const VALUES = { png: 'PNG', jpeg: 'JPEG', landscape: 'Landscape', portrait: 'Portrait' };

  let models = [];
  let stopFollowing = null;
  let coolingDown = false;
  let sending = false;
  let available = Number($('available').textContent) || 0;

  function type() { return document.querySelector('input[name="type"]:checked').value; }
  function model() { return models.find(function (m) { return m.id === $('model').value; }); }
  function valueLabel(name, v) { return name === 'durationSeconds' ? v + ' seconds' : (VALUES[v] || String(v)); }

  function cheapest(m) { return Math.min.apply(null, m.prices.map(function (p) { return p.credits; })); }

  function fillModels() {
    const select = $('model');
    const keep = select.value;
    select.textContent = '';
    models.filter(function (m) { return m.type === type(); }).forEach(function (m) {
      const several = m.prices.length > 1;
      select.append(R.el('option', { value: m.id }, m.id + ' · ' + (several ? 'from ' : '') + cheapest(m) + ' credits'));
    });
    if (models.some(function (m) { return m.id === keep && m.type === type(); })) { select.value = keep; }
    select.disabled = false;
    fillOptions();
  }

  function fillOptions() {
    const m = model();
    const box = $('options');
    box.textContent = '';
    if (!m) { update(); return; }
    m.options.forEach(function (o) {
      const id = 'opt-' + o.name;
      const field = R.el('div', { 'class': 'field' });
      field.append(R.el('label', { 'for': id }, LABELS[o.name] || o.name));
      const select = R.el('select', { id: id, name: o.name, 'data-option': o.name });
      o.values.forEach(function (v, i) {
        const option = R.el('option', { value: String(i) }, valueLabel(o.name, v));
        if (v === o.defaultValue) { option.selected = true; }
        select.append(option);
      });
      select.addEventListener('change', update);
      field.append(select);
      box.append(field);
    });
    const images = m.maxImages > 0;
    $('image-urls').disabled = !images;
    $('images-field').hidden = !images;
    $('image-hint').textContent = images
      ? 'Optional: public http(s) links, one per line, up to ' + m.maxImages + (m.maxImages === 1 ? ' image' : ' images')
        + (m.type === 'video' ? ' (the video starts from it).' : ' (to edit or to guide the image).')
      : 'This model takes no reference images.';
    update();
  }

  /** The options as the API names and types them (numbers stay numbers). */
  function chosen() {
    const m = model();
    const out = {};
    if (!m) { return out; }
    m.options.forEach(function (o) {
      const select = $('opt-' + o.name);
      out[o.name] = o.values[Number(select.value)];
    });
    return out;
  }

  function price() {
    const m = model();
    if (!m) { return null; }
    const c = chosen();
    const row = m.prices.find(function (p) {
      return Object.keys(p.when).every(function (k) { return p.when[k] === c[k]; });
    });
    return row ? row.credits : null;
  }

  function update() {
    const credits = price();
    const note = $('price-note');
    $('price').textContent = credits === null ? '–' : String(credits);
    $('available').textContent = String(available);
    note.hidden = true;
    note.textContent = '';
    if (model() && credits === null) {
      note.hidden = false;
      note.textContent = 'This combination is not on sale; choose other options.';
    } else if (credits !== null && credits > available) {
      note.hidden = false;
      note.append((credits - available) + ' more credits needed. ', R.el('a', { href: '/buy' }, 'Buy credits'));
    }
    $('submit').disabled = sending || coolingDown || credits === null;
  }

  function refreshCredits() {
    return R.call('GET', '/api/v1/credits').then(function (r) {
      if (r.ok && r.body) { available = r.body.available; update(); }
    });
  }

  function imageUrls() {
    return $('image-urls').value.split(/\s+/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function submit(e) {
    e.preventDefault();
    const m = model();
    if (!m) { return; }
    if (!$('prompt').value.trim()) {
      R.showProblem('refusal', 400, { title: 'A prompt is needed', detail: 'Describe what to make.' });
      $('prompt').focus();
      return;
    }
    const body = Object.assign({ model: m.id, prompt: $('prompt').value }, chosen());
    const urls = imageUrls();
    if (urls.length) { body.imageUrls = urls; }
    sending = true;
    update();
    $('submit').textContent = 'Sending…';
    R.hideProblem('refusal');
    const request = m.type + ' ' + JSON.stringify(body);
    const key = R.unanswered.keyFor(request);
    R.call('POST', '/api/v1/generate-' + m.type, body, { 'Idempotency-Key': key }).then(function (r) {
      if (R.settles(r.status)) { R.unanswered.answered(request); }
      if (r.status === 202) {
        show({ taskId: r.body.taskId, model: m.id, type: m.type, status: r.body.status, progress: 0,
          creditsHeld: r.body.creditsHeld, creditsCharged: 0 });
        addRecent(r.body.taskId, m.id);
        follow(r.body.taskId);
        refreshCredits();
        return;
      }
      const counting = R.showProblem('refusal', r.status, r.body, function () { coolingDown = false; update(); });
      if (counting && r.status === 429) { coolingDown = true; }
      if (r.status === 402) { refreshCredits(); }
    }).catch(function () {
      R.showProblem('refusal', 0, { title: 'No answer', detail: 'The server did not answer. Press Generate again: the same request is sent, so a generation that did start is shown, not started twice.' });
      refreshCredits();
    }).finally(function () {
      sending = false;
      $('submit').textContent = 'Generate';
      update();
    });
  }

  /** A failed job's reason, and that its credits came back unless the reason says so already. */
  function failure(job) {
    const reason = (job.error && job.error.message) || 'Failed.';
    return /credits were (released|given back)/i.test(reason) ? reason : reason + ' Your credits were given back.';
  }

  /** The status line is a live region: written only when it changes, so progress is not read out. */
  function say(node, text) { if (node.textContent !== text) { node.textContent = text; } }

  function show(job) {
    $('result-empty').hidden = true;
    $('job').hidden = false;
    say($('job-model'), job.model);
    const status = $('job-status');
    say(status, job.status);
    status.className = 'badge ' + (job.status === 'completed' ? 'ok' : job.status === 'failed' ? 'error' : 'muted');
    $('job-progress').value = job.status === 'completed' ? 100 : (job.progress || 0);
    $('job-progress').hidden = R.terminal(job);
    $('job-note').textContent = job.status === 'completed' ? job.creditsCharged + ' credits charged.'
      : job.status === 'failed' ? failure(job)
        : job.creditsHeld + ' credits held while it is made (' + (job.progress || 0) + '%).';
    const late = R.lateNote(job, $('job').dataset.timeZone);
    const shownLate = $('job-late');
    if (shownLate) { shownLate.remove(); }
    if (late) { late.id = 'job-late'; $('job-note').after(late); }
    const output = $('job-output');
    const links = $('job-links');
    output.textContent = '';
    links.textContent = '';
    if (job.assetUrl) {
      if (job.type === 'video') {
        output.append(R.el('video', { src: job.assetUrl, controls: '', preload: 'metadata' }));
      } else {
        output.append(R.el('img', { src: job.assetUrl, alt: 'The generated image (' + job.model + ')' }));
      }
      links.append(R.el('a', { href: job.assetUrl, download: '', 'class': 'button', id: 'download' }, 'Download'), ' ');
    }
    links.append(R.el('a', { href: '/creations/' + encodeURIComponent(job.taskId) }, 'Open this creation'));
  }

  /** The result panel follows the job started last; the recent list's badges follow every job in it. */
  function follow(taskId) {
    if (stopFollowing) { stopFollowing(); }
    stopFollowing = R.follow(taskId, function (job) {
      show(job);
      badge(job);
    });
    watchRecent();
  }

  /** Sets the recent list's badge of {@code job} as the server renders it; true when it just finished. */
  function badge(job) {
    const el = document.querySelector('#recent li[data-task="' + job.taskId + '"] .badge');
    if (!el) { return false; }
    const done = R.terminal(job);
    const wasRunning = el.dataset.done !== 'true';
    el.textContent = job.status === 'completed' ? 'Ready'
      : job.status === 'failed' ? (job.lateDelivery && job.assetUrl ? 'Delivered late, free of charge' : 'Failed')
        : job.status === 'queued' ? 'Queued' : 'Processing';
    el.className = 'badge ' + (job.status === 'completed' || (job.lateDelivery && job.assetUrl) ? 'ok'
      : job.status === 'failed' ? 'error' : 'muted');
    el.dataset.done = done ? 'true' : 'false';
    if (done && wasRunning) { refreshCredits(); }
    return done && wasRunning;
  }

  // Every job of the recent list that is still running is looked at again, all of them with one
  // request, until none is left: a job the panel no longer follows (another one started after it)
  // shows its end too, and its credits are refreshed.
  let recentTimer = null;
  let recentWait = 3000;
  function watchRecent() {
    if (recentTimer) { return; }
    recentTimer = setTimeout(function () {
      R.call('GET', '/api/v1/generations?limit=' + Math.min(50, Math.max(1, document.querySelectorAll('#recent li[data-task]').length)))
        .then(function (r) {
          recentTimer = null;
          if (!r.ok || !r.body) { recentWait = Math.min(recentWait * 2, 60000); watchRecent(); return; }
          let running = false;
          r.body.items.forEach(function (job) {
            badge(job);
            if (!R.terminal(job)) { running = true; }
          });
          if (running) { recentWait = Math.min(recentWait * 1.5, 30000); watchRecent(); } else { recentWait = 3000; }
        }).catch(function () { recentTimer = null; recentWait = Math.min(recentWait * 2, 60000); watchRecent(); });
    }, recentWait);
  }

  function addRecent(taskId, modelId) {
    const list = $('recent');
    // a repeated request answers with its job, which may be listed already (sent before a reload)
    if (list.querySelector('li[data-task="' + taskId + '"]')) { return; }
    const empty = list.querySelector('.empty');
    if (empty) { empty.remove(); }
    const li = R.el('li', { 'data-task': taskId });
    const a = R.el('a', { href: '/creations/' + encodeURIComponent(taskId) });
    a.append(R.el('span', { 'class': 'model' }, modelId), R.el('span', { 'class': 'badge muted' }, 'Started'),
      R.el('span', { 'class': 'muted' }, 'just now'));
    li.append(a);
    list.prepend(li);
  }

  document.querySelectorAll('input[name="type"]').forEach(function (r) { r.addEventListener('change', fillModels); });
  $('model').addEventListener('change', fillOptions);
  $('generate').addEventListener('submit', submit);

  R.call('GET', '/api/v1/catalog').then(function (r) {
    if (!r.ok || !r.body) { throw new Error('catalog ' + r.status); }
    models = r.body.models;
    fillModels();
  }).catch(function () {
    R.showProblem('refusal', 0, { title: 'Catalogue unavailable', detail: 'Reload the page to try again.' });
  });

  // a job still running (started before this page was opened) is followed again, the newest in the
  // panel; the others' badges by the recent list's watch
  R.call('GET', '/api/v1/generations?limit=' + Math.max(1, document.querySelectorAll('#recent li[data-task]').length))
    .then(function (r) {
      const items = (r.ok && r.body && r.body.items) || [];
      items.forEach(function (job) {
        const el = document.querySelector('#recent li[data-task="' + job.taskId + '"] .badge');
        if (el) { el.dataset.done = R.terminal(job) ? 'true' : 'false'; }
      });
      const latest = items[0];
      if (latest && !R.terminal(latest) && !stopFollowing) {
        show(latest);
        follow(latest.taskId);
      } else if (items.some(function (job) { return !R.terminal(job); })) {
        watchRecent();
      }
    });
})();
