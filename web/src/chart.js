// The downtime CCDF, drawn as SVG by hand: P(downtime in a trial > x)
// against x in minutes, both on log scales, one step line per deployment and service,
// a dashed vertical line at each SLA target's downtime budget. The same
// picture as `zonesim run --plot` (src/plot/ccdf.rs), in the page.

/** Line colours (Tableau 10), as in the CLI's pictures. */
export const COLOURS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// `0.5`, `10`, `1e-4`, `2e4`, as the CLI's axes.
function compact(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1e5) return String(Number(v.toFixed(3)));
  const e = Math.floor(Math.log10(a) + 1e-12);
  const m = v / 10 ** e;
  return Math.abs(m - Math.round(m)) < 1e-9 ? `${Math.round(m)}e${e}` : `${m.toFixed(1)}e${e}`;
}

function percent(t) {
  return `${Number((t * 100).toFixed(4))}%`;
}

/** The step line of a CCDF from its points, clipped to the axes. */
export function steps(points, xLo, yLo) {
  const out = [];
  let level = 1;
  for (const [x, p] of points) {
    if (x < xLo) {
      level = p;
      continue;
    }
    if (out.length === 0) out.push([xLo, Math.max(level, yLo)]);
    out.push([x, Math.max(level, yLo)]);
    if (p <= 0) {
      out.push([x, yLo]);
      break;
    }
    out.push([x, Math.max(p, yLo)]);
    level = p;
  }
  return out;
}

/**
 * Draws the CCDF of every deployment into `box` (replacing its content):
 * `series` as the worker returns it ({ name, points: [[minutes, p]], twin_of,
 * importance }), `budgets` ({ target, minutes }), `result` the StudyResult.
 */
export function drawCcdf(box, series, budgets, result) {
  box.innerHTML = '';
  const W = 1180;
  const H = 420;
  const m = { l: 64, r: 24, t: 16, b: 46 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const per = result.horizon_hours === 8760 ? 'in a year' : `in a ${result.horizon_hours} h trial`;

  const shown = budgets.filter((b) => b.target < 1);
  let xMin = Infinity;
  let xMax = 0;
  for (const s of series) {
    for (const [x] of s.points) {
      if (x > 0) {
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
      }
    }
  }
  for (const b of shown) {
    xMin = Math.min(xMin, b.minutes);
    xMax = Math.max(xMax, b.minutes);
  }
  if (!Number.isFinite(xMin)) {
    xMin = 1;
    xMax = 10;
  }
  const xLo = Math.max(10 ** Math.floor(Math.log10(xMin)), 1e-3);
  const xHi = Math.max(10 ** Math.ceil(Math.log10(xMax * 1.01)), xLo * 10);
  const yLo = 10 ** Math.floor(Math.log10(1 / Math.max(1, result.trials)));
  const X = (x) => m.l + ((Math.log10(x) - Math.log10(xLo)) / (Math.log10(xHi) - Math.log10(xLo))) * pw;
  const Y = (y) => m.t + (1 - (Math.log10(y) - Math.log10(yLo)) / (0 - Math.log10(yLo))) * ph;

  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `P(downtime ${per} > x) against x in minutes, per deployment, log scales`,
    class: 'ccdf',
  });
  svg.append(el('rect', { x: m.l, y: m.t, width: pw, height: ph, class: 'plot-bg' }));

  // Grid and axes: decades.
  for (let e = Math.round(Math.log10(xLo)); e <= Math.round(Math.log10(xHi)); e++) {
    const x = X(10 ** e);
    svg.append(el('line', { x1: x, x2: x, y1: m.t, y2: m.t + ph, class: 'grid' }));
    svg.append(el('text', { x, y: m.t + ph + 18, class: 'tick', 'text-anchor': 'middle' }, compact(10 ** e)));
  }
  for (let e = Math.round(Math.log10(yLo)); e <= 0; e++) {
    const y = Y(10 ** e);
    svg.append(el('line', { x1: m.l, x2: m.l + pw, y1: y, y2: y, class: 'grid' }));
    svg.append(el('text', { x: m.l - 8, y: y + 4, class: 'tick', 'text-anchor': 'end' }, compact(10 ** e)));
  }
  svg.append(el('text', { x: m.l + pw / 2, y: H - 6, class: 'axis-label', 'text-anchor': 'middle' },
    `downtime ${per} (minutes, log scale)`));
  const yl = el('text', { x: 16, y: m.t + ph / 2, class: 'axis-label', 'text-anchor': 'middle',
    transform: `rotate(-90 16 ${m.t + ph / 2})` }, `P(downtime > x)`);
  svg.append(yl);

  // SLA budgets.
  // Labels one under another (budgets of nearby targets lie close), each at
  // the left of its line, with a white halo so that a line under it stays
  // readable.
  shown.forEach((b, k) => {
    const x = X(b.minutes);
    svg.append(el('line', { x1: x, x2: x, y1: m.t, y2: m.t + ph, class: 'budget' }));
    svg.append(el('text', { x: x - 4, y: m.t + 14 + 15 * k, class: 'budget-label', 'text-anchor': 'end' },
      `${percent(b.target)} budget: ${compact(Number(b.minutes.toFixed(1)))} min`));
  });

  // Series, earlier ones wider so a line drawn over one leaves a border.
  const legend = document.createElement('ul');
  legend.className = 'legend';
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const p0 = s.points.length === 0 ? 0 : s.points[0][0] === 0 ? s.points[0][1] : 1;
    const pts = steps(s.points, xLo, yLo);
    if (pts.length > 0 && p0 > 0) {
      const d = pts.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${X(x).toFixed(2)},${Y(y).toFixed(2)}`).join('');
      const width = 2 + Math.min(series.length - 1 - i, 5) * 0.8;
      const attrs = { d, class: 'series', stroke: colour, 'stroke-width': width };
      if (s.twin_of) attrs['stroke-dasharray'] = '9 7';
      svg.append(el('path', attrs));
    }
    const li = document.createElement('li');
    li.dataset.deployment = s.name;
    li.innerHTML = `<span class="key${s.twin_of ? ' dashed' : ''}" style="--colour:${colour}"></span>`;
    const name = document.createElement('strong');
    name.textContent = s.name;
    li.append(name);
    if (s.service) li.dataset.service = 'true';
    if (s.service) li.append(' (service)');
    let text = p0 > 0
      ? ` P(any downtime) = ${compact(p0)}`
      : ` no downtime in any of ${result.trials.toLocaleString('en-US')} trials: no line`;
    if (s.importance) {
      const u = result.deployments[i].unavailability.mean;
      text += `; importance sampling: unavailability ${u.toExponential(2)}`;
    }
    if (s.twin_of) text += `; identical to ${s.twin_of}, drawn dashed over it`;
    li.append(text);
    legend.append(li);
  });
  box.append(svg, legend);
}
