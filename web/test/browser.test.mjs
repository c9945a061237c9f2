// The planning page in Debian's chromium (driven by playwright-core),
// checked against the zonesim command line. Run by web/test.sh, which
// builds the CLI, serves web/dist on 127.0.0.1 and passes:
//   ZONESIM_URL      the page's address
//   ZONESIM_BIN      the zonesim binary
//   ZONESIM_OUT      where the screenshot and the measurements go (CI artefacts)
//   ZONESIM_SHOT     the README's screenshot (docs/img/web.png)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const URL_ = process.env.ZONESIM_URL;
const BIN = process.env.ZONESIM_BIN;
const OUT = resolve(process.env.ZONESIM_OUT ?? 'artifacts');
const SHOT = process.env.ZONESIM_SHOT;
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
assert.ok(URL_ && BIN, 'ZONESIM_URL and ZONESIM_BIN must be set (run web/test.sh)');
mkdirSync(OUT, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'zonesim-web-'));
let context;
let page;
const pageErrors = [];

// The zonesim CLI: stdout of a successful command.
function cli(...args) {
  return execFileSync(BIN, args, { encoding: 'utf8', maxBuffer: 64 << 20, cwd: work });
}
// The CLI's result of a failing command: its exit status and stderr.
function cliFails(...args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', cwd: work });
  return { status: r.status, stderr: r.stderr };
}
// `zonesim validate` on the page's study saved as study.json (the name the
// page's messages use), in a directory of its own: its exit status and stderr.
async function validatePageStudy(dir) {
  mkdirSync(join(work, dir), { recursive: true });
  await saveFrom('#save-json', join(dir, 'study.json'));
  const r = spawnSync(BIN, ['validate', 'study.json'], { encoding: 'utf8', cwd: join(work, dir) });
  return { status: r.status, stderr: r.stderr };
}

async function newPage(url = URL_) {
  const p = await context.newPage();
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await p.goto(url);
  await p.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return p;
}

async function runPage(p = page) {
  await p.click('#run');
  await p.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120000 });
  return p.evaluate(() => document.body.dataset.state);
}

// A file the page downloads (Save JSON, Save TOML, Download result), saved
// under `name` in the work directory; returns its path.
async function saveFrom(button, name, p = page) {
  const [dl] = await Promise.all([p.waitForEvent('download'), p.click(button)]);
  const path = join(work, name);
  await dl.saveAs(path);
  return path;
}

async function setInput(selector, value, p = page) {
  await p.fill(selector, value);
}

async function clearDeployments(p = page) {
  await p.click('#clear-deployments');
  assert.equal(await p.locator('#deployments article').count(), 0);
}

async function tableRows(p = page) {
  return p.$$eval('#figures tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
}

before(async () => {
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'zonesim-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await newPage();
});

after(async () => {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
});

// Rust's `{:.N}` and `{:.Ne}` on the CLI's JSON numbers, as the CLI's table
// writes them (src/bin/zonesim/table/format.rs), written here apart from the
// page's own formatting (which is the library's, in the wasm).
const fixed = (x, n) => x.toFixed(n);
const minutes = (m) => (Math.abs(m) >= 1e5 ? m.toExponential(3) : m.toFixed(1));
function halfwidth(h) {
  if (h === 0) return '±0';
  return h < 5e-8 ? `±${h.toExponential(1)}` : `±${h.toFixed(7)}`;
}
// The CLI's table row of a deployment, from the CLI's JSON.
function expectedRow(d, trials) {
  const a = d.availability;
  const dm = d.downtime_minutes;
  const u = d.unavailability;
  let head;
  if (d.importance) {
    head = [`${d.name} (IS)`, `U ${u.mean.toExponential(2)}`,
      `±${(((u.ci95[1] - u.mean) / u.mean) * 100).toFixed(1)}%`, (-Math.log10(u.mean)).toFixed(2)];
  } else if (dm.mean === 0) {
    const bound = -Math.expm1(Math.log(0.05) / trials);
    head = [d.name, 'no downtime', '-', `> ${(-Math.log10(bound)).toFixed(2)}`];
  } else {
    head = [d.name, fixed(a.mean, 7), halfwidth(Math.max(a.mean - a.ci95[0], a.ci95[1] - a.mean)),
      (-Math.log10(1 - a.mean)).toFixed(2)];
  }
  return [
    ...head,
    minutes(dm.mean), minutes(dm.percentiles.p50), minutes(dm.percentiles.p95), minutes(dm.percentiles.p99),
    fixed(d.outages.mean, 4), fixed(d.outages.p_none, 4),
    minutes(d.longest_outage_minutes.mean), minutes(d.longest_outage_minutes.p99),
    ...d.sla.map((s) => fixed(s.p_meets, 4)),
  ];
}

// The page's result against the CLI's: equal to the bit, every figure
// (issue 16: the library calls `libm`'s elementary functions in every build,
// so the importance-sampling estimates and the paired differences are the
// same bits in WebAssembly as natively). Key order too, as the JSON has it.
function assertSameResult(page, cli) {
  const walk = (a, b, path) => {
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      assert.deepEqual(Object.keys(a), Object.keys(b), path);
      for (const k of Object.keys(b)) walk(a[k], b[k], `${path}.${k}`);
      return;
    }
    assert.ok(Object.is(a, b), `${path}: ${a} against the CLI's ${b}`);
  };
  walk(page, cli, 'result');
}

