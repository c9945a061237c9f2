// The planning page: the catalogue, the study form, runs in a worker, the
// results. Every figure and every message comes from the zonesim library
// (compiled to WebAssembly, web/wasm); this file only lays them out.
import { COLOURS } from './chart.js';
import { PROVIDERS, renderCatalogue, renderProviders } from './catalogue.js';
import { clearErrors, showErrors } from './errors.js';
import { renderResults } from './results.js';
import { decodeHash, encodeHash, num, toJson } from './studyfile.js';
import {
  MAX_SERVICES, bindValue, iconButton, keepServices, removePart, renamePart, renderServices, serviceFromScenario, servicesToScenario,
} from './services.js';

const MAX_DEPLOYMENTS = 4;
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
  services: [],
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
    sla_window_hours: String(s.sla_window_hours ?? 730),
    sla_credits: (s.sla_credits ?? []).map((b) => `${b.below}=${b.credit}`).join(', '),
  };
}

// Credit bands as typed: `below=credit` pairs (`0.999=0.1, 0.99=0.25`); an
// entry of another form goes to the library as it is, to be refused there.
function creditBands(text) {
  if (text.trim() === '') return undefined;
  return text.split(/[,;]/).map((x) => x.trim()).filter((x) => x !== '').map((x) => {
    const m = x.match(/^([^=:]+?)\s*[=:]\s*(.+)$/);
    return m ? { below: num(m[1]), credit: num(m[2]) } : x;
  });
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
  if (d.release_failures) extra.release_failures = d.release_failures;
  return { name: d.name, replicas: [...d.replicas], rule, param, estimator: d.estimator ?? '', extra };
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
    sla_window_hours: num(s.sla_window_hours),
    sla_credits: creditBands(s.sla_credits),
  };
  o.simulation = sim;
  o.deployment = state.deps.map((d) => {
    let rule;
    if (d.rule === 'majority') rule = 'majority';
    else if (d.rule === 'active_passive') rule = { active_passive: { failover_hours: num(d.param) ?? '' } };
    else rule = { [d.rule]: num(d.param) ?? '' };
    return { name: d.name, replicas: d.replicas, rule, estimator: d.estimator || undefined, ...d.extra };
  });
  if (state.services.length) o.service = servicesToScenario(state.services, num);
  return o;
}

const scenarioJson = () => toJson(scenario()) + '\n';

// ---------------------------------------------------------------------------
// The study in the address: #s= and the scenario JSON in base64url.

function updateHash() {
  history.replaceState(null, '', '#s=' + encodeHash(toJson(scenario(), '', true)));
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
  $('sla-window').value = state.sim.sla_window_hours;
  $('sla-credits').value = state.sim.sla_credits;
  renderBaseline();
}

function renderBaseline() {
  const sel = $('baseline');
  sel.innerHTML = '';
  const first = document.createElement('option');
  first.value = '';
  first.textContent = state.deps.length ? `the first (${state.deps[0].name})` : 'the first deployment';
  sel.append(first);
  for (const d of [...state.deps, ...state.services]) {
    const o = document.createElement('option');
    o.value = d.name;
    o.textContent = d.name;
    sel.append(o);
  }
  const named = [...state.deps, ...state.services].some((d) => d.name === state.sim.baseline);
  if (state.sim.baseline && !named) {
    const o = document.createElement('option');
    o.value = state.sim.baseline;
    o.textContent = `${state.sim.baseline} (not a deployment or service)`;
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
        ${d.extra.release_failures ? '<span class="tag" title="From the loaded file">release failures</span>' : ''}
      </div>`;
    const name = card.querySelector('.dep-name');
    name.value = d.name;
    name.oninput = () => {
      const old = d.name;
      d.name = name.value;
      renamePart(state.services, old, d.name);
      if (state.sim.baseline === old) state.sim.baseline = d.name;
      renderBaseline();
      drawServices();
    };
    card.querySelector('.remove').onclick = () => {
      state.deps.splice(i, 1);
      removePart(state.services, d.name);
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
        chip.append(iconButton('↑', 'Earlier in the priority order', `Move ${z} earlier`, () => {
          [d.replicas[j - 1], d.replicas[j]] = [d.replicas[j], d.replicas[j - 1]];
          renderDeployments();
        }));
      }
      chip.append(iconButton('×', 'Remove this replica', `Remove replica ${j + 1} (${z})`, () => {
        d.replicas.splice(j, 1);
        renderDeployments();
      }));
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
    bindValue(card.querySelector('.rule-param'), d, 'param');
    bindValue(card.querySelector('.dep-estimator'), d, 'estimator');
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
  drawServices();
}

function drawServices() {
  renderServices($('services'), { state, changed: renderBaseline, status });
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
  bind('sla-window', 'sla_window_hours');
  bind('sla-credits', 'sla_credits');
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
    status(`Done: ${fmtInt(JSON.parse(reply.result_json).trials)} trials.`);
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

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

function stop() {
  if (!running) return;
  worker.terminate();
  for (const c of calls.values()) c.reject(new Error('stopped'));
  calls.clear();
  startWorker();
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
  const services = keepServices((reply.service ?? []).map(serviceFromScenario), state.deps.map((d) => d.name));
  state.services = services.kept;
  state.active = 0;
  renderProviders(state, addReplica);
  renderCatalogue(state, addReplica);
  renderAll();
  const notes = [];
  if (deps.length > MAX_DEPLOYMENTS) {
    notes.push(`the page holds ${MAX_DEPLOYMENTS} deployments: the first ${MAX_DEPLOYMENTS} of ${deps.length} were kept`);
  }
  if (services.dropped.length) {
    const why = services.limited ? `the page holds ${MAX_SERVICES}, or they use deployments not kept` : 'they use deployments not kept';
    notes.push(`services left out (${why}): ${services.dropped.join(', ')}`);
  }
  if (reply.has_precision) notes.push('its precision target is for `zonesim run` and is left out: the page runs exactly its trials');
  if (reply.has_plan) notes.push('its [plan] table is for `zonesim plan` and is not shown here');
  status(`${fromLink ? 'Study from the link' : `Loaded ${name}`}${notes.length ? `; ${notes.join('; ')}` : ''}.`);
  return true;
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
  renderProviders(state, addReplica);
  renderCatalogue(state, addReplica);
  renderPresets();
  renderAll();

  $('run').onclick = run;
  $('stop').onclick = stop;
  $('add-deployment').onclick = addDeployment;
  $('clear-deployments').onclick = () => {
    state.deps = [];
    state.services = [];
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
