/* The HTML report's behaviour: sortable tables, province/level filters, summary figures recounted for
 * the filtered rows. Plain JavaScript, shipped as package data and inlined into index.html: it never
 * loads anything, and the page is complete and readable without it (the server renders every number). */
(function () {
  'use strict';
  var root = document.documentElement;
  var vi = (root.lang || 'vi') === 'vi';

  /* Numbers as the server writes them (reports/formatting.py): "2.142" and "33,33%" in Vietnamese. */
  function fmtInt(n) {
    var s = String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, vi ? '.' : ',');
    return s;
  }
  function fmtPct(part, whole) {
    if (!whole) { return '–'; }
    var v = Math.round(10000 * part / whole) / 100;
    var s = v.toFixed(2).replace(/\.?0+$/, '');
    var parts = s.split('.');
    var head = fmtInt(Number(parts[0]));
    return head + (parts[1] ? (vi ? ',' : '.') + parts[1] : '') + '%';
  }

  /* Sorting: a click on a header sorts by the cells' data-v (numbers) or their text (Vietnamese order). */
  document.querySelectorAll('table.sortable th').forEach(function (th) {
    th.addEventListener('click', function () {
      var table = th.closest('table'), body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.dataset.dir !== 'asc';
      var idx = th.cellIndex;
      rows.sort(function (a, b) {
        var ca = a.cells[idx], cb = b.cells[idx];
        var x = ca ? (ca.dataset.v || ca.textContent) : '', y = cb ? (cb.dataset.v || cb.textContent) : '';
        var nx = parseFloat(x), ny = parseFloat(y);
        var r = (!isNaN(nx) && !isNaN(ny) && String(nx) === x.trim() && String(ny) === y.trim())
          ? nx - ny : x.localeCompare(y, 'vi');
        return asc ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      table.querySelectorAll('th').forEach(function (h) { delete h.dataset.dir; });
      th.dataset.dir = asc ? 'asc' : 'desc';
    });
  });

  var selProvince = document.getElementById('filter-province');
  var selLevel = document.getElementById('filter-level');
  var state = document.getElementById('filter-state');

  function visible(el) { return !el.classList.contains('off'); }

  /* Summary cards count the rows the filters leave (data-count: a CSS selector of rows). */
  function recount() {
    document.querySelectorAll('.kpi[data-count]').forEach(function (card) {
      var rows = Array.prototype.filter.call(document.querySelectorAll(card.dataset.count), visible);
      var value = card.querySelector('.value');
      if (card.dataset.of) {
        var found = rows.filter(function (r) { return r.dataset.found === '1'; }).length;
        value.textContent = fmtInt(found) + '/' + fmtInt(rows.length);
        card.querySelector('.pct').textContent = fmtPct(found, rows.length);
      } else {
        value.textContent = fmtInt(rows.length);
      }
    });
    document.querySelectorAll('span.count[data-count]').forEach(function (span) {
      var rows = Array.prototype.filter.call(document.querySelectorAll(span.dataset.count), visible);
      span.textContent = fmtInt(rows.length);
    });
    /* Bars: found/units per province for the chosen level, recounted from the coverage table. */
    var level = selLevel ? selLevel.value : '';
    var per = {};
    document.querySelectorAll('#coverage tbody tr').forEach(function (r) {
      if (level && r.dataset.level !== level) { return; }
      var p = per[r.dataset.province] || (per[r.dataset.province] = [0, 0]);
      p[1] += 1;
      if (r.dataset.found === '1') { p[0] += 1; }
    });
    var province = selProvince ? selProvince.value : '';
    document.querySelectorAll('svg.bars g.bar').forEach(function (g) {
      var p = per[g.dataset.province] || [0, 0];
      var bar = g.querySelector('rect.bar');
      var full = Number(bar.dataset.full);
      bar.setAttribute('width', p[1] ? (full * p[0] / p[1]).toFixed(1) : '0');
      g.querySelector('text.val').textContent = fmtInt(p[0]) + '/' + fmtInt(p[1]) + ' (' + fmtPct(p[0], p[1]) + ')';
      g.dataset.found = String(p[0]);
      g.dataset.units = String(p[1]);
      g.style.opacity = (province && g.dataset.province !== province) || !p[1] ? '0.3' : '1';
    });
  }

  function apply() {
    var province = selProvince ? selProvince.value : '';
    var level = selLevel ? selLevel.value : '';
    document.querySelectorAll('.f').forEach(function (el) {
      var off = (province && el.dataset.province !== undefined && el.dataset.province !== province) ||
        (level && el.dataset.level !== undefined && el.dataset.level !== level);
      el.classList.toggle('off', !!off);
    });
    /* a province figure whose every unit line is filtered out is hidden too */
    document.querySelectorAll('figure.trend-province').forEach(function (fig) {
      if (fig.classList.contains('off')) { return; }
      var series = fig.querySelectorAll('g.series');
      var shown = Array.prototype.filter.call(series, visible).length;
      fig.classList.toggle('empty', series.length > 0 && shown === 0);
      if (series.length > 0 && shown === 0) { fig.classList.add('off'); }
    });
    document.body.classList.toggle('filtered', !!(province || level));
    if (state) {
      var parts = [];
      if (province) { parts.push(selProvince.options[selProvince.selectedIndex].text); }
      if (level) { parts.push(selLevel.options[selLevel.selectedIndex].text); }
      state.textContent = parts.join(' · ');
      var note = document.getElementById('filter-note-text');
      if (note) { note.textContent = parts.join(' · '); }
    }
    var hash = [];
    if (province) { hash.push('province=' + encodeURIComponent(province)); }
    if (level) { hash.push('level=' + encodeURIComponent(level)); }
    try {  /* a shareable link to the filtered view; some browsers refuse it on file: pages */
      window.history.replaceState(null, '', hash.length ? '#' + hash.join('&') : window.location.pathname);
    } catch (e) { /* the filter still applies */ }
    recount();
  }

  function fromHash() {
    var h = window.location.hash.replace(/^#/, '');
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('='), k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      var sel = k === 'province' ? selProvince : k === 'level' ? selLevel : null;
      if (sel && Array.prototype.some.call(sel.options, function (o) { return o.value === v; })) { sel.value = v; }
    });
  }

  if (selProvince) { selProvince.addEventListener('change', apply); }
  if (selLevel) { selLevel.addEventListener('change', apply); }
  var reset = document.getElementById('filter-reset');
  if (reset) {
    reset.addEventListener('click', function () {
      if (selProvince) { selProvince.value = ''; }
      if (selLevel) { selLevel.value = ''; }
      apply();
    });
  }
  /* a click on a province's bar filters the report to it (a second click shows every province again) */
  document.querySelectorAll('svg.bars g.bar').forEach(function (g) {
    g.addEventListener('click', function () {
      if (!selProvince) { return; }
      selProvince.value = selProvince.value === g.dataset.province ? '' : g.dataset.province;
      apply();
    });
  });
  fromHash();
  apply();
  document.body.dataset.ready = '1';
}());