// The CLI text table's tokens for one deployment (its row in every block).
function cliRowTokens(text, name) {
  // The main table: up to the next block (SLA windows, or the comparison).
  const ends = ['\nSLA windows', '\nPaired comparison'].map((m) => text.indexOf(m)).filter((i) => i >= 0);
  const table = ends.length ? text.slice(0, Math.min(...ends)) : text;
  const lines = table.split('\n').filter((l) => l.startsWith(name + ' '));
  return lines.map((l) => l.slice(name.length)).join(' ').trim().split(/\s+/);
}

test('the catalogue: a row per provider, a column per country, EU and outside, as the CLI has it', async () => {
  const cat = JSON.parse(cli('catalog', '--format', 'json'));
  const inEu = (r) => r.in_eu ?? r.country !== 'GB';
  for (const [eu, expectEu] of [['true', true], ['false', false]]) {
    const shown = await page.$$eval(`#catalogue td[data-eu="${eu}"] .region`, (rs) => rs.map((r) => ({
      id: r.dataset.region,
      provider: r.closest('tr').dataset.provider,
      country: r.closest('td').dataset.country,
      zones: [...r.querySelectorAll('.zone')].map((z) => z.dataset.zone),
    })));
    const expected = cat.region.filter((r) => inEu(r) === expectEu);
    assert.deepEqual(shown.map((r) => r.id).sort(), expected.map((r) => r.id).sort());
    for (const r of shown) {
      const e = cat.region.find((x) => x.id === r.id);
      assert.equal(r.provider, e.provider, r.id);
      assert.equal(r.country, e.country, r.id);
      assert.deepEqual(r.zones, cat.zone.filter((z) => z.region === r.id).map((z) => z.id), r.id);
    }
  }
  // London is outside the EU; Paris and Frankfurt in it; every provider has its row.
  const countries = await page.$$eval('#catalogue th.country', (ts) => ts.map((t) => [t.textContent.trim(), t.dataset.eu]));
  assert.deepEqual(countries, [['France FR', 'true'], ['Germany DE', 'true'], ['United Kingdom GB', 'false']]);
  const providers = await page.locator('#catalogue th.provider').allTextContents();
  assert.deepEqual(providers, ['Alibaba Cloud', 'AWS', 'Azure', 'Google Cloud', 'OVHcloud']);
  // Hiding a provider hides its row.
  await page.click('#provider-filter .pill:has-text("OVHcloud")');
  assert.equal(await page.locator('#catalogue tr[data-provider="ovhcloud"]').count(), 0);
  await page.click('#provider-filter .pill:has-text("OVHcloud")');
  assert.equal(await page.locator('#catalogue tr[data-provider="ovhcloud"]').count(), 1);
  // The catalogue as a file: the CLI's dump.
  const saved = readFileSync(await saveFrom('#save-catalogue', 'eu-hubs.toml'), 'utf8');
  assert.equal(saved, cli('catalog', '--format', 'toml'));
});

