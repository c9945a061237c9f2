// The WebAssembly module's API (web/wasm) under node, without a browser:
// what the page relies on, checked against the CLI where the CLI has it.
//   ZONESIM_BIN   the zonesim binary (web/test.sh sets it)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { instantiate } from '../src/zonesim.js';

const WEB = resolve(new URL('..', import.meta.url).pathname);
const ROOT = resolve(WEB, '..');
const BIN = process.env.ZONESIM_BIN;
let progressed = 0;
const zs = await instantiate(readFileSync(join(WEB, 'dist', 'zonesim.wasm')), (n) => {
  progressed += n;
});

const study = (deployments, simulation = { trials: 3000, seed: 11 }) => JSON.stringify({
  catalog: 'eu-hubs',
  simulation,
  deployment: deployments,
}, null, 2); // pretty, as the page writes it: each problem has its line

test('the catalogue holds the eu-hubs regions, zones and common causes and the default study', () => {
  const cat = zs.catalogue();
  assert.equal(cat.ok, true);
  const cli = JSON.parse(execFileSync(BIN, ['catalog', '--format', 'json'], { encoding: 'utf8' }));
  assert.deepEqual(cat.model.region, cli.region);
  assert.deepEqual(cat.model.zone, cli.zone);
  assert.deepEqual(cat.model.common_cause, cli.common_cause);
  assert.deepEqual(cat.default_study.deployment, cli.deployment);
  assert.equal(cat.model.region_in_eu['alibaba-gb-lon'], false);
  assert.equal(cat.model.region_in_eu['alibaba-fr-par'], true);
  // Each zone's own availability, E[up] / (E[up] + E[down]), from the CLI's parameters.
  for (const z of cli.zone) {
    assert.equal(z.time_to_failure.dist, 'exponential', z.id);
    assert.equal(z.time_to_repair.dist, 'lognormal', z.id);
    const up = z.time_to_failure.mean;
    const down = z.time_to_repair.median * Math.exp(z.time_to_repair.sigma ** 2 / 2);
    assert.ok(Math.abs(cat.model.zone_availability[z.id] - up / (up + down)) < 1e-14, z.id);
  }
  assert.equal(cat.max_deployments, 4);
  // The catalogue as a scenario file: the CLI's dump, byte for byte, which
  // loads back as the catalogue with the default study's deployments.
  const toml = zs.catalogueToml();
  assert.equal(toml.text, execFileSync(BIN, ['catalog', '--format', 'toml'], { encoding: 'utf8' }));
  const back = zs.load(toml.text, 'eu-hubs.toml');
  assert.equal(back.ok, true);
  assert.equal(back.catalog, 'eu-hubs');
  assert.deepEqual(back.deployment, cat.default_study.deployment);
});

test('a run reports its progress, trial by trial, and refuses more than four deployments', () => {
  const one = { name: 'one', replicas: ['aws-fr-par-az1'], rule: { at_least: 1 } };
  progressed = 0;
  const r = zs.run(study([one]), 1);
  assert.equal(r.ok, true);
  assert.equal(progressed, 3000);
  const five = [1, 2, 3, 4, 5].map((i) => ({ ...one, name: `d${i}` }));
  const refused = zs.run(study(five), 1);
  assert.equal(refused.ok, false);
  assert.equal(refused.errors[0].field, 'deployment');
  assert.match(refused.errors[0].message, /at most 4 deployments at once, got 5/);
});

