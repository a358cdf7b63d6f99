// Loaded (deferred) by every page with the shared head; used by the generator and the creations
// pages: CSRF headers, idempotency keys (and those of requests still waiting for an answer, kept
// across reloads for the signed-in user), problem+json
// refusals (with a countdown for Retry-After) and following a job live (SSE, polling as fallback).
// No framework, no build step; the CSP allows only scripts served from this app.
window.Renderbank = (function () {
  'use strict';

  function meta(name) {
    const m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.content : null;
  }

  /** Headers for a state-changing call made with the browser session. */
  function headers(extra) {
    const h = Object.assign({ 'Accept': 'application/json, application/problem+json' }, extra || {});
    const token = meta('_csrf');
    const header = meta('_csrf_header');
    if (token && header) { h[header] = token; }
    return h;
  }

  /** A fresh Idempotency-Key for one form submission (randomUUID needs a secure context). */
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, function (x) { return x.toString(16).padStart(2, '0'); }).join('');
  }

  /**
   * Whether an answer settles a request sent with an Idempotency-Key: not a 5xx (the server may have
   * done the work) nor a 409 (the first request with that key is still running). Until one does, the
   * same request is sent again with the same key.
   */
  function settles(status) { return status < 500 && status !== 409; }

  /**
   * The keys of requests whose answer never came (network error, 5xx, 409 still running), kept in
   * this tab's sessionStorage so that they outlive a reload: sending the same request again (the
   * generator: same type, model, prompt, options and images; "Try again": the same failed job)
   * reuses its key, and the server answers with the job the first one may have started instead of
   * holding credits for a second. An answer that settles a request forgets its key, so the same
   * request sent again on purpose is a new one. Keys older than the server keeps them (24 h) are
   * dropped; without sessionStorage they live in page memory. The name is the one the generator
   * used before "Try again" shared the store, so forgetting also drops what an older page kept.
   *
   * The requests belong to the signed-in user the page names (meta renderbank-user): a next user of
   * the same tab must neither see the prompts nor send with those keys. So the store is forgotten on
   * signing out, on the sign-in page, and on a page of another user (signed out and in again in
   * another tab: sessionStorage is per tab, the session cookie is not). A page that names no user
   * (an error page) leaves it alone.
   */
  const unanswered = (function () {
    const NAME = 'renderbank.generate.unanswered';
    const KEPT_MS = 24 * 60 * 60 * 1000;
    const MOST = 20;
    let memory = { owner: null, items: [] };
    function stored() {
      try {
        const text = window.sessionStorage.getItem(NAME);
        return text ? JSON.parse(text) : null;
      } catch (e) { return memory; }
    }
    function load() {
      const s = stored();
      if (!s || s.owner !== meta('renderbank-user') || !Array.isArray(s.items)) { return []; }
      const now = Date.now();
      return s.items.filter(function (u) {
        return u && typeof u.request === 'string' && typeof u.key === 'string'
          && typeof u.at === 'number' && now - u.at < KEPT_MS;
      });
    }
    function save(all) {
      memory = { owner: meta('renderbank-user'), items: all.slice(-MOST) };
      try {
        if (memory.items.length) {
          window.sessionStorage.setItem(NAME, JSON.stringify(memory));
        } else {
          window.sessionStorage.removeItem(NAME);
        }
      } catch (e) { /* storage refused: page memory only */ }
    }
    function forget() {
      memory = { owner: null, items: [] };
      try { window.sessionStorage.removeItem(NAME); } catch (e) { /* nothing kept */ }
    }
    // on this page's start (scripts are deferred: the document is parsed)
    const user = meta('renderbank-user');
    const s = stored();
    if (document.querySelector('[data-forget-unanswered]') || (user && s && s.owner !== user)) { forget(); }
    document.addEventListener('submit', function (e) {
      if (e.target.matches('form[action$="/logout"]')) { forget(); }
    });
    return {
      /** The key this request was sent with before without an answer, else a new one, kept until answered. */
      keyFor: function (request) {
        const all = load();
        const kept = all.find(function (u) { return u.request === request; });
        if (kept) { return kept.key; }
        const key = newKey();
        all.push({ request: request, key: key, at: Date.now() });
        save(all);
        return key;
      },
      /** An answer settled this request: the next one like it is a new request with a new key. */
      answered: function (request) {
        save(load().filter(function (u) { return u.request !== request; }));
      }
    };
  })();

  /** fetch that resolves to {status, ok, body} with the JSON (or problem+json) body parsed. */
  function call(method, url, body, extraHeaders) {
    const h = headers(extraHeaders);
    const init = { method: method, headers: h, credentials: 'same-origin' };
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (text) {
        let parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { status: r.status, ok: r.ok, body: parsed };
      });
    });
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    const m = Math.floor(s / 60);
    return m + ':' + String(s % 60).padStart(2, '0');
  }

  let countdownTimer = null;

  /**
   * Whether the answer to a call made with this page's session says the session has ended (timed
   * out after 30 minutes, signed out in another tab): 401, or 403 for a CSRF token the server no
   * longer knows. The API's own words for these are for developers (which header to send).
   */
  function sessionEnded(status, problem) {
    return status === 401
      || (status === 403 && !!problem && /\/csrf-token-missing$/.test(String(problem.type || '')));
  }

  /**
   * "Your session has ended — sign in again" in `target`; the link opens this page again, which
   * leads to the sign-in page and, once signed in, back here.
   */
  function sayEnded(target) {
    target.textContent = '';
    target.append('Your session has ended — ',
      el('a', { href: location.pathname + location.search, 'class': 'sign-in-again' }, 'sign in again'), '.');
  }

  /**
   * Says in `target` why a call was refused: the session's end as above, else the problem's detail
   * (or title), else `fallback`. True when the session has ended.
   */
  function sayProblem(target, status, problem, fallback) {
    if (sessionEnded(status, problem)) { sayEnded(target); return true; }
    target.textContent = (problem && (problem.detail || problem.title)) || fallback;
    return false;
  }

  /**
   * Shows a refusal in a box made of #<prefix>, #<prefix>-title, -detail and -extra: the server's
   * title and message, what is missing for 402 (with the link to buy), and a countdown from
   * retryAfterSeconds for 429 and 503. onReady runs when the countdown has ended.
   */
  function showProblem(prefix, status, problem, onReady) {
    const box = document.getElementById(prefix);
    const extra = document.getElementById(prefix + '-extra');
    const p = problem || {};
    stopCountdown();
    box.hidden = false;
    box.className = 'notice ' + (status === 429 ? 'wait' : 'error');
    extra.textContent = '';
    if (sessionEnded(status, p)) {
      document.getElementById(prefix + '-title').textContent = 'Signed out';
      sayEnded(document.getElementById(prefix + '-detail'));
      return false;
    }
    document.getElementById(prefix + '-title').textContent = p.title || ('Refused (' + status + ')');
    document.getElementById(prefix + '-detail').textContent = p.detail || 'The request was refused.';
    if (status === 402) {
      if (p.debt > 0) {
        extra.append('Debt to pay first: ' + p.debt + ' credits. ');
      } else if (typeof p.needed === 'number' && typeof p.available === 'number') {
        const missing = Math.max(0, p.needed - p.available);
        extra.append(el('strong', { 'class': 'missing' }, missing + ' credits missing'), '. ');
      }
      extra.append(el('a', { href: '/buy', 'class': 'button small' }, 'Buy credits'));
    } else if (Array.isArray(p.errors) && p.errors.length) {
      const ul = el('ul');
      p.errors.forEach(function (e) { ul.append(el('li', {}, e.field + ': ' + e.message)); });
      extra.append(ul);
    }
    if ((status === 429 || status === 503) && p.retryAfterSeconds > 0) {
      const until = Date.now() + p.retryAfterSeconds * 1000;
      const timer = el('span', { id: prefix + '-countdown', role: 'timer', 'class': 'countdown' });
      extra.append(status === 429 ? 'Time left: ' : 'Try again in ', timer);
      const tick = function () {
        const left = (until - Date.now()) / 1000;
        if (left <= 0) {
          stopCountdown();
          extra.textContent = 'You can try again now.';
          if (onReady) { onReady(); }
          return;
        }
        timer.textContent = clock(left);
      };
      tick();
      countdownTimer = setInterval(tick, 1000);
      return true;
    }
    return false;
  }

  function stopCountdown() {
    if (countdownTimer) { clearInterval(countdownTimer); countdownTimer = null; }
  }

  function hideProblem(prefix) {
    stopCountdown();
    document.getElementById(prefix).hidden = true;
  }

  function terminal(job) { return job.status === 'completed' || job.status === 'failed'; }

  /**
   * Follows a job until it ends: server-sent events first; if the stream cannot be opened or
   * breaks, polls GET /api/v1/generations/{id}, every 2 seconds while it answers, backing off to a
   * minute while it fails (a server away, 429). When the answer means the page itself is out of date
   * (401: signed out, e.g. in another tab; 403; 404: the creation was deleted) polling stops and the
   * page is loaded again, so the server shows what is true now (the sign-in page, the error page)
   * instead of a progress bar that never moves. Returns a function that stops.
   */
  function follow(taskId, onChange) {
    const url = '/api/v1/generations/' + encodeURIComponent(taskId);
    let stopped = false;
    let source = null;
    let timer = null;
    let wait = 2000;
    function again() {
      if (stopped) { return; }
      timer = setTimeout(poll, wait);
      wait = Math.min(wait * 2, 60000);
    }
    function poll() {
      call('GET', url).then(function (r) {
        if (stopped) { return; }
        if (r.status === 401 || r.status === 403 || r.status === 404) {
          stopped = true;
          window.location.reload();
          return;
        }
        if (r.ok && r.body) {
          wait = 2000;
          onChange(r.body);
          if (terminal(r.body)) { return; }
        }
        again();
      }).catch(again);
    }
    if (window.EventSource) {
      source = new EventSource(url + '/events');
      source.addEventListener('status', function (e) {
        const job = JSON.parse(e.data);
        onChange(job);
        if (terminal(job)) { source.close(); source = null; }
      });
      source.onerror = function () {
        if (source && !stopped) { source.close(); source = null; poll(); }
      };
    } else {
      poll();
    }
    return function stop() {
      stopped = true;
      if (source) { source.close(); source = null; }
      if (timer) { clearTimeout(timer); }
    };
  }

  return {
    call: call, el: el, newKey: newKey, settles: settles, unanswered: unanswered, showProblem: showProblem,
    hideProblem: hideProblem, follow: follow, terminal: terminal, sessionEnded: sessionEnded, sayProblem: sayProblem
  };
})();