test("the default study's deployments: the page's figures are the CLI's, to the bit", async () => {
  const expected = JSON.parse(cli('run', '--format', 'json')); // the built-in default study
  const chosen = ['single-zone', 'paris-quorum-2+1', 'three-hubs-active', 'paris-to-frankfurt-failover'];
  await clearDeployments();
  for (const name of chosen) await page.click(`#presets button[data-preset="${name}"]`);
  assert.deepEqual(await page.$$eval('#deployments .dep-name', (es) => es.map((e) => e.value)), chosen);
  assert.equal(await page.inputValue('#trials'), String(expected.trials));
  assert.equal(await page.inputValue('#seed'), String(expected.seed));
  assert.equal(await runPage(), 'done');

  // The result itself: every chosen deployment's summary equals the CLI's
  // (each deployment's streams are keyed by its name, so a study of four of
  // the six gives the same figures), and so does every zone's.
  const resultText = readFileSync(await saveFrom('#save-result', 'result.json'), 'utf8');
  const result = JSON.parse(resultText);
  assert.deepEqual(result.deployments.map((d) => d.name), chosen);
  const sameStudy = structuredClone(expected);
  sameStudy.deployments = chosen.map((n) => expected.deployments.find((e) => e.name === n));
  sameStudy.comparison = result.comparison; // a baseline of another study: compared below, on the same study
  sameStudy.warnings = expected.warnings.filter((w) => chosen.includes(w.deployment));
  // Every figure is the CLI's to the bit, the importance-sampling estimate
  // of three-hubs-active included.
  assertSameResult(result, sameStudy);
  assert.deepEqual(result.zones, expected.zones);
  assert.deepEqual(result.warnings, expected.warnings.filter((w) => chosen.includes(w.deployment)));

  // The table's cells are the CLI's formatting of the CLI's figures.
  const rows = await tableRows();
  assert.equal(rows.length, chosen.length);
  rows.forEach((row, i) => {
    const d = expected.deployments.find((e) => e.name === chosen[i]);
    assert.deepEqual(row, expectedRow(d, expected.trials), chosen[i]);
  });

  // Byte for byte: the page's study file, run by the CLI, gives the page's
  // result JSON and the page's text output; the TOML file gives the same.
  const json = await saveFrom('#save-json', 'study.json');
  const fromJson = cli('run', json, '--format', 'json');
  assert.equal(resultText, fromJson);
  const toml = await saveFrom('#save-toml', 'study.toml');
  assert.equal(cli('run', toml, '--format', 'json'), fromJson);
  const text = cli('run', json);
  assert.equal(await page.locator('#cli-text').textContent(), text);
  // The HTML table's rows are the CLI table's rows, cell for cell.
  rows.forEach((row) => {
    const name = row[0];
    assert.deepEqual(cliRowTokens(text, name), row.slice(1).join(' ').split(/\s+/), name);
  });
  // The warnings shown are the library's.
  const shown = await page.$$eval('#warnings .warning', (ws) => ws.map((w) => w.dataset.deployment));
  assert.deepEqual(shown, ['paris-quorum-2+1']);
  assert.match(await page.locator('#warnings').textContent(), /a single zone outage takes down the quorum/);
  // The chart: one legend entry per deployment, a line for each with downtime.
  assert.equal(await page.locator('#chart .legend li').count(), chosen.length);
  // A line for each chosen deployment with downtime in some trial (since
  // the provider-wide events, all of them).
  const withDowntime = expected.deployments
    .filter((d) => chosen.includes(d.name) && d.downtime_minutes.mean > 0).length;
  assert.equal(await page.locator('#chart path.series').count(), withDowntime);
  assert.equal(await page.locator('#chart line.budget').count(), expected.deployments[0].sla.length);

  // Speed: the browser's rate against the native single-thread rate.
  const browserRate = Number(await page.locator('#timing').getAttribute('data-trials-per-second'));
  const native = spawnSync(BIN, ['run', json, '--threads', '1', '--format', 'json'], { encoding: 'utf8', cwd: work });
  const m = native.stderr.match(/ran (\d+) trials in ([\d.]+) s \((\d+) trials\/s\)/);
  assert.ok(m, native.stderr);
  const wasmBytes = Number((await (await fetch(new URL('zonesim.wasm', URL_))).arrayBuffer()).byteLength);
  const speed = `zonesim.wasm: ${wasmBytes} bytes; the default study's four deployments above, `
    + `${expected.trials} trials: browser ${Math.round(browserRate)} trials/s, native 1 thread ${m[3]} trials/s `
    + `(browser/native ${(browserRate / Number(m[3])).toFixed(2)})\n`;
  writeFileSync(join(OUT, 'speed.txt'), speed);
  process.stdout.write(`# ${speed}`);
  assert.ok(browserRate > 0);

  if (SHOT) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUT, 'web.png'), fullPage: true });
    copyFileSync(join(OUT, 'web.png'), SHOT);
  }
});

