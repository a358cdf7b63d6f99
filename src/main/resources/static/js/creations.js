// My creations (and one creation's page): delete a file, try a failed generation again; in the
// gallery, follow the cards of running jobs (progress, then the finished card) without a reload.
(function () {
  'use strict';
  const R = window.Renderbank;
  const message = document.getElementById('action-message');

  function say(text) { if (message) { message.textContent = text; } }

  function unreached(button) {
    return function () {
      button.disabled = false;
      R.showProblem('action-problem', 0, { title: 'No answer', detail: 'The server did not answer; press the button again: nothing is done twice.' });
    };
  }

  function deleteAsset(button) {
    const task = button.dataset.task;
    if (!window.confirm('Delete this file for good? The credits it cost stay spent.')) { return; }
    button.disabled = true;
    R.hideProblem('action-problem');
    R.call('DELETE', '/api/v1/generations/' + encodeURIComponent(task) + '/asset').then(function (r) {
      if (r.status === 204 || r.status === 404) {
        const card = document.getElementById('card-' + task) || document;
        card.querySelectorAll('.thumb img, .thumb video, .output img, .output video, a.download, button.delete-asset')
          .forEach(function (e) { e.remove(); });
        const thumb = card.querySelector('.thumb');
        if (thumb && !thumb.textContent.trim()) { thumb.append(R.el('span', {}, 'File deleted')); }
        const badge = card.querySelector('.badge');
        if (badge) { badge.textContent = 'File deleted'; badge.className = 'badge muted'; }
        say('The file was deleted.');
        // the pressed button is gone: the card's title link (gallery) or the message takes the focus
        const title = card.querySelector && card.querySelector('a.title');
        (title || message).focus();
        return;
      }
      button.disabled = false;
      R.showProblem('action-problem', r.status, r.body);
    }).catch(unreached(button));
  }

  function retry(button) {
    const task = button.dataset.task;
    button.disabled = true;
    R.hideProblem('action-problem');
    // a "Try again" whose answer never came (network error, 5xx, 409 still running) is sent
    // again with the same key, also after a reload: the server answers with the job the first
    // press may have started, instead of holding credits for another
    const request = 'retry ' + task;
    const key = R.unanswered.keyFor(request);
    R.call('POST', '/api/v1/generations/' + encodeURIComponent(task) + '/retry', undefined,
      { 'Idempotency-Key': key }).then(function (r) {
      if (R.settles(r.status)) { R.unanswered.answered(request); }
      if (r.status === 202) {
        say('Started again (' + r.body.creditsHeld + ' credits held).');
        window.location.href = '/creations/' + encodeURIComponent(r.body.taskId);
        return;
      }
      button.disabled = false;
      R.showProblem('action-problem', r.status, r.body);
    }).catch(unreached(button));
  }

  // one listener for the buttons the server rendered and those of cards finished on this page
  document.addEventListener('click', function (e) {
    const button = e.target.closest('button.delete-asset, button.retry');
    if (!button || button.disabled) { return; }
    if (button.classList.contains('delete-asset')) { deleteAsset(button); } else { retry(button); }
  });

  const gallery = document.getElementById('gallery');
  if (!gallery) { return; }

  /** What a finished card says (as the server's CreationStatus and CreationCard do). */
  function finished(job) {
    const asset = job.assetUrl || null;
    if (job.status === 'completed') {
      return asset ? { label: 'Ready', css: 'ok', asset: asset }
        : { label: 'File deleted', css: 'muted', asset: null };
    }
    if (job.lateDelivery && asset) { return { label: 'Delivered late, free of charge', css: 'ok', asset: asset }; }
    return { label: 'Failed', css: 'error', asset: null, failed: true };
  }

  /** Turns a running card into the finished one the server would render now. */
  function finish(card, job) {
    const task = card.dataset.task;
    const view = finished(job);
    const running = card.querySelector('.running');
    if (running) { running.remove(); }
    const badge = card.querySelector('.badge');
    badge.textContent = view.label;
    badge.className = 'badge ' + view.css;
    const thumb = card.querySelector('.thumb');
    thumb.textContent = '';
    if (view.asset && job.type === 'video') {
      thumb.append(R.el('video', { src: view.asset, preload: 'metadata', muted: '' }));
    } else if (view.asset) {
      thumb.append(R.el('img', { src: view.asset, loading: 'lazy', alt: '' }));
    } else {
      thumb.append(R.el('span', {}, view.label));
    }
    const actions = card.querySelector('.actions');
    if (view.failed && job.error && job.error.message) {
      actions.before(R.el('span', { 'class': 'error-text' }, job.error.message));
    }
    const late = view.failed ? R.lateNote(job, gallery.dataset.timeZone) : null;
    if (late) { actions.before(late); }
    if (view.asset) {
      actions.append(
        R.el('a', { 'class': 'button secondary download', href: view.asset, download: '' }, 'Download'),
        R.el('button', { type: 'button', 'class': 'danger delete-asset', 'data-task': task,
          'aria-label': 'Delete the file of ' + job.model }, 'Delete file'));
    }
    if (view.failed) {
      actions.append(R.el('button', { type: 'button', 'class': 'retry', 'data-task': task,
        'aria-label': 'Try ' + job.model + ' again' }, 'Try again'));
    }
  }

  function show(card, job) {
    if (R.terminal(job)) { finish(card, job); return; }
    const progress = job.progress || 0;
    card.querySelector('.running progress').value = progress;
    card.querySelector('.running .percent').textContent = String(progress);
    const label = job.status === 'queued' ? 'Queued' : 'Processing';
    card.querySelector('.badge').textContent = label;
    const thumbLabel = card.querySelector('.thumb span');
    if (thumbLabel) { thumbLabel.textContent = label; }
  }

  // Polls each running card's job (GET /api/v1/generations/{id}) every 2.5 seconds, not an event
  // stream each (a user has at most 20 open), and stops when none runs. While answers fail (a server
  // away, 429) it backs off to a minute; while the tab is hidden it waits for it to be shown. An
  // answer meaning the page itself is out of date (401 signed out, 403 suspended, 404 gone) loads
  // it again, as a creation's page does, so the server shows what is true now.
  const EVERY = 2500;
  let wait = EVERY;

  function runningCards() {
    return Array.from(gallery.querySelectorAll(':scope > li')).filter(function (li) {
      return li.querySelector('.running') && li.dataset.task;
    });
  }

  function poll() {
    const cards = runningCards();
    if (!cards.length) { return; }
    if (document.hidden) {
      document.addEventListener('visibilitychange', function shown() {
        if (document.hidden) { return; }
        document.removeEventListener('visibilitychange', shown);
        poll();
      });
      return;
    }
    let failed = false;
    let outdated = false;
    Promise.all(cards.map(function (card) {
      return R.call('GET', '/api/v1/generations/' + encodeURIComponent(card.dataset.task)).then(function (r) {
        if (r.status === 401 || r.status === 403 || r.status === 404) { outdated = true; return; }
        if (r.ok && r.body) { show(card, r.body); } else { failed = true; }
      }).catch(function () { failed = true; });
    })).then(function () {
      if (outdated) { window.location.reload(); return; }
      wait = failed ? Math.min(wait * 2, 60000) : EVERY;
      if (runningCards().length) { setTimeout(poll, wait); }
    });
  }

  if (runningCards().length) { setTimeout(poll, EVERY); }
})();