test('every error names its field, as the page places it, with the CLI line', () => {
  const deployment = (name) => ({ name, replicas: ['aws-fr-par-az1', 'nowhere'], rule: { zones_up: 3 } });
  // A name with quotes in it: the field is still found (the library writes
  // names unescaped: `deployment[0] "x "quoted"".rule`).
  const quoted = zs.run(study([deployment('x "quoted"')], { trials: 100 }), 1);
  assert.deepEqual(quoted.errors.map((e) => e.field), ['deployment[0].replicas[1]', 'deployment[0].rule']);
  const bad = zs.run(study([deployment('x')], { trials: 100, sla_targets: [0.9, 2] }), 1);
  assert.equal(bad.ok, false);
  const fields = bad.errors.map((e) => e.field);
  assert.deepEqual(fields, ['simulation.sla_targets[1]', 'deployment[0].replicas[1]', 'deployment[0].rule']);
  for (const e of bad.errors) {
    assert.ok(e.text.startsWith('study.json:'), e.text);
    assert.ok(e.text.endsWith(e.message), e.text);
    assert.equal(typeof e.line, 'number');
  }
  assert.match(bad.summary, /^study\.json: 3 problems in the study/);
  // A parse error: the field's path, line and column.
  const text = '{ "catalog": "eu-hubs", "simulation": { "trials": "many" } }';
  const parse = zs.run(text, 1);
  assert.equal(parse.ok, false);
  assert.deepEqual([parse.errors[0].field, parse.errors[0].line], ['simulation.trials', 1]);
  assert.match(parse.errors[0].message, /invalid type: string "many", expected u64/);
  // The same line as the CLI's for the same file.
  const dir = mkdtempSync(join(tmpdir(), 'zonesim-api-'));
  writeFileSync(join(dir, 'study.json'), text);
  const v = spawnSync(BIN, ['validate', 'study.json'], { cwd: dir, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(v.status, 2);
  assert.equal(v.stderr, `error: ${parse.errors[0].text}\n`);
  assert.equal(parse.errors[0].text, `study.json:1:${parse.errors[0].column}: simulation.trials: ${parse.errors[0].message}`);
  // TOML text is read as TOML.
  const toml = zs.run('catalog = "eu-hubs"\n[simulation]\ntrials = -1\n', 0);
  assert.equal(toml.errors[0].text.split(':')[0], 'study.toml');
});

test('save as TOML: the same study, loaded back, in the order a person writes it', () => {
  const cat = zs.catalogue();
  const json = study(cat.default_study.deployment.slice(0, 4), cat.default_study.simulation);
  const t = zs.toToml(json);
  assert.equal(t.ok, true);
  assert.match(t.text, /^catalog = "eu-hubs"\n\n\[simulation\]\n/);
  const fromJson = zs.load(json, 'a.json');
  const fromToml = zs.load(t.text, 'a.toml');
  assert.equal(fromToml.ok, true, JSON.stringify(fromToml.errors));
  assert.deepEqual(fromToml, fromJson);
  assert.equal(zs.toToml('[1, 2]').ok, false);
  assert.equal(zs.toToml('{"deployments": []}').ok, false);
});

test('every shipped scenario loads as the CLI reads it, with its catalogue recognised', () => {
  for (const f of readdirSync(join(ROOT, 'scenarios')).filter((n) => /\.(toml|json)$/.test(n))) {
    const text = readFileSync(join(ROOT, 'scenarios', f), 'utf8');
    const r = zs.load(text, f);
    assert.equal(r.ok, true, `${f}: ${r.summary}`);
    const usesCatalogue = /^catalog = "eu-hubs"/m.test(text) && !/^\[\[(zone|region|common_cause)\]\]/m.test(text);
    assert.equal(r.catalog, usesCatalogue ? 'eu-hubs' : null, f);
    assert.equal(r.model === null, usesCatalogue, f);
    assert.equal(r.seed_text, String(r.simulation.seed), f);
  }
  // A seed beyond 2^53 survives as text.
  const big = zs.load('catalog = "eu-hubs"\n[simulation]\nseed = 9007199254740993\n', 'big.toml');
  assert.equal(big.seed_text, '9007199254740993');
  // A file's own name is in its messages, as in the CLI's.
  const broken = zs.load('[simulation]\ntrials = 0.5\n', 'mine.toml');
  assert.match(broken.summary, /^mine\.toml:2:10: simulation\.trials: /);
});

// Issue 16: the same bits in WebAssembly as natively, by construction (the
// library calls `libm`'s exp, log and pow in every build, and draws with its
// own samplers on them). Two studies where they once differed in the last
// bit: the default study's importance-sampled deployment (its likelihood
// ratios are products of densities), and a paired comparison of a built
// study (seed 7), whose `downtime_minutes_diff.mean` differed. The result
// JSON and the text table must be the CLI's, byte for byte.
test("importance sampling and paired differences: the wasm module's result is the CLI's, byte for byte", () => {
  const cat = zs.catalogue();
  // Four of the default study's deployments (the page runs at most four),
  // both importance-sampled ones among them.
  const chosen = ['single-zone', 'paris-quorum-2+1', 'three-hubs-active', 'alibaba+ovh-paris']
    .map((n) => cat.default_study.deployment.find((d) => d.name === n));
  assert.deepEqual(chosen.map((d) => d.estimator ?? 'crude'), ['crude', 'crude', 'importance', 'importance']);
  const studies = {
    'default-is.json': study(chosen, {
      ...cat.default_study.simulation, trials: 20000, seed: 7, baseline: 'paris-quorum-2+1',
    }),
    'built.json': study([
      { name: 'aws-paris-frankfurt', replicas: ['aws-fr-par-az1', 'aws-fr-par-az2', 'aws-de-fra-az1'], rule: 'majority' },
      { name: 'deployment-2', replicas: ['gcp-fr-par-a', 'gcp-de-fra-b'], rule: { active_passive: { failover_hours: 0.5 } } },
      { name: 'gcp-paris-is', replicas: ['gcp-fr-par-a', 'gcp-fr-par-b', 'gcp-fr-par-c'], rule: { at_least: 2 }, estimator: 'importance' },
    ], { trials: 20000, seed: 7, horizon_hours: 720, sla_targets: [0.999, 0.9999], baseline: 'deployment-2' }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'zonesim-bits-'));
  try {
    for (const [name, text] of Object.entries(studies)) {
      const r = zs.run(text, 1);
      assert.equal(r.ok, true, `${name}: ${r.summary}`);
      writeFileSync(join(dir, name), text);
      const cliJson = execFileSync(BIN, ['run', name, '--format', 'json'], { cwd: dir, encoding: 'utf8' });
      const result = JSON.parse(cliJson);
      // What this test is about is in the study: an estimate and a paired difference.
      assert.ok(result.deployments.some((d) => d.importance), `${name} has an importance-sampled deployment`);
      assert.ok(result.comparison.against.some((c) => c.downtime_minutes_diff.mean !== 0), `${name} has paired differences`);
      assert.equal(r.result_json, cliJson, name);
      assert.equal(r.table, execFileSync(BIN, ['run', name], { cwd: dir, encoding: 'utf8' }), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('services: run with the CLI\'s rows and text, written to TOML and loaded back', () => {
  const one = (name, zone) => ({ name, replicas: [zone], rule: { at_least: 1 } });
  const json = JSON.stringify({
    catalog: 'eu-hubs',
    simulation: { trials: 2000, seed: 3, sla_window_hours: 2190, sla_credits: [{ below: 0.999, credit: 0.1 }] },
    deployment: [one('a', 'aws-fr-par-az1'), one('b', 'gcp-de-fra-b')],
    service: [{ name: 'both', up_when: { all: ['a', 'b'] } }, { name: 'either', up_when: { at_least: 1, of: ['a', 'b'] } }],
  }, null, 2);
  const r = zs.run(json, 1);
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  const dir = mkdtempSync(join(tmpdir(), 'zonesim-api-'));
  writeFileSync(join(dir, 'study.json'), json);
  const cliJson = execFileSync(BIN, ['run', 'study.json', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  const cliText = execFileSync(BIN, ['run', 'study.json'], { cwd: dir, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.result_json, cliJson);
  assert.equal(r.table, cliText);
  const result = JSON.parse(cliJson);
  assert.deepEqual(r.service_rows.map((row) => row[0]), ['both', 'either']);
  assert.equal(r.service_rows[0][4], result.services[0].downtime_minutes.mean.toFixed(1));
  assert.equal(r.service_rules.length, 2);
  for (const line of r.service_rules) assert.ok(cliText.includes(line), line);
  // The windows' rows: deployments then services; the credit columns last.
  assert.deepEqual(r.windows.rows.map((row) => row[0]), ['a', 'b', 'both', 'either']);
  assert.equal(r.windows.rows[2].at(-1), `${(result.services[0].windows.credit.per_trial * 100).toFixed(2)}%`);
  assert.equal(r.ccdf.filter((c) => c.service).length, 2);
  // Save as TOML keeps the services; both files load to the same study.
  const t = zs.toToml(json);
  assert.equal(t.ok, true);
  assert.match(t.text, /\n\[\[service\]\]\nname = "both"\n/);
  const fromJson = zs.load(json, 'a.json');
  assert.deepEqual(zs.load(t.text, 'a.toml'), fromJson);
  assert.deepEqual(fromJson.service, JSON.parse(json).service);
  assert.equal(fromJson.simulation.sla_window_hours, 2190);
});