test('a deployment built by clicking zones, with settings typed in, runs as the CLI runs its file', async () => {
  await clearDeployments();
  await page.click('#add-deployment');
  for (const z of ['aws-fr-par-az1', 'aws-fr-par-az2', 'aws-de-fra-az1']) await page.click(`#catalogue .zone[data-zone="${z}"]`);
  await page.selectOption('#deployments article:nth-of-type(1) .rule-kind', 'majority');
  await page.fill('#deployments article:nth-of-type(1) .dep-name', 'aws-paris-frankfurt');
  await page.click('#add-deployment');
  await page.click('#catalogue .zone[data-zone="gcp-fr-par-a"]');
  await page.click('#catalogue .zone[data-zone="gcp-de-fra-b"]');
  await page.selectOption('#deployments article:nth-of-type(2) .rule-kind', 'active_passive');
  await page.fill('#deployments article:nth-of-type(2) .rule-param', '0.5');
  await setInput('#trials', '20000');
  await setInput('#seed', '7');
  await setInput('#horizon', '720');
  await setInput('#sla', '0.999 0.9999');
  await page.selectOption('#baseline', 'deployment-2');
  assert.equal(await runPage(), 'done');
  const pageResult = readFileSync(await saveFrom('#save-result', 'built.json'), 'utf8');
  const study = await saveFrom('#save-json', 'built-study.json');
  const s = JSON.parse(readFileSync(study, 'utf8'));
  assert.deepEqual(s.deployment.map((d) => [d.name, d.replicas, d.rule]), [
    ['aws-paris-frankfurt', ['aws-fr-par-az1', 'aws-fr-par-az2', 'aws-de-fra-az1'], 'majority'],
    ['deployment-2', ['gcp-fr-par-a', 'gcp-de-fra-b'], { active_passive: { failover_hours: 0.5 } }],
  ]);
  assert.equal(cli('run', study, '--format', 'json'), pageResult);
  const r = JSON.parse(pageResult);
  assert.equal(r.trials, 20000);
  assert.equal(r.seed, 7);
  assert.equal(r.comparison.baseline, 'deployment-2');
  // Not a year: the headers say so, as the CLI's do.
  assert.match(await page.locator('#figures thead').textContent(), /P\(trial meets\)/);
  assert.equal(await page.locator('#cli-text').textContent(), cli('run', study));
});

test("bad input shows the library's message (the CLI's) next to the field", async () => {
  // A parse error: trials must be a whole number.
  await setInput('#trials', '-5');
  assert.equal(await runPage(), 'error');
  const trialsError = page.locator('#settings .field-error[data-for="simulation.trials"]');
  assert.equal(await trialsError.count(), 1);
  const message = await trialsError.textContent();
  let v = await validatePageStudy('bad-trials');
  assert.equal(v.status, 2);
  assert.ok(v.stderr.includes(`simulation.trials: ${message}`), `${v.stderr} lacks ${message}`);
  assert.equal(await page.getAttribute('#trials', 'aria-invalid'), 'true');
  const summary = await page.locator('#general-errors pre').textContent();
  assert.ok(v.stderr.includes(summary), `${v.stderr} lacks ${summary}`);

  // A problem of the study: a rule asking for more replicas than there are,
  // and an SLA target out of range; both next to their fields, both the CLI's.
  await setInput('#trials', '20000');
  await page.selectOption('#deployments article:nth-of-type(1) .rule-kind', 'at_least');
  await page.fill('#deployments article:nth-of-type(1) .rule-param', '9');
  await setInput('#sla', '0.999 1.5');
  assert.equal(await runPage(), 'error');
  const ruleError = page.locator('#deployments article:nth-of-type(1) .field-error[data-for="deployment[0].rule"]');
  assert.equal(await ruleError.count(), 1);
  assert.match(await ruleError.textContent(), /at_least = 9 needs 1 <= k <= 3/);
  const slaError = page.locator('#settings .field-error[data-for^="simulation.sla_targets"]');
  assert.equal(await slaError.count(), 1);
  v = await validatePageStudy('bad-rule');
  assert.equal(v.status, 2);
  for (const m of [await ruleError.textContent(), await slaError.textContent()]) {
    assert.ok(v.stderr.includes(m), `${v.stderr} lacks ${m}`);
  }
  // The list under the settings has the CLI's lines, located.
  for (const line of (await page.locator('#general-errors pre').textContent()).split('\n')) {
    assert.ok(v.stderr.includes(line), `${v.stderr} lacks ${line}`);
  }

  // Fixed, the messages go and the run goes through.
  await page.fill('#deployments article:nth-of-type(1) .rule-param', '2');
  await setInput('#sla', '0.999');
  assert.equal(await runPage(), 'done');
  assert.equal(await page.locator('.field-error').count(), 0);
  assert.equal(await page.isHidden('#general-errors'), true);
});

