// The page's services: `[[service]]` of a scenario file, a service up when
// `all` of its parts are, `any` of them, or `at_least = k` `of` them; a
// part is one of the page's deployments or another service. The library
// judges them (names, cycles, k out of range): this file only edits them.
import { COLOURS } from './chart.js';

/** The most services the page holds (as many as deployments). */
export const MAX_SERVICES = 4;

const KINDS = [
  ['all', 'all of'],
  ['any', 'any of'],
  ['at_least', 'at least k of'],
];

/** A service as the page edits it, from the scenario's form. */
export function serviceFromScenario(s) {
  const u = s.up_when ?? {};
  let kind = 'all';
  let k = '2';
  let parts = [];
  if (Array.isArray(u.all)) parts = u.all;
  else if (Array.isArray(u.any)) {
    kind = 'any';
    parts = u.any;
  } else if (u.at_least !== undefined) {
    kind = 'at_least';
    k = String(u.at_least);
    parts = u.of ?? [];
  }
  const extra = {};
  if (s.release_failures) extra.release_failures = s.release_failures;
  return { name: s.name, kind, k, parts: [...parts], extra };
}

/**
 * The services in the scenario's form; `num` turns a typed number into
 * what the file holds (a number as typed, or the text for the library to
 * refuse).
 */
export function servicesToScenario(services, num) {
  return services.map((s) => {
    const parts = [...s.parts];
    const up = s.kind === 'at_least' ? { at_least: num(s.k) ?? '', of: parts } : { [s.kind]: parts };
    return { name: s.name, up_when: up, ...s.extra };
  });
}

/**
 * The services of a loaded file that the page keeps: those made (directly or
 * through other services) only of the `kept` deployments, at most
 * MAX_SERVICES of them in the file's order. Returns them, the names of
 * those left out, and whether the limit left any out.
 */
export function keepServices(services, kept) {
  // Those whose parts all resolve to kept deployments (in any order).
  const resolvable = (pool) => {
    const names = new Set(kept);
    const ok = new Set();
    for (let changed = true; changed;) {
      changed = false;
      for (const s of pool) {
        if (!ok.has(s) && s.parts.every((p) => names.has(p))) {
          ok.add(s);
          names.add(s.name);
          changed = true;
        }
      }
    }
    return pool.filter((s) => ok.has(s));
  };
  const made = resolvable(services);
  let out = made.slice(0, MAX_SERVICES);
  // A service over one the limit left out goes too.
  for (let n = -1; n !== out.length;) {
    n = out.length;
    out = resolvable(out);
  }
  return {
    kept: out,
    dropped: services.filter((s) => !out.includes(s)).map((s) => s.name),
    limited: made.length > MAX_SERVICES,
  };
}

/**
 * Shows `obj[key]` in the input or select `el` (if there is one) and keeps
 * it up to date with what is typed or chosen there.
 */
export function bindValue(el, obj, key) {
  if (!el) return;
  el.value = obj[key];
  el.addEventListener(el.tagName === 'SELECT' ? 'change' : 'input', () => {
    obj[key] = el.value;
  });
}

/** A small button with a symbol (`text`), a tooltip and a label. */
export function iconButton(text, title, label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'icon';
  b.title = title;
  b.setAttribute('aria-label', label);
  b.textContent = text;
  b.onclick = onClick;
  return b;
}

/** A part renamed (a deployment or service): every service follows. */
export function renamePart(services, from, to) {
  if (from === to) return;
  for (const s of services) s.parts = s.parts.map((p) => (p === from ? to : p));
}

/** A part removed: every service drops it. */
export function removePart(services, name) {
  for (const s of services) s.parts = s.parts.filter((p) => p !== name);
}

/**
 * Draws the services' editor into `box`. `ctx`: `state` (deps, services),
 * `changed()` after an edit that other parts of the page show (names),
 * `status(text)`.
 */
