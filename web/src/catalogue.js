// The catalogue panel: the model's regions as a matrix, a row per provider
// and a column per country (the EU's first, then the others), each cell
// the provider's regions there with their zones as buttons.

const $ = (id) => document.getElementById(id);

/** Providers' names as the page shows them. */
export const PROVIDERS = {
  alibaba: 'Alibaba Cloud',
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'Google Cloud',
  ovhcloud: 'OVHcloud',
};
const COUNTRIES = { FR: 'France', DE: 'Germany', GB: 'United Kingdom', IE: 'Ireland', NL: 'Netherlands' };

export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function shortZone(zoneId, regionId) {
  return zoneId.startsWith(regionId + '-') ? zoneId.slice(regionId.length + 1) : zoneId;
}

/** The provider filter: a pill per provider; `onZone(id)` as in [`renderCatalogue`]. */
export function renderProviders(state, onZone) {
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
      renderProviders(state, onZone);
      renderCatalogue(state, onZone);
    };
    box.append(b);
  }
}

// A matrix: a row per provider, a column per country (those in the EU
// first, then the others), each cell the provider's regions there.
export function renderCatalogue(state, onZone) {
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
          b.onclick = () => onZone(z.id);
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
