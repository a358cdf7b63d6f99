// One creation's page while its job runs: follows it live (status, progress) and reloads the page when it has ended.
(function () {
  'use strict';
  const box = document.getElementById('running');
  if (!box) { return; }
  const bar = box.querySelector('progress');
  const pct = box.querySelector('span');
  const status = document.getElementById('creation-status');
  window.Renderbank.follow(box.dataset.task, function (job) {
    // as the server labels a running job (CreationStatus); written only when it changes (a live region)
    const label = job.status === 'queued' ? 'Queued' : job.status === 'processing' ? 'Processing' : null;
    if (status && label && status.textContent !== label) { status.textContent = label; }
    bar.value = job.progress || 0;
    pct.textContent = String(job.progress || 0);
    if (window.Renderbank.terminal(job)) { window.location.reload(); }
  });
})();
