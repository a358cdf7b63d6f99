// One creation's page while its job runs: follows it live and reloads the page when it has ended.
(function () {
  'use strict';
  const box = document.getElementById('running');
  if (!box) { return; }
  const bar = box.querySelector('progress');
  const pct = box.querySelector('span');
  window.Renderbank.follow(box.dataset.task, function (job) {
    bar.value = job.progress || 0;
    pct.textContent = String(job.progress || 0);
    if (window.Renderbank.terminal(job)) { window.location.reload(); }
  });
})();
