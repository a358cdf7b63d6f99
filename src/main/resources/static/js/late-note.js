// The note of a failed job whose result may still come free, for the pages that finish jobs live
// (generator, creations); deferred after common.js, whose Renderbank it extends.
(function (R) {
  'use strict';
  const el = R.el;

  /** yyyy-MM-dd HH:mm of an ISO instant in `zone` (the user's zone, as the pages write times). */
  function minute(iso, zone) {
    const p = {};
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone || 'UTC', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit'
    }).formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
  }

  /**
   * The note the server renders next to "Try again" (CreationCard.lateResultMayCome) for a failed
   * job whose provider may still finish it (lateResultUntil not yet passed, no file): that result
   * would come free, trying again is a new paid job. Null for any other job.
   */
  function lateNote(job, zone) {
    if (job.status !== 'failed' || job.assetUrl || !job.lateResultUntil
      || !(Date.parse(job.lateResultUntil) > Date.now())) { return null; }
    const note = el('p', { 'class': 'muted late-result' }, 'The provider may still finish it: if it does by ');
    note.append(el('time', { datetime: job.lateResultUntil }, minute(job.lateResultUntil, zone)),
      ', it appears here free of charge. Trying again starts a new, paid generation.');
    return note;
  }

  R.lateNote = lateNote;
})(window.Renderbank);
