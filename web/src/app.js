// The planning page: the catalogue, the study form, runs in a worker, the
// results. Every figure and every message comes from the zonesim library
// (compiled to WebAssembly, web/wasm); this file only lays them out.
import { drawCcdf, COLOURS } from './chart.js';

const MAX_DEPLOYMENTS = 4;
const PROVIDERS = {
  alibaba: 'Alibaba Cloud',
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'Google Cloud',
  ovhcloud: 'OVHcloud',
};
const COUNTRIES = { FR: 'France', DE: 'Germany', GB: 'United Kingdom', IE: 'Ireland', NL: 'Netherlands' };
const RULES = [
  ['at_least', 'at least k up'],
  ['majority', 'majority'],
  ['zones_up', 'k zones up'],
  ['active_passive', 'active-passive'],
];
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------
// The worker.

let worker = null;
let calls = new Map();
let nextId = 1;
let onProgress = () => {};

function startWorker() {
  worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if ('progress' in data) {
      onProgress(data.progress);
      return;
    }
    const call = calls.get(data.id);
    calls.delete(data.id);
    if (!call) return;
    if (data.error) call.reject(new Error(data.error));
    else call.resolve(data.reply);
  };
  worker.onerror = (e) => {
    for (const c of calls.values()) c.reject(new Error(e.message || 'the worker failed'));
    calls.clear();
  };
}

function ask(op, ...args) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    calls.set(id, { resolve, reject });
    worker.postMessage({ id, op, args });
  });
}

// ---------------------------------------------------------------------------
// The study being edited. Numbers are kept as the text typed, so that the
// library (not the page) judges them and says what is wrong.

const state = {
  catalog: 'eu-hubs',
  model: null, // regions, zones, common causes (for the catalogue panel)
  fileModel: null, // a loaded file's own regions, zones and common causes
  sim: {},
  deps: [],
  active: 0,
  defaults: null,
  hiddenProviders: new Set(),
};

let lastRun = null;

function simFromSettings(s, seedText) {
  return {
    trials: String(s.trials),
    horizon_hours: String(s.horizon_hours),
    seed: seedText ?? String(s.seed),
    start: s.start ?? 'steady_state',
    sla_targets: (s.sla_targets ?? []).join(', '),
    baseline: s.baseline ?? '',
    estimator: s.estimator ?? 'crude',
  };
}

function depFromScenario(d) {
  let rule = 'at_least';
  let param = '1';
  if (d.rule === 'majority') {
    rule = 'majority';
    param = '';
  } else if (d.rule && typeof d.rule === 'object') {
    const [k, v] = Object.entries(d.rule)[0];
    rule = k;
    param = k === 'active_passive' ? String(v.failover_hours) : String(v);
  }
  const extra = {};
  if (d.replica_failures) extra.replica_failures = d.replica_failures;
  return { name: d.name, replicas: [...d.replicas], rule, param, estimator: d.estimator ?? '', extra };
}

// A number as typed: a JSON number literal goes into the file as it is
// (exact, even for a u64 seed), anything else as a string for the library
// to refuse in its own words; empty means "leave it out".
class Literal {
  constructor(text) {
    this.text = text;
  }
}
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;
function num(text) {
  const t = String(text ?? '').trim();
  if (t === '') return undefined;
  return NUMBER.test(t) ? new Literal(t) : t;
}

function scenario() {
  const o = {};
  if (state.catalog) {
    o.catalog = state.catalog;
  } else if (state.fileModel) {
    o.region = state.fileModel.region;
    o.zone = state.fileModel.zone;
    o.common_cause = state.fileModel.common_cause;
  }
  const s = state.sim;
  const sim = {
    trials: num(s.trials),
    horizon_hours: num(s.horizon_hours),
    seed: num(s.seed),
    start: s.start,
    sla_targets: s.sla_targets.trim() === ''
      ? undefined
      : s.sla_targets.split(/[\s,;]+/).filter((x) => x !== '').map(num),
    baseline: s.baseline || undefined,
    estimator: s.estimator,
  };
  o.simulation = sim;
  o.deployment = state.deps.map((d) => {
    let rule;
    if (d.rule === 'majority') rule = 'majority';
    else if (d.rule === 'active_passive') rule = { active_passive: { failover_hours: num(d.param) ?? '' } };
    else rule = { [d.rule]: num(d.param) ?? '' };
    return { name: d.name, replicas: d.replicas, rule, estimator: d.estimator || undefined, ...d.extra };
  });
  return o;
}

