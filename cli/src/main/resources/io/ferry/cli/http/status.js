// The status page's script, served as a file: the Content-Security-Policy allows no inline script.
// Polls /status.json and redraws; no library, so the page works offline.
async function refresh() {
  // From the origin, not relative: a page opened as http://user:token@host/ has a base URL that fetch() refuses.
  const s = await (await fetch(location.origin + '/status.json')).json();
  const state = document.getElementById('state');
  state.textContent = !s.alive ? 'FAILED' : (s.ready ? 'READY' : 'NOT READY');
  state.className = 'state ' + (!s.alive ? 'failed' : (s.ready ? 'ready' : 'notready'));
  document.getElementById('reason').textContent = s.reason || '';
  const h = s.lag_history;
  const max = Math.max(1, ...h.map(p => p[1]));
  const w = 720, ht = 200;
  const pts = h.map((p, i) => ((h.length < 2 ? 0 : i * (w - 12) / (h.length - 1)) + 6).toFixed(1) + ','
      + (ht - 12 - p[1] * (ht - 30) / max).toFixed(1));
  document.getElementById('lag-line').setAttribute('points', pts.join(' '));
  document.getElementById('lag-max').textContent = 'max ' + max;
  document.getElementById('lag-now').textContent = 'now ' + s.revision_lag;
}
refresh();
setInterval(refresh, 2000);