test('the study travels in the link, and a scenario file loads and runs as the CLI runs it', async () => {
  // The address holds the study of the last run: a new tab shows it.
  const link = page.url();
  assert.match(link, /#s=[A-Za-z0-9_-]+$/);
  const p2 = await newPage(link);
  assert.deepEqual(
    await p2.$$eval('#deployments .dep-name', (es) => es.map((e) => e.value)),
    ['aws-paris-frankfurt', 'deployment-2'],
  );
  assert.equal(await p2.inputValue('#trials'), '20000');
  assert.equal(await p2.inputValue('#horizon'), '720');
  await p2.close();

  // A file with its own regions, zones, common causes and replica failures.
  const file = join(ROOT, 'scenarios', 'issue3-example.toml');
  await page.setInputFiles('#load-file', file);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Loaded issue3-example.toml'));
  assert.deepEqual(await page.$$eval('#deployments .dep-name', (es) => es.map((e) => e.value)), ['paris-2+2', 'paris-ha-pair']);
  assert.match(await page.locator('#catalogue-source').textContent(), /loaded file's model: 1 regions, 2 zones/);
  assert.equal(await runPage(), 'done');
  const pageResult = readFileSync(await saveFrom('#save-result', 'issue3.json'), 'utf8');
  assert.equal(pageResult, cli('run', file, '--format', 'json'));

  // A file with a mistake is refused with the CLI's message, and changes nothing.
  const bad = join(work, 'broken.toml');
  writeFileSync(bad, readFileSync(file, 'utf8').replace('mean = 43800.0', 'mean = -5.0'));
  await page.setInputFiles('#load-file', bad);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('broken.toml'));
  const v = cliFails('validate', 'broken.toml'); // in the work directory: the same name
  assert.equal(v.status, 2);
  const shown = await page.locator('#general-errors pre').textContent();
  assert.match(shown, /^broken\.toml:\d+:\d+: zone\[0\]\.time_to_failure: /);
  assert.ok(v.stderr.includes(shown), `${v.stderr} lacks ${shown}`);
  assert.equal(await page.locator('.field-error').count(), 0);
  assert.equal(await page.locator('#deployments article').count(), 2);
});

test('a long run shows its progress, leaves the page responsive and can be stopped', async () => {
  await page.goto(URL_);
  await page.waitForSelector('body[data-ready="true"]');
  await setInput('#trials', '5000000');
  await page.click('#run');
  await page.waitForSelector('#progress-box:not([hidden])');
  // Progress moves while the main thread keeps answering.
  await page.waitForFunction(() => Number(document.getElementById('progress').value) >= 2048, null, { timeout: 60000 });
  const seen = await page.evaluate(() => [Number(document.getElementById('progress').value),
    Number(document.getElementById('progress').max), document.body.dataset.state]);
  assert.equal(seen[1], 5000000);
  assert.ok(seen[0] > 0 && seen[0] < seen[1], String(seen));
  assert.equal(seen[2], 'running');
  assert.match(await page.locator('#progress-text').textContent(), /^[\d,]+ of 5,000,000 trials$/);
  await page.fill('#deployments article:nth-of-type(1) .dep-name', 'typed-while-running');
  assert.equal(await page.inputValue('#deployments article:nth-of-type(1) .dep-name'), 'typed-while-running');
  await page.click('#stop');
  await page.waitForSelector('body[data-state="error"]');
  assert.match(await page.locator('#status').textContent(), /^Stopped before the end: no result\.$/);
  assert.equal(await page.isHidden('#progress-box'), true);
  // A fresh worker runs the next study.
  await setInput('#trials', '2000');
  assert.equal(await runPage(), 'done');
  assert.match(await page.locator('#run-line').textContent(), /^2,000 trials of 8760 h/);
});

test('a seed beyond 2^53 travels exactly, in the saved file and in the link', async () => {
  await setInput('#seed', '18446744073709551615');
  await setInput('#trials', '1000');
  assert.equal(await runPage(), 'done');
  const result = readFileSync(await saveFrom('#save-result', 'bigseed.json'), 'utf8');
  assert.match(result, /"seed": 18446744073709551615,/);
  // The page opens with three-hubs-active, estimated by importance sampling.
  assert.equal(result, cli('run', await saveFrom('#save-json', 'bigseed-study.json'), '--format', 'json'));
  const p2 = await newPage(page.url());
  assert.equal(await p2.inputValue('#seed'), '18446744073709551615');
  await p2.close();
});

// Services (issue 16: "optionally a service over them") and the SLA
// windows with service credits, against the CLI's JSON and text.
function expectedWindowRows(cli) {
  const credit = cli.deployments.some((d) => d.windows?.credit);
  return [...cli.deployments, ...(cli.services ?? [])].filter((d) => d.windows).map((d) => [
    d.name,
    ...d.windows.sla.flatMap((s) => [fixed(s.p_window_misses, 4), fixed(s.missed_per_trial, 3), fixed(s.p_any_missed, 4)]),
    ...(credit ? (d.windows.credit
      ? [`${(d.windows.credit.per_window * 100).toFixed(2)}%`, `${(d.windows.credit.per_trial * 100).toFixed(2)}%`]
      : ['-', '-']) : []),
  ]);
}

// The CLI text's tokens for `name` in the block that starts at `start`
// (up to the next block): its row, in every part of a table wider than
// the terminal.
function blockTokens(text, start, name) {
  const from = text.indexOf(start);
  assert.ok(from >= 0, `no ${start.trim()} block in the CLI's text`);
  const ends = ['\nSLA windows', '\nPaired comparison', '\nZones (']
    .map((m) => text.indexOf(m, from + 1)).filter((i) => i > from);
  const block = text.slice(from, Math.min(...ends));
  const lines = block.split('\n').filter((l) => l.startsWith(name + ' '));
  assert.ok(lines.length > 0, `${name} is not in the CLI's ${start.trim()} block`);
  return lines.map((l) => l.slice(name.length)).join(' ').trim().split(/\s+/);
}

async function addService(name, kind, parts, k, p = page) {
  await p.click('#add-service');
  const card = p.locator('#services article.service').last();
  await card.locator('.svc-name').fill(name);
  await card.locator('.svc-kind').selectOption(kind);
  if (k !== undefined) await card.locator('.svc-k').fill(k);
  for (const part of parts) await card.locator('.part-add').selectOption(part);
}

// Three tiers built by clicking zones (AWS and Google Cloud, Paris and
// Frankfurt) and one of the default study's deployments.
const serviceStudy = {
  built: [
    ['web', ['aws-fr-par-az1', 'aws-fr-par-az2'], 'at_least'],
    ['db', ['aws-fr-par-az3', 'aws-de-fra-az1', 'gcp-fr-par-a'], 'majority'],
    ['cache', ['gcp-de-fra-b'], 'at_least'],
  ],
  preset: 'single-zone',
  deployments: ['web', 'db', 'cache', 'single-zone'],
  services: [
    ['front', 'any', ['web', 'single-zone']],
    ['shop', 'all', ['front', 'db', 'cache']],
    ['two-of-three', 'at_least', ['web', 'db', 'cache'], '2'],
  ],
};

test('services over the deployments, SLA windows and credits: the CLI\'s figures, tables and files', async () => {
  await page.goto(URL_);
  await page.waitForSelector('body[data-ready="true"]');
  await clearDeployments();
  assert.equal(await page.locator('#services article.service').count(), 0);
  for (const [name, zones, rule] of serviceStudy.built) {
    await page.click('#add-deployment');
    for (const z of zones) await page.click(`#catalogue .zone[data-zone="${z}"]`);
    const card = page.locator('#deployments article').last();
    await card.locator('.dep-name').fill(name);
    await card.locator('.rule-kind').selectOption(rule);
  }
  await page.click(`#presets button[data-preset="${serviceStudy.preset}"]`);
  assert.deepEqual(await page.$$eval('#deployments .dep-name', (es) => es.map((e) => e.value)), serviceStudy.deployments);
  for (const [name, kind, parts, k] of serviceStudy.services) await addService(name, kind, parts, k);
  await setInput('#trials', '20000');
  await setInput('#seed', '5');
  await setInput('#sla-window', '2190');
  await setInput('#sla-credits', '0.9999=0.1, 0.999=0.25');
  await page.selectOption('#baseline', 'shop');
  assert.equal(await runPage(), 'done');

  // The study file the page writes, in the file format's forms.
  const studyPath = await saveFrom('#save-json', 'services-study.json');
  const saved = JSON.parse(readFileSync(studyPath, 'utf8'));
  assert.deepEqual(saved.service, [
    { name: 'front', up_when: { any: ['web', 'single-zone'] } },
    { name: 'shop', up_when: { all: ['front', 'db', 'cache'] } },
    { name: 'two-of-three', up_when: { at_least: 2, of: ['web', 'db', 'cache'] } },
  ]);
  assert.equal(saved.simulation.sla_window_hours, 2190);
  assert.deepEqual(saved.simulation.sla_credits, [{ below: 0.9999, credit: 0.1 }, { below: 0.999, credit: 0.25 }]);
  // The page's result is the CLI's for that file (byte for byte: checked
  // last, below), and the TOML file gives the same.
  const pageResult = readFileSync(await saveFrom('#save-result', 'services-result.json'), 'utf8');
  const cliJson = cli('run', studyPath, '--format', 'json');
  const tomlPath = await saveFrom('#save-toml', 'services-study.toml');
  assert.match(readFileSync(tomlPath, 'utf8'), /\[\[service\]\]\nname = "front"/);
  assert.equal(cli('run', tomlPath, '--format', 'json'), cliJson);
  const expected = JSON.parse(cliJson);
  assert.deepEqual(expected.services.map((x) => x.name), ['front', 'shop', 'two-of-three']);
  assert.equal(expected.comparison.baseline, 'shop');

  // The services' table: each cell the CLI's formatting of the CLI's JSON,
  // and the CLI table's row.
  const text = cli('run', studyPath);
  assert.equal(await page.locator('#cli-text').textContent(), text);
  const rows = await page.$$eval('#service-figures tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows, expected.services.map((x) => expectedRow(x, expected.trials)));
  assert.equal(await page.locator('#service-figures thead th.name').textContent(), 'service');
  for (const row of rows) {
    assert.deepEqual(blockTokens(text, '\nservice ', row[0]), row.slice(1).join(' ').split(/\s+/), row[0]);
  }
  // Figures against exact relations, trial by trial and so on average:
  // `front` (any) is down only while both parts are, `shop` (all) while
  // any part is; and the services differ from their parts here.
  const dep = (n) => expected.deployments.find((d) => d.name === n);
  const [front, shop] = expected.services;
  const mean = (x) => x.downtime_minutes.mean;
  assert.ok(mean(front) <= Math.min(mean(dep('web')), mean(dep('single-zone'))));
  assert.ok(mean(front) < mean(dep('single-zone')));
  assert.ok(mean(shop) >= Math.max(mean(front), mean(dep('db')), mean(dep('cache'))));
  assert.ok(mean(shop) > mean(dep('cache')));
  // Each service's rule as the CLI states it, under the table.
  const rules = await page.locator('#service-rules li').allTextContents();
  assert.deepEqual(rules, ['front', 'shop', 'two-of-three'].map((name) => {
    // The library's wording: the CLI's line for each service.
    const line = text.split('\n').find((l) => l.startsWith(`${name}: up when `));
    assert.ok(line, `no rule line for ${name}`);
    return line.trim();
  }));
  assert.match(rules[2], /\b2\b.*web.*db.*cache/);
  // The paired comparison lists the deployments, then the services other than the baseline.
  const against = await page.$$eval('#comparison tbody tr', (trs) => trs.map((tr) => tr.dataset.deployment));
  assert.deepEqual(against, expected.comparison.against.map((x) => x.name));
  assert.deepEqual(against, [...serviceStudy.deployments, 'front', 'two-of-three']);
  // The CCDF: a legend entry for each deployment and service.
  assert.equal(await page.locator('#chart .legend li').count(), 7);
  assert.equal(await page.locator('#chart .legend li[data-service="true"]').count(), 3);

  // The SLA windows: four quarters of 2190 h, each target, and the credits.
  assert.equal(await page.isVisible('#windows'), true);
  const head = await page.locator('#windows-head').textContent();
  assert.ok(text.includes(head.slice(0, 40)), head);
  assert.match(head, /^SLA windows: each year cut into 4 whole 2190 h windows of 2190 h/);
  const wrows = await page.$$eval('#windows-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(wrows, expectedWindowRows(expected));
  assert.equal(wrows.length, 7);
  assert.equal(wrows[0].length, 1 + 3 * expected.deployments[0].sla.length + 2);
  for (const row of wrows) assert.deepEqual(blockTokens(text, '\nSLA windows', row[0]), row.slice(1), row[0]);
  assert.match(await page.locator('#windows-credit').textContent(), /largest applicable band counts/);
  // The README's screenshot: the page with services, windows and credits
  // (it replaces the one of the default study's deployments above).
  if (SHOT) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUT, 'web.png'), fullPage: true });
    copyFileSync(join(OUT, 'web.png'), SHOT);
  }

  // The study in the link: a new tab holds the services and the windows,
  // and writes the same file.
  const p2 = await newPage(page.url());
  assert.deepEqual(await p2.$$eval('#services .svc-name', (es) => es.map((e) => e.value)), ['front', 'shop', 'two-of-three']);
  assert.equal(await p2.inputValue('#sla-window'), '2190');
  assert.equal(readFileSync(await saveFrom('#save-json', 'services-link.json', p2), 'utf8'), readFileSync(studyPath, 'utf8'));
  await p2.close();
  // Loaded back from the TOML file: the same study again.
  await page.setInputFiles('#load-file', tomlPath);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Loaded services-study.toml'));
  assert.equal(readFileSync(await saveFrom('#save-json', 'services-again.json'), 'utf8'), readFileSync(studyPath, 'utf8'));
  // Renaming a deployment renames it in the services made of it.
  await page.fill('#deployments article:nth-of-type(3) .dep-name', 'kv');
  assert.deepEqual(await page.$$eval('#services article:nth-of-type(2) .part', (es) => es.map((e) => e.dataset.part)), ['front', 'db', 'kv']);
  await page.fill('#deployments article:nth-of-type(3) .dep-name', 'cache');

  // Last, as the contract says: the page's result JSON is the CLI's, byte
  // for byte. (Open, issue 16: wasm's `exp`/`ln` are musl's, the CLI's
  // glibc's; where a duration differs by one ulp a mean can differ in its
  // last bit, as in the test of a study built by clicking above.)
  assert.equal(pageResult, cliJson);
});

