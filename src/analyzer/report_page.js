// The analyzer report's script (inlined by network_log_report.ts after uPlot): draws every graph
// from the page's JSON data. One colour per category across the page; the legend at the top hides
// and shows a category in every graph; dragging zooms every graph to the same time range and a
// double-click zooms out; hovering shows the values under the cursor; dump tags are dashed lines
// whose labels are laid out in lanes so they never overlap.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const categories = data.categories;
  const hidden = new Set();
  const charts = [];
  let range = null; // the zoomed time range, null for all of it
  let syncing = false;
  const WIDTH = Math.min(1100, document.body.clientWidth - 20);
  const HEIGHT = 190;

  // Names in the page come from the log: text, never markup.
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const peerLabel = new Map(data.peers.map((p) => [p.id, p.label]));
  const shortLabel = (id) => {
    const label = peerLabel.get(id) || id;
    const m = /^\[[^\]]*\]/.exec(label);
    return m ? m[0] : id;
  };

  function unit(values, suffix) {
    return values.map((v) => {
      if (v == null) return '';
      const a = Math.abs(v);
      if (a >= 1e6) return `${+(v / 1e6).toFixed(2)} M${suffix}`;
      if (a >= 1e3) return `${+(v / 1e3).toFixed(2)} k${suffix}`;
      return `${+v.toFixed(2)} ${suffix}`;
    });
  }
  const fmt = (v, suffix) => unit([v], suffix)[0];

  // The stacked categories of one graph: by category index, values per bucket (bytes/s).
  function stackedSpec(perCategory) {
    const present = Object.keys(perCategory).map(Number).sort((a, b) => a - b);
    return { present, raw: perCategory };
  }

  function sumCategories(list) {
    const out = {};
    for (const perCategory of list) {
      for (const [ci, values] of Object.entries(perCategory)) {
        const sum = out[ci] || (out[ci] = new Array(data.t.length).fill(0));
        values.forEach((v, k) => (sum[k] += v));
      }
    }
    return out;
  }

  /** Options and data of a stacked-area graph of the visible categories. */
  function stacked(spec, yMax) {
    const shown = spec.present.filter((ci) => !hidden.has(ci));
    const base = new Array(data.t.length).fill(0);
    const rows = [data.t];
    const series = [{ label: 'time' }];
    const raws = [null];
    const bands = [];
    // Draw the largest first at the bottom: stack in category order (categories are ranked by bytes).
    shown.forEach((ci, i) => {
      const raw = spec.raw[ci];
      const top = raw.map((v, k) => (base[k] += v));
      rows.push(top);
      raws.push(raw);
      const c = categories[ci];
      series.push({ label: c.name, stroke: c.colour, fill: c.colour + 'cc', width: 1, points: { show: false } });
      if (i > 0) bands.push({ series: [i + 1, i] });
    });
    return { rows, series, raws, bands, yRange: yMax ? [0, yMax] : undefined, suffix: 'B/s', categories: shown };
  }

  /** Options and data of a graph of plain lines. */
  function lines(list, suffix) {
    return {
      rows: [data.t, ...list.map((l) => l.values)],
      series: [{ label: 'time' }, ...list.map((l) => ({ label: l.label, stroke: l.colour, width: 1.5, points: { show: false }, scale: l.scale || 'y', spanGaps: false }))],
      raws: [null, ...list.map((l) => l.values)],
      bands: [],
      suffix,
      suffixes: list.map((l) => l.suffix || suffix),
      second: list.find((l) => l.scale === 'y2'),
    };
  }

  function maxStack(specs) {
    let max = 1;
    for (const spec of specs) {
      for (let k = 0; k < data.t.length; k++) {
        let s = 0;
        for (const ci of spec.present) if (!hidden.has(ci)) s += spec.raw[ci][k];
        if (s > max) max = s;
      }
    }
    return max * 1.05;
  }

  // ---- tags ----------------------------------------------------------------------------------

  function drawTags(chart, u) {
    const strip = chart.strip;
    strip.textContent = '';
    const over = u.over.getBoundingClientRect();
    const left = over.left - strip.getBoundingClientRect().left;
    const width = over.width;
    const min = u.scales.x.min;
    const max = u.scales.x.max;
    const visible = chart.tags.filter((t) => t.time >= min && t.time <= max).sort((a, b) => a.time - b.time);
    const laneEnds = [];
    for (const tag of visible) {
      const x = left + u.valToPos(tag.time, 'x');
      const span = document.createElement('span');
      span.textContent = tag.text;
      span.className = 'tag';
      span.dataset.time = tag.time;
      span.title = `${tag.text} at ${tag.time.toFixed(2)} s`;
      strip.appendChild(span);
      const w = span.offsetWidth;
      // Near the right edge, the label goes to the left of its line.
      const toLeft = x + w > left + width;
      const from = toLeft ? x - w : x;
      let lane = laneEnds.findIndex((end) => end + 4 <= from);
      if (lane < 0) lane = laneEnds.push(-Infinity) - 1;
      laneEnds[lane] = from + w;
      span.style.left = `${from}px`;
      span.style.top = `${lane * 15}px`;
      if (toLeft) {
        span.style.borderLeft = 'none';
        span.style.borderRight = '1px dashed #555';
      }
    }
    strip.style.height = `${Math.max(1, laneEnds.length) * 15}px`;
  }

  function tagLinesPlugin(chart) {
    return {
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = '#555';
            ctx.setLineDash([4, 3]);
            ctx.lineWidth = 1;
            for (const tag of chart.tags) {
              if (tag.time < u.scales.x.min || tag.time > u.scales.x.max) continue;
              const x = Math.round(u.valToPos(tag.time, 'x', true)) + 0.5;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
            }
            ctx.restore();
            // The labels, once the plot has its final size and range.
            drawTags(chart, u);
          },
        ],
      },
    };
  }

  // ---- hover ---------------------------------------------------------------------------------

  function hoverPlugin(chart) {
    return {
      hooks: {
        setCursor: [
          (u) => {
            const k = u.cursor.idx;
            const box = chart.hover;
            if (k == null || u.cursor.left < 0) {
              box.style.display = 'none';
              return;
            }
            const parts = [`<b>${data.t[k].toFixed(2)} s</b>`];
            for (let i = 1; i < u.series.length; i++) {
              const v = chart.spec.raws[i][k];
              if (v == null || (v === 0 && chart.kind === 'stacked')) continue;
              const suffix = chart.spec.suffixes ? chart.spec.suffixes[i - 1] : chart.spec.suffix;
              parts.push(`<span class="swatch" style="background:${u.series[i].stroke()}"></span>${esc(u.series[i].label)}: ${fmt(v, suffix)}`);
            }
            box.innerHTML = parts.join('<br>');
            box.style.display = 'block';
            const x = u.over.getBoundingClientRect().left - chart.el.getBoundingClientRect().left + u.cursor.left;
            box.style.left = `${x + 12 + box.offsetWidth > WIDTH ? x - box.offsetWidth - 12 : x + 12}px`;
            box.style.top = `${chart.strip.offsetHeight + 10}px`;
          },
        ],
      },
    };
  }

  // ---- building --------------------------------------------------------------------------------

  function build(chart) {
    const spec = chart.make();
    chart.spec = spec;
    // The time axis spans every bucket whole: the last point starts the last bucket.
    const end = data.t.length * data.bucketMs / 1000;
    const whole = (min, max) => (min <= data.t[0] && max >= data.t[data.t.length - 1] ? [0, end] : [min, max]);
    const scales = { x: { time: false, range: (u, min, max) => whole(min, max) } };
    scales.y = spec.yRange ? { range: () => spec.yRange } : { range: (u, min, max) => [0, Math.max(1, max) * 1.05] };
    const axes = [
      { values: (u, v) => v.map((s) => `${+s.toFixed(2)} s`), grid: { stroke: '#eee' } },
      { values: (u, v) => unit(v, spec.suffix), size: 70, grid: { stroke: '#eee' } },
    ];
    if (spec.second) {
      scales.y2 = { range: (u, min, max) => [0, Math.max(1, max) * 1.05] };
      axes.push({ scale: 'y2', side: 1, values: (u, v) => unit(v, spec.second.suffix), size: 70, grid: { show: false } });
    }
    const opts = {
      width: WIDTH,
      height: HEIGHT,
      series: spec.series,
      bands: spec.bands,
      scales,
      axes,
      legend: { show: false },
      cursor: { sync: { key: 'report' }, drag: { x: true, y: false } },
      plugins: [tagLinesPlugin(chart), hoverPlugin(chart)],
      hooks: {
        setScale: [
          (u, key) => {
            if (key !== 'x' || syncing) return;
            const full = u.scales.x.min <= 0 && u.scales.x.max >= data.t.length * data.bucketMs / 1000;
            range = full ? null : [u.scales.x.min, u.scales.x.max];
            syncing = true;
            for (const other of charts) if (other !== chart && other.u) other.u.setScale('x', { min: u.scales.x.min, max: u.scales.x.max });
            syncing = false;
          },
        ],
      },
    };
    if (chart.u) chart.u.destroy();
    chart.u = new uPlot(opts, spec.rows, chart.plot);
    chart.el.dataset.series = JSON.stringify(spec.series.slice(1).map((s) => s.label));
    if (range) {
      syncing = true;
      chart.u.setScale('x', { min: range[0], max: range[1] });
      syncing = false;
    }
  }

  function addChart(container, title, kind, make, tags, meta) {
    const el = document.createElement('div');
    el.className = 'chart';
    el.dataset.kind = kind;
    Object.assign(el.dataset, meta);
    el.innerHTML = `<div class="title">${esc(title)}</div>`;
    const strip = document.createElement('div');
    strip.className = 'tagstrip';
    const plot = document.createElement('div');
    const hover = document.createElement('div');
    hover.className = 'hover';
    el.append(strip, plot, hover);
    container.appendChild(el);
    const chart = { el, strip, plot, hover, kind, make, tags, u: null, spec: null, meta };
    charts.push(chart);
    return chart;
  }

  // ---- the page --------------------------------------------------------------------------------

  const allTags = data.tags.map((t) => ({ time: t.time, text: `${shortLabel(t.peer)} ${t.text}` }));
  const overview = document.getElementById('overview-charts');
  const overviewSent = stackedSpec(sumCategories(data.connections.map((c) => c.sent)));
  addChart(overview, 'Bytes per second sent by every peer, by category', 'stacked', () => stacked(overviewSent), allTags, { direction: 'sent', scope: 'all' });
  const totalOf = (key) => data.t.map((_, k) => data.connections.reduce((s, c) => s + c[key][k], 0));
  addChart(overview, 'Packets per second, every peer', 'lines', () => lines([
    { label: 'packets sent', values: totalOf('packetsSent'), colour: '#1f4e79' },
    { label: 'packets received', values: totalOf('packetsReceived'), colour: '#6baed6' },
    { label: 'packets lost', values: totalOf('lost'), colour: '#d62728' },
  ], 'pkt/s'), allTags, { scope: 'all' });

  const connectionSpecs = data.connections.map((c) => ({ sent: stackedSpec(c.sent), received: stackedSpec(c.received) }));
  const sharedMax = () => maxStack(connectionSpecs.flatMap((s) => [s.sent, s.received]));
  for (const block of document.querySelectorAll('.connection')) {
    const i = Number(block.dataset.connection);
    const c = data.connections[i];
    const specs = connectionSpecs[i];
    const container = block.querySelector('.charts');
    const own = data.tags.filter((t) => t.peer === c.peer);
    const meta = { peer: c.peer, remote: c.remote };
    addChart(container, `Sent to ${shortLabel(c.remote)}: bytes per second by category (same scale in every peer’s graphs)`, 'stacked', () => stacked(specs.sent, sharedMax()), own, { ...meta, direction: 'sent' });
    addChart(container, `Received from ${shortLabel(c.remote)}: bytes per second by category`, 'stacked', () => stacked(specs.received, sharedMax()), own, { ...meta, direction: 'received' });
    addChart(container, 'Packets per second: sent, received, and sent packets given up as lost', 'lines', () => lines([
      { label: 'packets sent', values: c.packetsSent, colour: '#1f4e79' },
      { label: 'packets received', values: c.packetsReceived, colour: '#6baed6' },
      { label: 'packets lost', values: c.lost, colour: '#d62728' },
    ], 'pkt/s'), own, meta);
    addChart(container, 'Round-trip time (ms, left) and bytes resent per second (right)', 'lines', () => lines([
      { label: 'RTT', values: c.rtt, colour: '#2ca02c', suffix: 'ms' },
      { label: 'resent', values: c.resent, colour: '#ff7f0e', scale: 'y2', suffix: 'B/s' },
    ], 'ms'), own, meta);
  }
  for (const chart of charts) build(chart);

  // One legend for the page: a click hides or shows the category in every graph.
  for (const label of document.querySelectorAll('#legend label')) {
    label.addEventListener('click', () => {
      const ci = categories.findIndex((c) => c.name === label.dataset.category);
      if (hidden.has(ci)) hidden.delete(ci);
      else hidden.add(ci);
      label.classList.toggle('off', hidden.has(ci));
      for (const chart of charts) if (chart.kind === 'stacked') build(chart);
    });
  }

  // Sortable tables: a click on a header sorts by that column, again to reverse.
  for (const table of document.querySelectorAll('table.sortable')) {
    const headers = [...table.querySelectorAll('th')];
    headers.forEach((th, col) => {
      th.addEventListener('click', () => {
        const desc = !th.classList.contains('desc');
        headers.forEach((h) => h.classList.remove('asc', 'desc'));
        th.classList.add(desc ? 'desc' : 'asc');
        const body = table.tBodies[0];
        const rows = [...body.rows];
        const key = (row) => {
          const cell = row.cells[col];
          return cell && cell.dataset.sort !== undefined ? Number(cell.dataset.sort) : (cell ? cell.textContent : '');
        };
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return desc ? -order : order;
        });
        for (const row of rows) body.appendChild(row);
      });
    });
  }

  // For tests and scripts driving the page: each graph's uPlot instance and what it draws.
  window.report = {
    bucketMs: data.bucketMs,
    charts: charts.map((c) => ({
      el: c.el,
      kind: c.kind,
      meta: c.meta,
      get u() { return c.u; },
      get tags() { return c.tags; },
      /** Each drawn series: its label, colour and values per bucket (not stacked). */
      get series() { return c.u.series.slice(1).map((s, i) => ({ label: s.label, colour: s.stroke(c.u, i + 1), values: c.spec.raws[i + 1] })); },
    })),
  };
})();