export function renderServices(box, ctx) {
  const { state } = ctx;
  const redraw = () => renderServices(box, ctx);
  box.innerHTML = '';
  state.services.forEach((s, i) => {
    const card = document.createElement('article');
    card.className = 'service';
    card.dataset.field = `service[${i}]`;
    card.dataset.index = String(i);
    card.style.setProperty('--colour', COLOURS[(state.deps.length + i) % COLOURS.length]);
    const kinds = KINDS.map(([v, t]) => `<option value="${v}"${v === s.kind ? ' selected' : ''}>${t}</option>`).join('');
    card.innerHTML = `
      <div class="dep-head">
        <span class="swatch" aria-hidden="true"></span>
        <input class="svc-name" aria-label="Name of service ${i + 1}" data-field="service[${i}].name" spellcheck="false">
        <button type="button" class="icon remove" title="Remove this service" aria-label="Remove service ${i + 1}">×</button>
      </div>
      <div class="up-when" data-field="service[${i}].up_when">
        <div class="dep-row rule">
          <span class="small">up when</span>
          <select class="svc-kind" aria-label="How the parts combine">${kinds}</select>
          ${s.kind === 'at_least' ? '<label class="param"><span>k</span><input class="svc-k" inputmode="numeric" spellcheck="false" aria-label="k"></label>' : ''}
        </div>
        <div class="replicas parts"></div>
        <div class="dep-row">
          <select class="part-add" aria-label="Add a part"></select>
        </div>
      </div>
      ${s.extra.release_failures ? '<div class="dep-row"><span class="tag" title="From the loaded file">release failures</span></div>' : ''}`;
    const name = card.querySelector('.svc-name');
    name.value = s.name;
    name.oninput = () => {
      const old = s.name;
      s.name = name.value;
      renamePart(state.services, old, s.name);
      if (state.sim.baseline === old) state.sim.baseline = s.name;
      ctx.changed();
      // The other services' part chips show the new name.
      for (const chip of box.querySelectorAll('.part')) {
        if (chip.dataset.part === old) {
          chip.dataset.part = s.name;
          chip.querySelector('.zid').textContent = s.name;
        }
      }
    };
    card.querySelector('.remove').onclick = () => {
      state.services.splice(i, 1);
      removePart(state.services, s.name);
      redraw();
      ctx.changed();
    };
    const kind = card.querySelector('.svc-kind');
    kind.onchange = () => {
      s.kind = kind.value;
      redraw();
    };
    bindValue(card.querySelector('.svc-k'), s, 'k');
    const parts = card.querySelector('.parts');
    if (s.parts.length === 0) parts.innerHTML = '<span class="empty">No parts yet: add deployments or services.</span>';
    s.parts.forEach((p, j) => {
      const chip = document.createElement('span');
      chip.className = 'replica part';
      chip.dataset.part = p;
      chip.innerHTML = '<span class="zid"></span>';
      chip.querySelector('.zid').textContent = p;
      chip.append(iconButton('×', 'Remove this part', `Remove part ${j + 1} (${p})`, () => {
        s.parts.splice(j, 1);
        redraw();
      }));
      parts.append(chip);
    });
    const add = card.querySelector('.part-add');
    add.innerHTML = '<option value="">add a part…</option>';
    const groups = [['deployments', state.deps.map((d) => d.name)],
      ['services', state.services.filter((o) => o !== s).map((o) => o.name)]];
    for (const [label, names] of groups) {
      if (names.length === 0) continue;
      const g = document.createElement('optgroup');
      g.label = label;
      for (const n of names) {
        const o = document.createElement('option');
        o.value = n;
        o.textContent = n;
        g.append(o);
      }
      add.append(g);
    }
    add.onchange = () => {
      if (add.value) {
        s.parts.push(add.value);
        redraw();
      }
    };
    box.append(card);
  });
  if (state.services.length < MAX_SERVICES) {
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'service add-card';
    add.id = 'add-service';
    add.textContent = '+ Add a service over the deployments';
    add.onclick = () => {
      let n = state.services.length + 1;
      const taken = (x) => state.deps.some((d) => d.name === x) || state.services.some((o) => o.name === x);
      while (taken(`service-${n}`)) n++;
      state.services.push({ name: `service-${n}`, kind: 'all', k: '2', parts: [], extra: {} });
      redraw();
      ctx.changed();
    };
    box.append(add);
  }
  const count = document.getElementById('service-count');
  if (count) count.textContent = `${state.services.length} of ${MAX_SERVICES}`;
}
