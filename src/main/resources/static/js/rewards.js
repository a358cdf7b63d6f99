// Rewards page: check in, share and copy the referral link through the rewards API.
(function () {
  const csrf = document.querySelector('meta[name="_csrf"]');
  const csrfHeader = document.querySelector('meta[name="_csrf_header"]');
  const headers = {};
  if (csrf && csrfHeader) headers[csrfHeader.content] = csrf.content;
  const link = document.getElementById('referral-url');

  function post(path) {
    return fetch(path, { method: 'POST', headers: headers, credentials: 'same-origin' })
      .then(r => r.json().catch(() => null).then(body => ({ ok: r.ok, status: r.status, body: body || {} })))
      .catch(() => ({ ok: false, body: { detail: 'The server could not be reached. Please try again.' } }));
  }

  function say(id, text, bad) {
    const el = document.getElementById(id);
    el.textContent = text;
    el.classList.toggle('error', !!bad);
  }

  function refused(id, status, body) {
    const el = document.getElementById(id);
    el.classList.add('error');
    window.Renderbank.sayProblem(el, status, body, 'Something went wrong. Please try again.');
  }

  // the same words the page renders: how far the next bonus day is
  function bonusHint(streak) {
    const box = document.getElementById('checkin');
    const days = Number(box.dataset.streakDays), bonus = box.dataset.bonus;
    const left = days - streak % days;
    document.getElementById('bonus-hint').textContent = left === 1
      ? 'The next check-in is a bonus day: ' + bonus + ' credits.'
      : left + ' more check-ins in a row to the ' + bonus + '-credit bonus.';
  }

  const checkIn = document.getElementById('check-in');
  checkIn.addEventListener('click', () => {
    checkIn.disabled = true;
    post('/api/v1/rewards/check-in').then(({ ok, status, body }) => {
      // 409: another account of the same inbox had today's check-in (once a day per inbox)
      if (status === 409) { checkIn.textContent = 'Checked in today'; say('check-in-message', body.detail); return; }
      if (!ok) { checkIn.disabled = false; refused('check-in-message', status, body); return; }
      checkIn.textContent = 'Checked in today';
      if (body.granted) {
        document.getElementById('streak').textContent = body.streak;
        document.getElementById('streak-unit').textContent = body.streak === 1 ? 'day in a row' : 'days in a row';
        bonusHint(body.streak);
        say('check-in-message', '+' + body.credits + ' credits. Come back tomorrow to keep your streak.');
      } else {
        say('check-in-message', 'You already checked in today. Come back tomorrow.');
      }
    });
  });

  function copy() {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(link.value);
    link.select();
    return document.execCommand('copy') ? Promise.resolve() : Promise.reject(new Error('copy'));
  }

  document.getElementById('copy-link').addEventListener('click', () => {
    copy().then(() => say('copy-message', 'Link copied.'),
      () => { link.select(); say('copy-message', 'Select the link and copy it.'); });
  });

  const share = document.getElementById('share');
  share.addEventListener('click', () => {
    const shared = navigator.share
      ? navigator.share({ title: 'renderbank', text: 'Make images and videos with AI on renderbank', url: link.value })
      : copy().then(() => say('copy-message', 'Link copied: paste it wherever you share.'));
    shared.then(() => post('/api/v1/rewards/share').then(({ ok, status, body }) => {
      // 409 is no error: another account of the same inbox had today's share reward
      if (status === 409) { say('share-message', body.detail || body.title); return; }
      if (!ok) { refused('share-message', status, body); return; }
      say('share-message', body.granted ? '+' + body.credits + ' credits for sharing. Thank you!'
        : 'Thanks for sharing! The share reward is once a day; you already have today\'s.');
    }), () => say('share-message', 'Not shared, so no reward this time.'));
  });
})();
