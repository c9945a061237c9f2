// The results section: the CLI's tables (deployments, services, SLA
// windows, the paired comparison) as HTML, the notes and warnings under
// them, the CCDF. Every cell is the library's (the CLI's own formatting,
// in the wasm); this file only lays them out.
import { drawCcdf, COLOURS } from './chart.js';

const $ = (id) => document.getElementById(id);
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** Lays a run's reply out in the results section. */
export function renderResults(reply) {
  const result = JSON.parse(reply.result_json);
  $('results').hidden = false;
  const year = result.horizon_hours === 8760;
  const secs = reply.elapsed_ms / 1000;
  const rate = result.trials / Math.max(secs, 1e-9);
  $('run-line').innerHTML = '';
  $('run-line').append(
    `${fmtInt(result.trials)} trials of ${result.horizon_hours} h, `
      + `${result.start === 'all_up' ? 'all-up' : 'steady-state'} start, seed ${result.seed}; `
      + `downtime in minutes per ${year ? 'year' : `${result.horizon_hours} h trial`}. `,
  );
  const timing = document.createElement('span');
  timing.className = 'timing';
  timing.id = 'timing';
  timing.dataset.seconds = String(secs);
  timing.dataset.trialsPerSecond = String(rate);
  timing.textContent = `Ran in ${secs.toFixed(2)} s in this browser (${fmtInt(rate)} trials/s).`;
  $('run-line').append(timing);

  // The tables: the CLI's columns and cells; the services' block under the
  // deployments', with the same columns, then each service's rule.
  figures($('figures'), 'deployment', reply.rows, result.deployments.map((d) => d.name), reply.headers, year, 0);
  const services = reply.service_rows ?? [];
  $('services-result').hidden = services.length === 0;
  figures($('service-figures'), 'service', services, (result.services ?? []).map((d) => d.name), reply.headers,
    year, reply.rows.length);
  const rules = $('service-rules');
  rules.innerHTML = '';
  for (const line of reply.service_rules ?? []) {
    const li = document.createElement('li');
    li.textContent = line;
    rules.append(li);
  }

  const notes = $('notes');
  notes.innerHTML = '';
  for (const n of reply.notes) {
    const p = document.createElement('p');
    p.className = `note ${n.kind}`;
    p.dataset.deployment = n.deployment;
    p.textContent = n.text;
    notes.append(p);
  }
  const warnings = $('warnings');
  warnings.innerHTML = '';
  for (const w of result.warnings) {
    const p = document.createElement('p');
    p.className = 'warning';
    p.dataset.deployment = w.deployment;
    p.dataset.kind = w.kind;
    const i = w.message.indexOf(' (');
    const head = i >= 0 ? w.message.slice(0, i) : w.message;
    const detail = i >= 0 ? w.message.slice(i + 1) : '';
    p.innerHTML = '<span class="w-icon" aria-hidden="true">⚠</span>';
    const strong = document.createElement('strong');
    strong.textContent = `${w.deployment}: ${head}`;
    p.append(strong, detail ? ` ${detail}` : '');
    warnings.append(p);
  }

  drawCcdf($('chart'), reply.ccdf, reply.budgets, result);

  const c = $('comparison');
  const against = reply.comparison_rows;
  $('comparison-title').hidden = against.length === 0;
  c.hidden = against.length === 0;
  c.innerHTML = `
    <caption>Against “${esc(result.comparison.baseline)}” on the same sampled outages (minutes ${year ? 'per year' : 'per trial'}; negative: less downtime)</caption>
    <thead><tr><th class="name">deployment</th><th>downtime diff mean</th><th>95% CI</th>
    <th>P(less downtime)</th><th>P(more downtime)</th><th>variance reduction</th></tr></thead>`;
  c.append(plainBody(against, 'deployment'));
  renderWindows(reply.windows);
  $('cli-text').textContent = reply.table;
}

// A summary table: `kind` (deployment or service) heads the first column;
// the rows are the CLI's cells, `names` the names they are of; swatches follow the chart's colours from
// `colourFrom`.
function figures(t, kind, rows, names, headers, year, colourFrom) {
  const sla = headers.slice(12);
  const per = year ? 'per year' : 'per trial';
  t.innerHTML = `
    <thead>
      <tr class="groups">
        <th rowspan="2" class="name">${kind}</th>
        <th colspan="3">availability</th>
        <th colspan="4">downtime (min ${per})</th>
        <th colspan="2">outages</th>
        <th colspan="2">longest outage (min)</th>
        ${sla.length ? `<th colspan="${sla.length}">P(${year ? 'year' : 'trial'} meets)</th>` : ''}
      </tr>
      <tr>
        <th>mean</th><th>95% CI ±</th><th>nines</th>
        <th>mean</th><th>p50</th><th>p95</th><th>p99</th>
        <th>${per}</th><th>P(none)</th>
        <th>mean</th><th>p99</th>
        ${sla.map((h) => `<th>${esc(h)}</th>`).join('')}
      </tr>
    </thead>`;
  const body = document.createElement('tbody');
  rows.forEach((row, i) => {
    const tr = document.createElement('tr');
    tr.dataset[kind] = names[i];
    row.forEach((cell, j) => {
      const td = document.createElement(j === 0 ? 'th' : 'td');
      td.dataset.col = String(j);
      if (j === 0) {
        td.scope = 'row';
        td.className = 'name';
        td.innerHTML = `<span class="swatch" style="--colour:${COLOURS[(colourFrom + i) % COLOURS.length]}"></span>`;
        td.append(cell);
      } else {
        td.textContent = cell;
      }
      if (j >= 12) {
        const p = Number(cell);
        td.className = p >= 0.99 ? 'good' : p >= 0.95 ? 'fair' : 'poor';
      }
      tr.append(td);
    });
    body.append(tr);
  });
  t.append(body);
}

// The SLA windows' block: the CLI's lines and cells, its two header rows
// as groups over columns.
function renderWindows(w) {
  const box = $('windows');
  box.hidden = !w;
  if (!w) return;
  $('windows-head').textContent = w.head;
  $('windows-legend').textContent = w.legend;
  const t = $('windows-table');
  const groups = [];
  for (const [top, name] of w.headers) {
    if (top === w.continue && groups.length) groups[groups.length - 1].names.push(name);
    else groups.push({ top, names: [name] });
  }
  const first = groups.shift();
  t.innerHTML = `<thead>
      <tr class="groups"><th rowspan="2" class="name">${esc(first.names[0])}</th>
        ${groups.map((g) => `<th colspan="${g.names.length}">${esc(g.top)}</th>`).join('')}</tr>
      <tr>${groups.flatMap((g) => g.names).map((n) => `<th>${esc(n)}</th>`).join('')}</tr>
    </thead>`;
  t.append(plainBody(w.rows, 'name'));
  const note = $('windows-credit');
  note.hidden = !w.credit_note;
  note.textContent = w.credit_note ?? '';
}

// A table body of text cells, the first a row header; each row's
// `data-<key>` is its first cell.
function plainBody(rows, key) {
  const body = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.dataset[key] = row[0];
    row.forEach((cell, j) => {
      const td = document.createElement(j === 0 ? 'th' : 'td');
      if (j === 0) td.className = 'name';
      td.dataset.col = String(j);
      td.textContent = cell;
      tr.append(td);
    });
    body.append(tr);
  }
  return body;
}
