// ecskit console: keeps a server-rendered page live and draws dashboard charts with uPlot.
// The page reads fine without this script; with it, <main> is refreshed in place on every
// state change (server-sent events) and every few seconds (metrics, logs).
(function () {
  'use strict';
  var body = document.body;
  var main = document.getElementById('main');
  var statusEl = document.getElementById('live-status');
  var base = body.getAttribute('data-base') || '/_ecskit/console';
  var live = body.getAttribute('data-live') === 'on';
  var charts = new Map();
  // Series differ by colour AND dash pattern, so charts read without colour.
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  var DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 6], [1, 2], [6, 2, 2, 2]];
  var stats = (window.__ecskitConsole = { refreshes: 0, lastRefreshMs: 0, lastUpdateAt: 0, changes: 0, errors: 0 });

  function fmtTime(seconds) {
    return new Date(seconds * 1000).toISOString().slice(11, 19);
  }

  function draw(root) {
    if (typeof window.uPlot !== 'function') return;
    root.querySelectorAll('.chart[data-chart]').forEach(function (el) {
      var data;
      try {
        data = JSON.parse(el.getAttribute('data-chart'));
      } catch (e) {
        el.textContent = 'This chart\'s data could not be read.';
        return;
      }
      var key = el.getAttribute('data-key');
      var aligned = [data.x].concat(data.ys);
      var labels = data.labels.join('\n');
      var existing = charts.get(key);
      if (existing && existing.labels === labels && existing.el !== el) {
        el.replaceWith(existing.el);
        existing.el.setAttribute('data-points', String(data.points));
        existing.el.setAttribute('aria-label', el.getAttribute('aria-label') || '');
        existing.plot.setData(aligned);
        return;
      }
      if (existing) existing.plot.destroy();
      el.textContent = '';
      var width = Math.max(240, (el.parentElement && el.parentElement.clientWidth - 24) || 400);
      var plot = new window.uPlot(
        {
          width: width,
          height: 220,
          scales: { x: { time: true } },
          // A static legend (marker and name): the widget's "Latest values" table below gives the numbers.
          legend: { live: false },
          axes: [{ values: function (u, ticks) { return ticks.map(fmtTime); } }, { size: 56 }],
          series: [{ label: 'Time (UTC)', value: function (u, v) { return v == null ? '-' : fmtTime(v); } }].concat(
            data.labels.map(function (label, i) {
              return { label: label, stroke: COLORS[i % COLORS.length], dash: DASHES[i % DASHES.length], width: 2, spanGaps: true, points: { show: true, size: 6 } };
            }),
          ),
        },
        aligned,
        el,
      );
      el.setAttribute('data-drawn', 'true');
      charts.set(key, { plot: plot, el: el, labels: labels });
    });
  }

  var inFlight = false;
  var again = false;
  var lastHtml = null;

  function setStatus(text) {
    if (statusEl && statusEl.textContent !== text) statusEl.textContent = text;
  }

  function editing() {
    var a = document.activeElement;
    return !!a && main.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
  }

  function refresh() {
    if (!live) return;
    if (inFlight) {
      again = true;
      return;
    }
    if (editing()) return;
    inFlight = true;
    var started = performance.now();
    fetch(location.href, { headers: { 'x-ecskit-fragment': '1' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) throw new Error('the console session ended (the cloud restarted?): open the console URL the banner prints');
        return res.text();
      })
      .then(function (text) {
        stats.refreshes++;
        stats.lastRefreshMs = performance.now() - started;
        if (text !== lastHtml && !editing()) {
          lastHtml = text;
          var scrollY = window.scrollY;
          main.innerHTML = text;
          draw(main);
          window.scrollTo(0, scrollY);
          stats.lastUpdateAt = Date.now();
          stats.changes++;
        }
        setStatus('Live: updated ' + new Date().toISOString().slice(11, 19) + ' UTC.');
      })
      .catch(function (error) {
        stats.errors++;
        setStatus('Not live: ' + (error && error.message ? error.message : 'the local cloud does not answer') + '. Retrying.');
      })
      .finally(function () {
        inFlight = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function start() {
    draw(main);
    lastHtml = null;
    if (!live) return;
    if (typeof EventSource === 'function') {
      var events = new EventSource(base + '/events');
      events.addEventListener('changed', refresh);
      events.onerror = function () {
        setStatus('Not live: lost the connection to the local cloud. Retrying.');
      };
    }
    setInterval(refresh, 2000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
