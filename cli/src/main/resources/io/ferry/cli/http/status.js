// The status page's script, served as a file: the Content-Security-Policy allows no inline script.
// Polls /status.json every two seconds and redraws; no library, so the page works offline.
const SVG = 'http://www.w3.org/2000/svg';
const STATES = {
  ready: ['READY', 'ready', 'Replication is applying etcd\'s changes and is caught up within the bounds.'],
  not_ready: ['NOT READY', 'notready', ''],
  switched: ['SWITCHED', 'switched', 'A cutover switched: SQL is authoritative and etcd\'s changes are recorded as late writes, not applied.'],
  failed: ['FAILED', 'failed', ''],
};

function rows(table, pairs) {
  table.replaceChildren(...pairs.filter(p => p[1] !== undefined && p[1] !== null && p[1] !== '').map(([name, value]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = name;
    const td = document.createElement('td');
    td.textContent = value;
    tr.append(th, td);
    return tr;
  }));
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
}

function duration(seconds) {
  if (seconds === undefined || seconds === null) return undefined;
  const s = Math.round(seconds);
  return s < 120 ? s + ' s' : Math.round(s / 60) + ' min';
}

function text(parent, x, y, value, anchor) {
  const t = document.createElementNS(SVG, 'text');
  t.setAttribute('x', x);
  t.setAttribute('y', y);
  t.setAttribute('class', 'axis-label');
  if (anchor) t.setAttribute('text-anchor', anchor);
  t.textContent = value;
  parent.append(t);
}

function line(parent, x1, y1, x2, y2, cls) {
  const l = document.createElementNS(SVG, 'line');
  l.setAttribute('x1', x1); l.setAttribute('y1', y1); l.setAttribute('x2', x2); l.setAttribute('y2', y2);
  l.setAttribute('class', cls);
  parent.append(l);
}

// The lag over time, with a revision axis on the left and clock times below.
function chart(history) {
  const w = 760, h = 240, left = 56, right = 10, top = 10, bottom = 30;
  const axes = document.getElementById('lag-axes');
  axes.replaceChildren();
  const max = Math.max(1, ...history.map(p => p[1]));
  const y = v => top + (h - top - bottom) * (1 - v / max);
  for (const v of [0, Math.round(max / 2), max]) {
    line(axes, left, y(v), w - right, y(v), 'grid');
    text(axes, left - 6, y(v) + 4, String(v), 'end');
  }
  line(axes, left, top, left, h - bottom, 'axis');
  line(axes, left, h - bottom, w - right, h - bottom, 'axis');
  text(axes, left + 6, top + 12, 'revisions', 'start');
  if (history.length === 0) return;
  const t0 = history[0][0], t1 = history[history.length - 1][0];
  const x = t => left + (t1 === t0 ? 0 : (t - t0) * (w - left - right) / (t1 - t0));
  for (const t of [t0, (t0 + t1) / 2, t1]) {
    text(axes, x(t), h - bottom + 16, time(t), t === t0 ? 'start' : t === t1 ? 'end' : 'middle');
  }
  document.getElementById('lag-line').setAttribute('points',
      history.map(p => x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join(' '));
}

async function refresh() {
  // From the origin, not relative: a page opened as http://user:token@host/ has a base URL that fetch() refuses.
  const s = await (await fetch(location.origin + '/status.json')).json();
  const [label, cls, meaning] = STATES[s.state] || STATES.not_ready;
  const state = document.getElementById('state');
  state.textContent = label;
  state.className = 'state ' + cls;
  document.getElementById('reason').textContent = s.reason || meaning;
  document.getElementById('updated').textContent = 'Updated ' + time(Date.now()) + ', every 2 s.';

  rows(document.getElementById('facts'), [
    ['Ferry', s.build.version && (s.build.version + ' on Java ' + s.build.java)],
    ...Object.entries(s.facts || {}),
  ]);

  const w = s.watcher || {};
  document.getElementById('watcher-section').hidden = Object.keys(w).length === 0;
  rows(document.getElementById('watcher'), [
    ['Role', w.state && (w.state === 'standby' ? 'standby (another watcher leads)' : w.state)],
    ['etcd revision', w.etcd_revision],
    ['Produced through revision', w.produced_revision],
    ['Behind etcd', w.revision_lag !== undefined ? w.revision_lag + ' revisions' : undefined],
    ['Snapshot epoch', w.epoch],
  ]);
  const snap = w.snapshot;
  document.getElementById('snapshot').hidden = !snap;
  if (snap) {
    const pct = Math.min(100, Math.round(100 * snap.keys_done / Math.max(1, snap.keys_total)));
    document.getElementById('snapshot-text').textContent = 'Snapshot: ' + snap.keys_done + ' of ' + snap.keys_total
        + ' keys (' + pct + '%)' + (snap.eta_seconds ? ', about ' + duration(snap.eta_seconds) + ' to go' : '');
    document.getElementById('snapshot-bar').setAttribute('data-percent', pct);
    document.getElementById('snapshot-bar').style.width = pct + '%';
  }

  const k = s.sink || {};
  document.getElementById('sink-section').hidden = !k.partitions;
  if (k.partitions) {
    document.getElementById('sink-summary').textContent = k.consumer_lag + ' records not yet consumed; '
        + (k.partitions_halted ? k.partitions_halted + ' partition(s) halted on a bad record (see the log)' : 'no partition halted') + '.';
    document.querySelector('#partitions tbody').replaceChildren(...k.partitions.map(p => {
      const tr = document.createElement('tr');
      for (const v of [p.partition, p.watermark, p.next_offset, p.consumer_lag]) {
        const td = document.createElement('td');
        td.textContent = v === undefined ? '' : v;
        tr.append(td);
      }
      return tr;
    }));
  }

  rows(document.getElementById('cutover'), [
    ['Phase', s.cutover.phase || 'not known to this process (ferry status reads it)'],
    ['Reverse writer', s.reverse.state],
    ['Last copied into etcd', s.reverse.state === 'streaming' ? duration(s.reverse.last_applied_age_seconds) + ' ago' : undefined],
  ]);
  chart(s.lag_history);
}
refresh();
setInterval(refresh, 2000);