// JSON text with Literal numbers written as typed: pretty-printed, or on
// one line (`compact`, for the link).
function toJson(v, indent = '', compact = false) {
  const inner = compact ? '' : indent + '  ';
  const nl = compact ? '' : '\n';
  if (v instanceof Literal) return v.text;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (compact || v.every((x) => x instanceof Literal || typeof x !== 'object')) {
      return '[' + v.map((x) => toJson(x, inner, compact)).join(compact ? ',' : ', ') + ']';
    }
    return '[\n' + v.map((x) => inner + toJson(x, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return '{' + nl + entries.map(([k, x]) => inner + JSON.stringify(k) + (compact ? ':' : ': ')
      + toJson(x, inner, compact)).join(',' + nl) + nl + indent + '}';
  }
  return JSON.stringify(v);
}

const scenarioJson = () => toJson(scenario()) + '\n';

// ---------------------------------------------------------------------------
// The study in the address: #s= and the scenario JSON in base64url.

function encodeHash(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeHash(hash) {
  const b64 = hash.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function updateHash() {
  history.replaceState(null, '', '#s=' + encodeHash(toJson(scenario(), '', true)));
}

// ---------------------------------------------------------------------------
// The catalogue panel: EU, then outside the EU; by country, then provider.

function shortZone(zoneId, regionId) {
  return zoneId.startsWith(regionId + '-') ? zoneId.slice(regionId.length + 1) : zoneId;
}

function renderProviders() {
  const box = $('provider-filter');
  const providers = [...new Set(state.model.region.map((r) => r.provider))];
  box.innerHTML = '';
  for (const p of providers) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'pill' + (state.hiddenProviders.has(p) ? '' : ' on');
    b.textContent = PROVIDERS[p] ?? p;
    b.setAttribute('aria-pressed', String(!state.hiddenProviders.has(p)));
    b.onclick = () => {
      if (state.hiddenProviders.has(p)) state.hiddenProviders.delete(p);
      else state.hiddenProviders.add(p);
      renderProviders();
      renderCatalogue();
    };
    box.append(b);
  }
}

// A matrix: a row per provider, a column per country (those in the EU
// first, then the others), each cell the provider's regions there.
function renderCatalogue() {
  const m = state.model;
  const box = $('catalogue');
  box.innerHTML = '';
  const inEu = (r) => m.region_in_eu[r.id];
  const zonesOf = (r) => m.zone.filter((z) => z.region === r.id);
  const causesOf = (r) => m.common_cause.filter((c) => c.affects.includes(r.id)
    || c.affects.some((a) => zonesOf(r).some((z) => z.id === a)));
  const regions = m.region.filter((r) => !state.hiddenProviders.has(r.provider));
  const countries = [];
  for (const eu of [true, false]) {
    for (const r of regions) {
      if (inEu(r) === eu && !countries.some((c) => c.code === r.country)) countries.push({ code: r.country, eu });
    }
  }
  const providers = [...new Set(regions.map((r) => r.provider))];
  const euCount = countries.filter((c) => c.eu).length;
  const table = document.createElement('table');
  table.className = 'catalogue-grid';
  const groups = [];
  if (euCount) groups.push(`<th colspan="${euCount}" class="eu-head" data-eu="true">In the EU</th>`);
  if (countries.length > euCount) {
    groups.push(`<th colspan="${countries.length - euCount}" class="eu-head" data-eu="false">Outside the EU</th>`);
  }
  table.innerHTML = `<thead>
      <tr><th></th>${groups.join('')}</tr>
      <tr><th class="corner">provider</th>${countries.map((c) => `<th class="country" data-country="${esc(c.code)}" data-eu="${c.eu}">${esc(COUNTRIES[c.code] ?? c.code)} <span class="code">${esc(c.code)}</span></th>`).join('')}</tr>
    </thead>`;
  const body = document.createElement('tbody');
  for (const p of providers) {
    const tr = document.createElement('tr');
    tr.dataset.provider = p;
    tr.innerHTML = `<th class="provider" scope="row">${esc(PROVIDERS[p] ?? p)}</th>`;
    for (const c of countries) {
      const td = document.createElement('td');
      td.dataset.eu = String(c.eu);
      td.dataset.country = c.code;
      for (const r of regions.filter((x) => x.provider === p && x.country === c.code && inEu(x) === c.eu)) {
        const zones = zonesOf(r);
        const causes = causesOf(r);
        const div = document.createElement('div');
        div.className = 'region';
        div.dataset.region = r.id;
        div.dataset.provider = r.provider;
        const code = r.provider_code ? ` · <code>${esc(r.provider_code)}</code>` : '';
        div.innerHTML = `<div class="region-name" title="${esc(r.note ?? '')}">${esc(r.name || r.id)}${code}</div>`;
        const chips = document.createElement('div');
        chips.className = 'zones';
        for (const z of zones) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'zone';
          b.dataset.zone = z.id;
          const a = m.zone_availability[z.id];
          b.title = `${z.id}: up ${(a * 100).toFixed(4)}% of the time on its own`
            + (causes.length ? `; common causes: ${causes.map((x) => x.name).join(', ')}` : '');
          b.textContent = shortZone(z.id, r.id);
          b.onclick = () => addReplica(z.id);
          chips.append(b);
        }
        const n = document.createElement('span');
        n.className = 'zone-count' + (zones.length < 3 ? ' few' : '');
        n.textContent = `${zones.length} zone${zones.length === 1 ? '' : 's'}`;
        if (zones.length < 3) n.title = 'A quorum over fewer than three zones cannot survive a zone outage';
        chips.append(n);
        div.append(chips);
        td.append(div);
      }
      if (!td.firstChild) td.innerHTML = '<span class="none">–</span>';
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  box.append(table);
  $('catalogue-source').textContent = state.catalog
    ? `The ${state.catalog} catalogue: ${m.region.length} regions, ${m.zone.length} zones, `
      + `${m.common_cause.length} common causes.`
    : `The loaded file's model: ${m.region.length} regions, ${m.zone.length} zones, `
      + `${m.common_cause.length} common causes.`;
}

// ---------------------------------------------------------------------------
// The settings and the deployments.

function renderSettings() {
  $('trials').value = state.sim.trials;
  $('horizon').value = state.sim.horizon_hours;
  $('seed').value = state.sim.seed;
  $('start').value = state.sim.start;
  $('sla').value = state.sim.sla_targets;
  $('estimator').value = state.sim.estimator;
  renderBaseline();
}

function renderBaseline() {
  const sel = $('baseline');
  sel.innerHTML = '';
  const first = document.createElement('option');
  first.value = '';
  first.textContent = state.deps.length ? `the first (${state.deps[0].name})` : 'the first deployment';
  sel.append(first);
  for (const d of state.deps) {
    const o = document.createElement('option');
    o.value = d.name;
    o.textContent = d.name;
    sel.append(o);
  }
  if (state.sim.baseline && !state.deps.some((d) => d.name === state.sim.baseline)) {
    const o = document.createElement('option');
    o.value = state.sim.baseline;
    o.textContent = `${state.sim.baseline} (not a deployment)`;
    sel.append(o);
  }
  sel.value = state.sim.baseline;
}

function zoneOptions(selectEl) {
  const m = state.model;
  const first = document.createElement('option');
  first.value = '';
  first.textContent = 'add a zone…';
  selectEl.append(first);
  for (const r of m.region) {
    const g = document.createElement('optgroup');
    g.label = `${PROVIDERS[r.provider] ?? r.provider} · ${r.name || r.id}`;
    for (const z of m.zone.filter((x) => x.region === r.id)) {
      const o = document.createElement('option');
      o.value = z.id;
      o.textContent = z.id;
      g.append(o);
    }
    selectEl.append(g);
  }
}

function renderDeployments() {
  const box = $('deployments');
  box.innerHTML = '';
  state.deps.forEach((d, i) => {
    const card = document.createElement('article');
    card.className = 'deployment' + (i === state.active ? ' active' : '');
    card.dataset.field = `deployment[${i}]`;
    card.dataset.index = String(i);
    card.style.setProperty('--colour', COLOURS[i % COLOURS.length]);
    card.onclick = (e) => {
      if (state.active !== i && !e.target.closest('button, input, select')) {
        state.active = i;
        renderDeployments();
      }
    };
    const rule = RULES.map(([v, t]) => `<option value="${v}"${v === d.rule ? ' selected' : ''}>${t}</option>`).join('');
    const paramLabel = { at_least: 'k', zones_up: 'k', active_passive: 'failover h' }[d.rule];
    card.innerHTML = `
      <div class="dep-head">
        <span class="swatch" aria-hidden="true"></span>
        <input class="dep-name" aria-label="Name of deployment ${i + 1}" data-field="deployment[${i}].name" spellcheck="false">
        <button type="button" class="icon remove" title="Remove this deployment" aria-label="Remove deployment ${i + 1}">×</button>
      </div>
      <div class="replicas" data-field="deployment[${i}].replicas"></div>
      <div class="dep-row">
        <select class="zone-add" aria-label="Add a replica in a zone"></select>
      </div>
      <div class="dep-row rule" data-field="deployment[${i}].rule">
        <select class="rule-kind" aria-label="Rule">${rule}</select>
        ${paramLabel ? `<label class="param"><span>${paramLabel}</span><input class="rule-param" inputmode="decimal" spellcheck="false" aria-label="${paramLabel}"></label>` : ''}
      </div>
      <div class="dep-row">
        <label class="small">estimator
          <select class="dep-estimator" data-field="deployment[${i}].estimator">
            <option value="">as the study</option>
            <option value="crude">Monte Carlo</option>
            <option value="importance">importance sampling</option>
          </select>
        </label>
        ${d.extra.replica_failures ? '<span class="tag" title="From the loaded file">replica failures</span>' : ''}
      </div>`;
    const name = card.querySelector('.dep-name');
    name.value = d.name;
    name.oninput = () => {
      d.name = name.value;
      renderBaseline();
    };
    card.querySelector('.remove').onclick = () => {
      state.deps.splice(i, 1);
      state.active = Math.max(0, Math.min(state.active, state.deps.length - 1));
      renderAll();
    };
    const reps = card.querySelector('.replicas');
    if (d.replicas.length === 0) {
      reps.innerHTML = '<span class="empty">No replicas yet: pick zones on the left.</span>';
    }
    d.replicas.forEach((z, j) => {
      const chip = document.createElement('span');
      chip.className = 'replica';
      chip.dataset.zone = z;
      chip.innerHTML = `<span class="pos">${j + 1}</span><span class="zid"></span>`;
      chip.querySelector('.zid').textContent = z;
      if (j > 0) {
        const up = document.createElement('button');
        up.type = 'button';
        up.className = 'icon';
        up.title = 'Earlier in the priority order';
        up.setAttribute('aria-label', `Move ${z} earlier`);
        up.textContent = '↑';
        up.onclick = () => {
          [d.replicas[j - 1], d.replicas[j]] = [d.replicas[j], d.replicas[j - 1]];
          renderDeployments();
        };
        chip.append(up);
      }
      const x = document.createElement('button');
      x.type = 'button';
      x.className = 'icon';
      x.title = 'Remove this replica';
      x.setAttribute('aria-label', `Remove replica ${j + 1} (${z})`);
      x.textContent = '×';
      x.onclick = () => {
        d.replicas.splice(j, 1);
        renderDeployments();
      };
      chip.append(x);
      reps.append(chip);
    });
    const add = card.querySelector('.zone-add');
    zoneOptions(add);
    add.onchange = () => {
      if (add.value) {
        d.replicas.push(add.value);
        state.active = i;
        renderDeployments();
      }
    };
    const kind = card.querySelector('.rule-kind');
    kind.onchange = () => {
      d.rule = kind.value;
      if (d.rule === 'active_passive' && (d.param === '' || !d.param.includes('.'))) d.param = '0.25';
      else if (d.rule !== 'active_passive' && d.rule !== 'majority' && !/^\d+$/.test(d.param)) d.param = '1';
      renderDeployments();
    };
    const param = card.querySelector('.rule-param');
    if (param) {
      param.value = d.param;
      param.oninput = () => {
        d.param = param.value;
      };
    }
    const est = card.querySelector('.dep-estimator');
    est.value = d.estimator;
    est.onchange = () => {
      d.estimator = est.value;
    };
    box.append(card);
  });
  if (state.deps.length < MAX_DEPLOYMENTS) {
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'deployment add-card';
    add.textContent = '+ Add a deployment';
    add.onclick = addDeployment;
    box.append(add);
  }
  $('deployment-count').textContent = `${state.deps.length} of ${MAX_DEPLOYMENTS}`;
  $('add-deployment').disabled = state.deps.length >= MAX_DEPLOYMENTS;
  renderBaseline();
}

function renderPresets() {
  const box = $('presets');
  box.querySelectorAll('button').forEach((b) => b.remove());
  for (const d of state.defaults.deployment) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'pill preset';
    b.dataset.preset = d.name;
    b.textContent = d.name;
    b.onclick = () => {
      if (state.deps.some((x) => x.name === d.name)) {
        status(`${d.name} is already in the study.`);
        return;
      }
      if (state.deps.length >= MAX_DEPLOYMENTS) {
        status(`At most ${MAX_DEPLOYMENTS} deployments: remove one first.`);
        return;
      }
      state.deps.push(depFromScenario(d));
      state.active = state.deps.length - 1;
      renderDeployments();
    };
    box.append(b);
  }
}

function renderAll() {
  renderSettings();
  renderDeployments();
}

function addDeployment() {
  if (state.deps.length >= MAX_DEPLOYMENTS) {
    status(`At most ${MAX_DEPLOYMENTS} deployments.`);
    return;
  }
  let n = state.deps.length + 1;
  while (state.deps.some((d) => d.name === `deployment-${n}`)) n++;
  state.deps.push({ name: `deployment-${n}`, replicas: [], rule: 'at_least', param: '1', estimator: '', extra: {} });
  state.active = state.deps.length - 1;
  renderDeployments();
}

function addReplica(zone) {
  if (state.deps.length === 0) addDeployment();
  const d = state.deps[Math.min(state.active, state.deps.length - 1)];
  d.replicas.push(zone);
  renderDeployments();
}

function status(text) {
  $('status').textContent = text;
}

function bindSettings() {
  const bind = (id, key) => {
    const el = $(id);
    const ev = el.tagName === 'SELECT' ? 'change' : 'input';
    el.addEventListener(ev, () => {
      state.sim[key] = el.value;
    });
  };
  bind('trials', 'trials');
  bind('horizon', 'horizon_hours');
  bind('seed', 'seed');
  bind('start', 'start');
  bind('sla', 'sla_targets');
  bind('baseline', 'baseline');
  bind('estimator', 'estimator');
}

// ---------------------------------------------------------------------------
// Messages next to their fields.

function clearErrors() {
  document.querySelectorAll('.field-error').forEach((e) => e.remove());
  document.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const g = $('general-errors');
  g.hidden = true;
  g.innerHTML = '';
}

// The element whose data-field is the longest prefix of `field`, ending at
// a path boundary (`deployment[0].rule` holds `deployment[0].rule.k`).
function fieldElement(field) {
  let best = null;
  for (const el of document.querySelectorAll('[data-field]')) {
    const f = el.dataset.field;
    const fits = field === f || (field.startsWith(f) && '.['.includes(field[f.length]));
    if (fits && (!best || f.length > best.dataset.field.length)) best = el;
  }
  return best;
}

// Each message goes next to its field (`place`: the errors are about the
// form), or only into the list under the settings (a file being loaded).
function showErrors(reply, { place = true } = {}) {
  clearErrors();
  const general = [];
  for (const e of reply.errors ?? []) {
    const el = place && e.field ? fieldElement(e.field) : null;
    if (!el) {
      general.push(e);
      continue;
    }
    const msg = document.createElement('div');
    msg.className = 'field-error';
    msg.setAttribute('role', 'alert');
    msg.dataset.for = e.field;
    msg.textContent = e.message;
    msg.title = e.text;
    // The input the message is about: the field itself, else the first text
    // input in its block (a rule's k), else its first select.
    const input = el.matches('input, select') ? el : el.querySelector('input') ?? el.querySelector('select');
    if (input) input.setAttribute('aria-invalid', 'true');
    if (el.matches('input, select')) el.closest('.field, .dep-head, .dep-row, label')?.after(msg) ?? el.after(msg);
    else if (el.id === 'deployments-card') el.querySelector('.deployments').before(msg);
    else el.append(msg);
  }
  const g = $('general-errors');
  const lines = reply.errors?.length ? reply.errors.map((e) => e.text) : [reply.summary];
  g.innerHTML = '<strong>The study cannot run:</strong>';
  const pre = document.createElement('pre');
  pre.textContent = lines.join('\n');
  g.append(pre);
  g.hidden = false;
  if (general.length === 0) g.classList.add('located');
  else g.classList.remove('located');
  // Bring the first message into view.
  (document.querySelector('.field-error') ?? g).scrollIntoView({ block: 'center', behavior: 'instant' });
}

// ---------------------------------------------------------------------------
// Running.

let running = false;

async function run() {
  if (running) return;
  clearErrors();
  const text = scenarioJson();
  updateHash();
  running = true;
  $('run').disabled = true;
  $('stop').hidden = false;
  const total = Number(state.sim.trials) || 0;
  const bar = $('progress');
  bar.max = Math.max(1, total);
  bar.value = 0;
  $('progress-box').hidden = false;
  $('progress-text').textContent = 'starting…';
  status('');
  onProgress = (done) => {
    bar.value = done;
    $('progress-text').textContent = done >= total
      ? `${fmtInt(done)} trials; estimating rare events…`
      : `${fmtInt(done)} of ${fmtInt(total)} trials`;
  };
  document.body.dataset.state = 'running';
  let outcome = 'error';
  try {
    const reply = await ask('run', text, 1);
    if (!reply.ok) {
      showErrors(reply);
      status('Not run: see the messages above.');
      return;
    }
    lastRun = reply;
    renderResults(reply);
    outcome = 'done';
  } catch (e) {
    if (e.message === 'stopped') {
      status('Stopped before the end: no result.');
    } else {
      // The module trapped (a bug, never bad input): start a fresh one.
      status(`The run stopped: ${e.message}`);
      worker.terminate();
      startWorker();
    }
  } finally {
    running = false;
    $('run').disabled = false;
    $('stop').hidden = true;
    $('progress-box').hidden = true;
    onProgress = () => {};
    document.body.dataset.state = outcome;
  }
}

function stop() {
  if (!running) return;
  worker.terminate();
  for (const c of calls.values()) c.reject(new Error('stopped'));
  calls.clear();
  startWorker();
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

function renderResults(reply) {
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

  // The table: the CLI's columns and cells.
  const t = $('figures');
  const sla = reply.headers.slice(12);
  const per = year ? 'per year' : 'per trial';
  t.innerHTML = `
    <thead>
      <tr class="groups">
        <th rowspan="2" class="name">deployment</th>
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
  reply.rows.forEach((row, i) => {
    const tr = document.createElement('tr');
    tr.dataset.deployment = result.deployments[i].name;
    row.forEach((cell, j) => {
      const td = document.createElement(j === 0 ? 'th' : 'td');
      td.dataset.col = String(j);
      if (j === 0) {
        td.scope = 'row';
        td.className = 'name';
        td.innerHTML = `<span class="swatch" style="--colour:${COLOURS[i % COLOURS.length]}"></span>`;
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
    <caption>Against “${esc(result.comparison.baseline)}” on the same sampled outages (minutes ${per}; negative: less downtime)</caption>
    <thead><tr><th class="name">deployment</th><th>downtime diff mean</th><th>95% CI</th>
    <th>P(less downtime)</th><th>P(more downtime)</th><th>variance reduction</th></tr></thead>`;
  const cb = document.createElement('tbody');
  for (const row of against) {
    const tr = document.createElement('tr');
    tr.dataset.deployment = row[0];
    row.forEach((cell, j) => {
      const td = document.createElement(j === 0 ? 'th' : 'td');
      if (j === 0) td.className = 'name';
      td.dataset.col = String(j);
      td.textContent = cell;
      tr.append(td);
    });
    cb.append(tr);
  }
  c.append(cb);
  $('cli-text').textContent = reply.table;
  status(`Done: ${fmtInt(result.trials)} trials.`);
}

// ---------------------------------------------------------------------------
// Files and links.

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function saveToml() {
  clearErrors();
  const reply = await ask('toToml', scenarioJson());
  if (!reply.ok) {
    showErrors(reply);
    return;
  }
  download('study.toml', reply.text, 'application/toml');
}

async function loadText(text, name, { fromLink = false } = {}) {
  const reply = await ask('load', text, name);
  if (!reply.ok) {
    showErrors(reply, { place: false });
    status(`${fromLink ? 'The link' : name} holds a study that cannot run: see the messages.`);
    return false;
  }
  clearErrors();
  state.catalog = reply.catalog;
  if (reply.catalog) {
    state.fileModel = null;
    state.model = state.catalogueModel;
  } else {
    const { region, zone, common_cause } = reply.model;
    state.fileModel = { region, zone, common_cause };
    state.model = reply.model;
  }
  state.sim = simFromSettings(reply.simulation, reply.seed_text);
  const deps = reply.deployment.map(depFromScenario);
  state.deps = deps.slice(0, MAX_DEPLOYMENTS);
  state.active = 0;
  renderProviders();
  renderCatalogue();
  renderAll();
  const notes = [];
  if (deps.length > MAX_DEPLOYMENTS) {
    notes.push(`the page holds ${MAX_DEPLOYMENTS} deployments: the first ${MAX_DEPLOYMENTS} of ${deps.length} were kept`);
  }
  if (reply.has_plan) notes.push('its [plan] table is for `zonesim plan` and is not shown here');
  status(`${fromLink ? 'Study from the link' : `Loaded ${name}`}${notes.length ? `; ${notes.join('; ')}` : ''}.`);
  return true;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// ---------------------------------------------------------------------------

async function main() {
  startWorker();
  bindSettings();
  const cat = await ask('catalogue');
  state.catalogueModel = cat.model;
  state.model = cat.model;
  state.defaults = cat.default_study;
  state.sim = simFromSettings(cat.default_study.simulation);
  // A first study that asks the board's question: one zone, both Paris
  // zones, Paris plus Frankfurt, three hubs.
  const first = ['single-zone', 'paris-both-zones', 'paris-quorum+frankfurt', 'three-hubs-active'];
  state.deps = cat.default_study.deployment.filter((d) => first.includes(d.name)).map(depFromScenario);
  renderProviders();
  renderCatalogue();
  renderPresets();
  renderAll();

  $('run').onclick = run;
  $('stop').onclick = stop;
  $('add-deployment').onclick = addDeployment;
  $('clear-deployments').onclick = () => {
    state.deps = [];
    state.active = 0;
    renderDeployments();
  };
  $('save-json').onclick = () => download('study.json', scenarioJson(), 'application/json');
  $('save-toml').onclick = saveToml;
  $('save-catalogue').onclick = async () => {
    const reply = await ask('catalogueToml');
    download('eu-hubs.toml', reply.text, 'application/toml');
  };
  $('save-result').onclick = () => lastRun && download('result.json', lastRun.result_json, 'application/json');
  $('copy-link').onclick = async () => {
    updateHash();
    try {
      await navigator.clipboard.writeText(location.href);
      status('Link copied: it holds the whole study.');
    } catch {
      status('The address bar now holds the whole study.');
    }
  };
  $('load-file').onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    await loadText(await file.text(), file.name);
    e.target.value = '';
  };

  const m = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
  if (m) {
    let text = null;
    try {
      text = decodeHash(m[1]);
    } catch {
      status('The link does not hold a study (bad encoding).');
    }
    if (text !== null) await loadText(text, 'link.json', { fromLink: true });
  }
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  status(`The page could not start: ${e.message}`);
  document.body.dataset.ready = 'failed';
});