test("bad input in a service shows the library's message (the CLI's) next to the service's field", async () => {
  // k out of range, and a cycle (front made of shop made of front).
  const third = page.locator('#services article:nth-of-type(3)');
  await third.locator('.svc-k').fill('5');
  await page.locator('#services article:nth-of-type(1) .part-add').selectOption('shop');
  assert.equal(await runPage(), 'error');
  const kError = third.locator('.field-error[data-for="service[2].up_when.at_least"]');
  assert.equal(await kError.count(), 1);
  assert.match(await kError.textContent(), /^at_least = 5 needs 1 <= k <= 3/);
  assert.equal(await third.locator('.svc-k').getAttribute('aria-invalid'), 'true');
  const cycle = page.locator('#services .field-error', { hasText: 'services form a cycle' });
  assert.equal(await cycle.count(), 1);
  const v = await validatePageStudy('bad-service');
  assert.equal(v.status, 2);
  for (const m of [await kError.textContent(), await cycle.textContent()]) {
    assert.ok(v.stderr.includes(m), `${v.stderr} lacks ${m}`);
  }
  for (const line of (await page.locator('#general-errors pre').textContent()).split('\n')) {
    assert.ok(v.stderr.includes(line), `${v.stderr} lacks ${line}`);
  }
  // A window too long, and a credit band of the wrong form: at their fields.
  await third.locator('.svc-k').fill('2');
  await page.locator('#services article:nth-of-type(1) .part[data-part="shop"] button').click();
  await setInput('#sla-window', '-1');
  assert.equal(await runPage(), 'error');
  const wError = page.locator('#settings .field-error[data-for="simulation.sla_window_hours"]');
  assert.equal(await wError.count(), 1);
  const v2 = await validatePageStudy('bad-window');
  assert.equal(v2.status, 2);
  assert.ok(v2.stderr.includes(await wError.textContent()), v2.stderr);
  assert.equal(await page.locator('#services .field-error').count(), 0);
  // Fixed, it runs.
  await setInput('#sla-window', '730');
  assert.equal(await runPage(), 'done');
  assert.equal(await page.locator('.field-error').count(), 0);
});

