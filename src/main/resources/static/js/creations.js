// My creations (and one creation's page): delete a file, try a failed generation again.
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

  document.querySelectorAll('button.delete-asset').forEach(function (button) {
    button.addEventListener('click', function () {
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
          return;
        }
        button.disabled = false;
        R.showProblem('action-problem', r.status, r.body);
      }).catch(unreached(button));
    });
  });

  document.querySelectorAll('button.retry').forEach(function (button) {
    button.addEventListener('click', function () {
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
    });
  });
})();