test('a file of nine deployments and six services keeps four deployments and the services over them, with the CLI\'s figures', async () => {
  const file = join(ROOT, 'scenarios', 'three-tier-service.toml');
  await page.setInputFiles('#load-file', file);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Loaded three-tier-service.toml'));
  const statusText = await page.locator('#status').textContent();
  assert.match(statusText, /the first 4 of 9 were kept/);
  assert.match(statusText, /services left out .*: shop-eu-wide, shop-two-providers, tiers-eu-wide, tiers-two-providers/);
  assert.deepEqual(await page.$$eval('#services .svc-name', (es) => es.map((e) => e.value)), ['shop-france-only', 'tiers-france-only']);
  assert.equal(await page.locator('#services article:nth-of-type(1) .tag', { hasText: 'release failures' }).count(), 1);
  assert.equal(await page.inputValue('#baseline'), 'shop-france-only');
  assert.equal(await runPage(), 'done');
  // Each deployment's and service's streams are keyed by its name: the
  // figures of those kept are the CLI's for the whole file, to the bit.
  const expected = JSON.parse(cli('run', file, '--format', 'json'));
  const result = JSON.parse(readFileSync(await saveFrom('#save-result', 'three-tier.json'), 'utf8'));
  for (const d of result.deployments) assert.deepEqual(d, expected.deployments.find((e) => e.name === d.name), d.name);
  assert.deepEqual(result.services.map((x) => x.name), ['shop-france-only', 'tiers-france-only']);
  for (const x of result.services) assert.deepEqual(x, expected.services.find((e) => e.name === x.name), x.name);
  const rows = await page.$$eval('#service-figures tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows, result.services.map((x) => expectedRow(expected.services.find((e) => e.name === x.name), expected.trials)));
});

test('the page raised no script errors', () => {
  assert.deepEqual(pageErrors, []);
});
