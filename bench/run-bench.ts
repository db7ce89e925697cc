import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { DevIssuerKeys } from '../src/common/auth/dev-issuer.keys';
import { authConfig } from '../src/config';
import { EventGenerator, SEED_WINDOW_MS, TUTORIAL_CUSTOMER } from '../src/database/seed/event-generator';
import { SeededRandom } from '../src/database/seed/seeded-random';
import { EVENT_KINDS } from '../src/events/event-kinds';
import { summarizeProfile, ProfileSummary } from './cpu-profile';
import { BASELINE_JS, buildBaseline } from './baseline-build';
import { DatasetFacts, readFacts } from './facts';
import { loadDataset } from './loader';
import { checkParity, communication } from './parity';
import { API, deepPage, FILTER_SHARE, kindAndDateFilter } from './scenarios';
import { serviceNodeFlags } from '../scripts/service-command';

/**
 * npm run bench: the service against the baseline on the same PostgreSQL.
 *
 * 1. the data set (loaded with bench:load's defaults when the database is empty);
 * 2. `npm run build`, then three fresh starts of the compiled service and of the baseline, each timed from
 *    spawn to its first answer (the median is the figure), then both started for the run;
 * 3. the parity check (stops here on any difference);
 * 4. a warm-up of both servers on every read scenario, then each scenario: a warm-up of each,
 *    then rounds of both (three by default), the order reversed every round (service, baseline; baseline, service; ...);
 *    registration also with the count trigger (daily and per-kind counts) disabled (its write cost);
 * 5. CPU profiles of the service in the scenarios that miss their target;
 * 6. the read scenarios against the service on its embedded PostgreSQL;
 * 7. bench/results/<timestamp>.json and the table in docs/performance.md.
 */

const ROOT = resolve(__dirname, '..');
const DEFAULT_URL = 'postgres://ce_dev:ce_dev@localhost:5432/ce_bench';
const DATA_DIR = join(ROOT, 'bench', 'data', 'run');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const DOC = join(ROOT, 'docs', 'performance.md');
const EMBEDDED_UNTIL = Date.UTC(2026, 0, 1);
const SERVICE_LOG = join(ROOT, 'bench', 'data', 'service.log');

interface Options {
  url: string;
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  build: boolean;
  embedded: boolean;
  profile: boolean;
  only?: string[];
  embeddedEvents: number;
  writeDoc: boolean;
}

interface RunResult {
  /** CPU milliseconds per answered request: the server process, and the PostgreSQL backends of the benchmark database. */
  serverCpuMs?: number;
  databaseCpuMs?: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface ScenarioResult {
  id: string;
  title: string;
  kind: 'read' | 'write';
  service: RunResult & { rounds: RunResult[] };
  baseline?: RunResult & { rounds: RunResult[] };
  ratio?: number;
  /** service/baseline req/s of each round against the baseline's round next to it: the spread the host's noise gives. */
  roundRatios?: number[];
  p99Ratio?: number;
}

interface Target {
  origin: string;
  pid?: number;
  /** The database its PostgreSQL backends work on (for their CPU time). */
  database?: string;
  /** Its connection URL, to wait until its queries are done. */
  databaseUrl?: string;
}

const CLOCK_TICKS = 100;

/** utime + stime, in clock ticks, of a process and of each PostgreSQL backend working on `database`. */
function cpuSnapshot(pid: number | undefined, database: string | undefined): { server: number; backends: Map<string, number> } {
  const ticks = (id: string | number) => {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  const backends = new Map<string, number>();
  if (database) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (command.startsWith('postgres: ') && command.split(' ').includes(database)) backends.set(entry, ticks(entry));
      } catch {
        // gone
      }
    }
  }
  return { server: pid ? ticks(pid) : 0, backends };
}

/** Database ticks between two snapshots: backends that appeared count from zero; one that ended during the run is lost (pools keep busy ones). */
function databaseTicks(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, ticks] of after) total += Math.max(0, ticks - (before.get(pid) ?? 0));
  return total;
}

interface Scenario {
  id: string;
  title: string;
  kind: 'read' | 'write';
  /** One request, fresh each time: path and, for writes, the body. */
  next: (target: 'service' | 'baseline') => { path: string; body?: string };
  /** The service only (no baseline run). */
  serviceOnly?: boolean;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), options: { ...options, url: redact(options.url) } };
  results.machine = await machine(options.url);
  log(`Machine: ${JSON.stringify(results.machine)}`);

  // 1. The data set.
  let facts = await readFacts(options.url).catch(async (error: Error) => {
    if (!/no events|does not exist/.test(error.message)) throw error;
    log('The benchmark database is empty: loading the data set (npm run bench:load defaults)');
    results.load = await loadDataset({ url: options.url, events: 10_000_000, customers: 100_000, log });
    return readFacts(options.url);
  });
  results.dataset = { events: facts.events, bigCustomer: facts.bigCustomer, bigCustomerEvents: facts.bigCustomerEvents, tutorialCustomerEvents: facts.tutorialCustomerEvents };
  log(`Data set: ${facts.events.toLocaleString('en')} events; big customer ${facts.bigCustomer} (${facts.bigCustomerEvents.toLocaleString('en')})`);

  // 2. The servers.
  if (options.build) {
    log('npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  mkdirSync(DATA_DIR, { recursive: true });
  await buildBaseline();
  const keys = DevIssuerKeys.loadOrCreate(DATA_DIR); // before either server starts, so both read the same key
  const auth = authConfig();
  const token = (scope: string, customerNumber?: string) =>
    keys.issue(auth, { subject: 'bench', clientId: 'bench', scope, customerNumber, expiresInSeconds: 4 * 3600 });
  const fullToken = token('customer-event:read customer-event:write');
  const tokens = { full: fullToken, readOnly: token('customer-event:read'), bound: (customer: string) => token('customer-event:read customer-event:write', customer) };

  const processes: ChildProcess[] = [];
  const stopAll = () => processes.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  try {
    const starts = await measureStarts(options.url, fullToken, processes);
    results.startup = starts;
    log(`Starts (spawn to first answer, median of ${START_SAMPLES}): service ${starts.serviceMs} ms, baseline ${starts.baselineMs} ms`);
    const service = await startService({ DATABASE_URL: options.url }, fullToken, processes);
    const baseline = await startBaselineProcess(options.url, fullToken, processes);

    // 3. Parity.
    const prefix = `BENCH-${Date.now().toString(36)}`;
    const parity = await checkParity({ service, baseline, tokens, facts, writes: { workitemPrefix: `${prefix}-P` } });
    results.parity = { compared: parity.compared, statuses: parity.statuses, mismatches: parity.mismatches, requests: parity.names };
    log(`Parity: ${parity.compared} requests compared, ${parity.mismatches.length} differ`);
    if (parity.mismatches.length > 0) {
      for (const mismatch of parity.mismatches.slice(0, 10)) log(`  ${mismatch.name}: ${mismatch.request}\n    ${mismatch.reason}`);
      throw new Error('The service and the baseline answer differently: fix that before timing them');
    }

    // 4. Scenarios.
    const cursorLinks = await collectCursorLinks(service, fullToken, facts, log);
    const scenarios = scenariosFor(facts, cursorLinks, prefix);
    const chosen = scenarios.filter((scenario) => !options.only || options.only.includes(scenario.id));
    const rss = new RssSampler(service.pid!);
    // A just-started process compiles its request path in its first seconds; the first scenario
    // timed should not be the one that pays for it. So, once: every read scenario on both servers.
    if (options.warmup > 0) {
      log(`Warm-up: each read scenario for ${options.warmup} s on each server`);
      for (const scenario of chosen.filter((candidate) => candidate.kind === 'read')) {
        for (const [name, target] of [['service', service], ['baseline', baseline]] as const) {
          await drive(scenario, name, target, fullToken, options.warmup, options.connections);
        }
      }
    }
    const scenarioResults: ScenarioResult[] = [];
    for (const scenario of chosen) {
      log(`Scenario ${scenario.id}: ${scenario.title}`);
      scenarioResults.push(await runScenario(scenario, service, baseline, fullToken, options, log));
    }
    if (!options.only || options.only.includes('register-no-trigger')) {
      const register = scenarios.find((scenario) => scenario.id === 'register')!;
      log('Scenario register-no-trigger: registration with the count insert trigger (daily and per-kind counts) disabled');
      await setInsertTrigger(options.url, false);
      try {
        const noTrigger = { ...register, id: 'register-no-trigger', title: 'Registration, count trigger disabled (write cost of the daily and per-kind counts)', next: registrationRequests(facts, `${prefix}-T0`) };
        scenarioResults.push(await runScenario(noTrigger, service, baseline, fullToken, { ...options, rounds: 1 }, log));
      } finally {
        await setInsertTrigger(options.url, true);
      }
    }
    results.serviceMemory = rss.stop();
    results.scenarios = scenarioResults;
    stopAll();
    await Promise.all(processes.map(waitForExit));
    processes.length = 0;

    // 5. Profiles where a target is missed (or the worst read ratio, so there is always one).
    const misses = evaluate(scenarioResults, results).filter((target) => !target.holds && target.scenario);
    if (options.profile) {
      const toProfile = [...new Set(misses.map((target) => target.scenario!))];
      if (toProfile.length === 0) {
        const worst = scenarioResults.filter((result) => result.kind === 'read' && result.ratio !== undefined).sort((a, b) => a.ratio! - b.ratio!)[0];
        if (worst) toProfile.push(worst.id);
      }
      results.profiles = {};
      for (const id of toProfile.slice(0, 3)) {
        const scenario = [...scenarios, { ...scenarios.find((candidate) => candidate.id === 'register')!, id: 'register-no-trigger' }].find((candidate) => candidate.id === id);
        if (!scenario || id === 'register-no-trigger') continue;
        log(`Profiling the service in ${id}`);
        (results.profiles as Record<string, ProfileSummary>)[id] = await profileScenario(scenario, options, fullToken, stamp, log);
      }
    }
    await cleanUp(options.url, facts, prefix, log);

    // 6. The embedded default.
    if (options.embedded) results.embedded = await runEmbedded(options, log);
  } finally {
    stopAll();
    await Promise.all(processes.map(waitForExit));
  }

  // 7. Results.
  results.targets = evaluate((results.scenarios as ScenarioResult[]) ?? [], results);
  results.finishedAt = new Date().toISOString();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const table = markdown(results);
  if (options.writeDoc) writeDoc(table, file);
  process.stdout.write(`${table}\nResults: ${file}\n`);
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '3' },
      'skip-build': { type: 'boolean', default: false },
      'skip-embedded': { type: 'boolean', default: false },
      'skip-profile': { type: 'boolean', default: false },
      'no-doc': { type: 'boolean', default: false },
      only: { type: 'string' },
      'embedded-events': { type: 'string', default: '200000' },
    },
    strict: true,
  });
  return {
    url: process.env.DATABASE_URL || DEFAULT_URL,
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    connections: Number(values.connections),
    rounds: Number(values.rounds),
    build: !values['skip-build'],
    embedded: !values['skip-embedded'],
    profile: !values['skip-profile'],
    only: values.only?.split(','),
    embeddedEvents: Number(values['embedded-events']),
    writeDoc: !values['no-doc'],
  };
}

// ------------------------------------------------------------------ scenarios

function scenariosFor(facts: DatasetFacts, cursorLinks: string[], prefix: string): Scenario[] {
  const random = new SeededRandom(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)];
  const filter = kindAndDateFilter(facts);
  const big = `${API}/events?customer-number=${facts.bigCustomer}`;
  return [
    { id: 'list-page-1', title: 'List, page 1 of a random customer', kind: 'read', next: () => ({ path: `${API}/events?customer-number=${pick(facts.customers)}` }) },
    { id: 'list-tutorial', title: `List of the ${facts.tutorialCustomerEvents.toLocaleString('en')}-event customer (page 1)`, kind: 'read', next: () => ({ path: `${API}/events?customer-number=${facts.tutorialCustomer}` }) },
    { id: 'list-deep', title: `List page ${deepPage(facts)} of the ${facts.bigCustomerEvents.toLocaleString('en')}-event customer`, kind: 'read', next: () => ({ path: `${big}&page-number=${deepPage(facts)}` }) },
    {
      id: 'list-deep-filtered',
      title: `The same with a kind filter and a date range (page ${deepPage(facts, FILTER_SHARE)})`,
      kind: 'read',
      next: () => ({ path: `${big}&${filter}&page-number=${deepPage(facts, FILTER_SHARE)}` }),
    },
    { id: 'list-cursor', title: `Following next links deep in the big customer (${cursorLinks.length} cursor links)`, kind: 'read', next: () => ({ path: pick(cursorLinks) }) },
    { id: 'detail', title: 'Detail by random id', kind: 'read', next: () => ({ path: `${API}/events/${pick(facts.eventIds)}` }) },
    { id: 'kind-detail', title: 'Kind detail (communication) by random id', kind: 'read', next: () => ({ path: `${API}/communication-events/${pick(facts.communicationIds)}` }) },
    { id: 'register', title: 'Registration (POST) of a communication event', kind: 'write', next: registrationRequests(facts, `${prefix}-W`) },
  ];
}

function registrationRequests(facts: DatasetFacts, prefix: string): Scenario['next'] {
  const random = new SeededRandom(11);
  let sequence = 0;
  return (target) => {
    const customer = facts.customers[Math.floor(random.next() * facts.customers.length)];
    return { path: `${API}/communication-events`, body: JSON.stringify(communication(customer, `${prefix}-${target[0]}${++sequence}`)) };
  };
}

/** Cursor links from many depths of the big customer: page N by number, then 25 next links from each. */
async function collectCursorLinks(service: Target, token: string, facts: DatasetFacts, log: (line: string) => void): Promise<string[]> {
  const pages = Math.ceil(facts.bigCustomerEvents / 20);
  const starts = [60, 300, 1000, 2500, 5000, 10000, 20000, 30000, 40000, 49000].filter((page) => page < pages - 30);
  const links: string[] = [];
  for (const start of starts) {
    let path: string | undefined = `${API}/events?customer-number=${facts.bigCustomer}&page-number=${start}`;
    for (let step = 0; step < 25 && path; step++) {
      const response = await fetch(`${service.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { navigations: { rel: string; href: string }[] };
      const next = body.navigations.find((navigation) => navigation.rel === 'next');
      path = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
      if (path) links.push(path);
    }
  }
  if (links.some((link) => !link.includes('cursor='))) throw new Error('a deep next link carries no cursor');
  log(`Collected ${links.length} cursor links from depths ${starts.join(', ')}`);
  return links;
}

async function runScenario(scenario: Scenario, service: Target, baseline: Target, token: string, options: Options, log: (line: string) => void): Promise<ScenarioResult> {
  const targets: ['service' | 'baseline', Target][] = scenario.serviceOnly ? [['service', service]] : [['service', service], ['baseline', baseline]];
  if (options.warmup > 0) for (const [name, target] of targets) await drive(scenario, name, target, token, options.warmup, options.connections);
  const rounds: Record<string, RunResult[]> = { service: [], baseline: [] };
  for (let round = 0; round < options.rounds; round++) {
    // A B, B A, A B...: a drift of the host (a neighbour's load, the database's caches) favours neither side.
    for (const [name, target] of round % 2 === 0 ? targets : [...targets].reverse()) {
      const result = await drive(scenario, name, target, token, options.duration, options.connections);
      rounds[name].push(result);
      log(
        `  ${name.padEnd(8)} ${String(result.requestsPerSecond).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}  non-2xx ${result.non2xx}` +
          `  cpu/request: server ${result.serverCpuMs} ms, database ${result.databaseCpuMs} ms`,
      );
    }
  }
  const combine = (runs: RunResult[]) => ({ ...mean(runs), rounds: runs });
  const result: ScenarioResult = { id: scenario.id, title: scenario.title, kind: scenario.kind, service: combine(rounds.service) };
  if (rounds.baseline.length > 0) {
    result.baseline = combine(rounds.baseline);
    result.ratio = round2(result.service.requestsPerSecond / result.baseline.requestsPerSecond);
    result.roundRatios = rounds.service.map((run, round) => round2(run.requestsPerSecond / rounds.baseline[round].requestsPerSecond));
    result.p99Ratio = round2(result.service.p99 / Math.max(result.baseline.p99, 0.01));
  }
  return result;
}

/** Waits (at most a minute) until no other session runs a query in the database. */
async function waitForQuietDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'bench-runner' });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await client.query<{ active: number }>(
        `SELECT count(*)::int AS active FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].active === 0 || Date.now() > deadline) return;
      await sleep(50);
    }
  } finally {
    await client.end();
  }
}

async function drive(scenario: Scenario, name: 'service' | 'baseline', target: Target, token: string, seconds: number, connections: number): Promise<RunResult> {
  const write = scenario.kind === 'write';
  const before = cpuSnapshot(target.pid, target.database);
  const result = await autocannon({
    url: target.origin,
    connections,
    duration: seconds,
    timeout: 30,
    headers: { authorization: `Bearer ${token}`, ...(write ? { 'content-type': 'application/json' } : {}) },
    requests: [
      {
        method: write ? 'POST' : 'GET',
        setupRequest: (request: Record<string, unknown>) => {
          const next = scenario.next(name);
          return { ...request, path: next.path, ...(next.body ? { body: next.body } : {}) };
        },
      },
    ],
  } as autocannon.Options);
  // Requests autocannon gave up on at the end may still be running in PostgreSQL (a deep OFFSET takes
  // seconds): they belong to this run's CPU, and must not slow the next run, which shares the database.
  if (target.databaseUrl) await waitForQuietDatabase(target.databaseUrl);
  const after = cpuSnapshot(target.pid, target.database);
  const perRequest = (ticks: number) => round2((ticks * 1000) / CLOCK_TICKS / Math.max(result.requests.total, 1));
  return {
    serverCpuMs: perRequest(after.server - before.server),
    databaseCpuMs: perRequest(databaseTicks(before.backends, after.backends)),
    requestsPerSecond: Math.round(result.requests.total / (result.duration || seconds)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** The lowest and highest per-round ratio, "0.71–0.81" (one round: its ratio; no baseline: a dash). */
function roundRange(scenario: ScenarioResult): string {
  const ratios = scenario.roundRatios ?? [];
  if (ratios.length === 0) return '–';
  const low = Math.min(...ratios);
  const high = Math.max(...ratios);
  return low === high ? `${low}` : `${low}–${high}`;
}

/** A target's note on the rounds, when there was more than one: " (rounds 0.71–0.81)". */
function roundSpread(scenario: ScenarioResult): string {
  return (scenario.roundRatios?.length ?? 0) > 1 ? ` (rounds ${roundRange(scenario)})` : '';
}

function mean(runs: RunResult[]): RunResult {
  const average = (pick: (run: RunResult) => number) => round2(runs.reduce((sum, run) => sum + pick(run), 0) / runs.length);
  const sum = (pick: (run: RunResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    serverCpuMs: average((run) => run.serverCpuMs ?? 0),
    databaseCpuMs: average((run) => run.databaseCpuMs ?? 0),
    requestsPerSecond: Math.round(average((run) => run.requestsPerSecond)),
    p50: average((run) => run.p50),
    p99: average((run) => run.p99),
    requests: sum((run) => run.requests),
    errors: sum((run) => run.errors),
    timeouts: sum((run) => run.timeouts),
    non2xx: sum((run) => run.non2xx),
  };
}

// -------------------------------------------------------------------- servers

async function startService(env: Record<string, string>, token: string, processes: ChildProcess[], nodeArgs: string[] = [], dataDir = DATA_DIR) {
  const port = 62300 + Math.floor(Math.random() * 500);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...serviceNodeFlags(), join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: {
      ...withoutDatabase(process.env),
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      NODE_ENV: 'development',
    },
    // The service's own log (warnings and errors only) goes to a file beside the results.
    stdio: ['ignore', openSync(SERVICE_LOG, 'a'), openSync(SERVICE_LOG, 'a')],
  });
  processes.push(child);
  const origin = `http://127.0.0.1:${port}`;
  const firstMs = await firstAnswer(origin, token, started, child);
  const database = env.DATABASE_URL ? new URL(env.DATABASE_URL).pathname.slice(1) : undefined;
  return { origin, pid: child.pid, database, databaseUrl: env.DATABASE_URL, startMs: firstMs, child };
}

async function startBaselineProcess(url: string, token: string, processes: ChildProcess[]) {
  const port = 62800 + Math.floor(Math.random() * 500);
  const started = performance.now();
  const child = spawn(process.execPath, [BASELINE_JS], {
    cwd: ROOT,
    env: { ...withoutDatabase(process.env), DATABASE_URL: url, DATA_DIR, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(child);
  const origin = `http://127.0.0.1:${port}`;
  const firstMs = await firstAnswer(origin, token, started, child);
  return { origin, pid: child.pid, database: new URL(url).pathname.slice(1), databaseUrl: url, startMs: firstMs, child };
}

/** Fresh starts per server: one start on a noisy machine says little, so the median of a few is the figure. */
const START_SAMPLES = 3;

/** Spawn to first answered request, for each server in turn (service, baseline, service, ...), each stopped again. */
async function measureStarts(url: string, token: string, processes: ChildProcess[]) {
  const service: number[] = [];
  const baseline: number[] = [];
  for (let sample = 0; sample < START_SAMPLES; sample++) {
    for (const [samples, start] of [
      [service, () => startService({ DATABASE_URL: url }, token, processes)],
      [baseline, () => startBaselineProcess(url, token, processes)],
    ] as const) {
      const server = await start();
      samples.push(server.startMs);
      server.child.kill('SIGTERM');
      await waitForExit(server.child);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { serviceMs: median(service), baselineMs: median(baseline), serviceSamplesMs: service, baselineSamplesMs: baseline };
}

/** Polls until the server answers an API request (any status but a connection error or 503). */
async function firstAnswer(origin: string, token: string, started: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${origin}: the server exited with ${child.exitCode}`);
    if (performance.now() - started > 120_000) throw new Error(`${origin}: no answer within two minutes`);
    try {
      const response = await fetch(`${origin}${API}/events/1`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 503) return Math.round(performance.now() - started);
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
}

function withoutDatabase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.DATABASE_URL;
  delete copy.DATA_DIR;
  delete copy.PORT;
  return copy;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit();
    });
  });
}

/** Peak RSS of a process: the kernel's VmHWM, and VmRSS sampled every 250 ms. */
class RssSampler {
  private peakSampledKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => (this.peakSampledKb = Math.max(this.peakSampledKb, this.read('VmRSS'))), 250);
  }

  stop(): { peakRssMb: number; sampledPeakRssMb: number } {
    clearInterval(this.timer);
    return { peakRssMb: Math.round(this.read('VmHWM') / 1024), sampledPeakRssMb: Math.round(this.peakSampledKb / 1024) };
  }

  private read(field: string): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }
}

// ---------------------------------------------------------------- write cost

async function setInsertTrigger(url: string, enabled: boolean): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ALTER TABLE customer_event ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER customer_event_counted_on_insert`);
  } finally {
    await client.end();
  }
}

/**
 * Removes what the benchmark registered. Events registered while the insert
 * trigger was off were never counted, so they go while the delete trigger is
 * off too; the others go with it on, which takes their counts back.
 */
async function cleanUp(url: string, facts: DatasetFacts, prefix: string, log: (line: string) => void): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE customer_event DISABLE TRIGGER customer_event_counted_on_delete');
    const uncounted = await client.query(`DELETE FROM customer_event WHERE customer_number = ANY($1) AND workitem_id LIKE $2`, [facts.customers, `${prefix}-T0-%`]);
    await client.query('ALTER TABLE customer_event ENABLE TRIGGER customer_event_counted_on_delete');
    const counted = await client.query(`DELETE FROM customer_event WHERE customer_number = ANY($1) AND workitem_id LIKE $2`, [facts.customers, `${prefix}-%`]);
    await client.query('COMMIT');
    await client.query('VACUUM (ANALYZE) customer_event');
    log(`Removed ${(uncounted.rowCount ?? 0) + (counted.rowCount ?? 0)} registered events`);
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------ profiles

async function profileScenario(scenario: Scenario, options: Options, token: string, stamp: string, log: (line: string) => void): Promise<ProfileSummary> {
  const directory = join(RESULTS_DIR, `${stamp}-profile-${scenario.id}`);
  mkdirSync(directory, { recursive: true });
  const processes: ChildProcess[] = [];
  const spawned = performance.now();
  const service = await startService({ DATABASE_URL: options.url }, token, processes, ['--cpu-prof', `--cpu-prof-dir=${directory}`]);
  let window: [number, number];
  try {
    await drive(scenario, 'service', service, token, options.warmup, options.connections);
    const from = performance.now() - spawned;
    const run = await drive(scenario, 'service', service, token, options.duration, options.connections);
    window = [from, performance.now() - spawned];
    log(`  profiled run: ${run.requestsPerSecond} req/s (the profiler costs some)`);
  } finally {
    service.child.kill('SIGTERM');
    await waitForExit(service.child);
  }
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile written in ${directory}`);
  // Only the measured run's samples (the profile's clock starts shortly after spawn: a little of the run may be cut).
  const summary = summarizeProfile(join(directory, file), 15, window![0], window![1]);
  // The raw profile is large and machine-specific: keep the summary only.
  rmSync(directory, { recursive: true, force: true });
  return summary;
}

// ------------------------------------------------------------------ embedded

async function runEmbedded(options: Options, log: (line: string) => void): Promise<Record<string, unknown>> {
  const bigEvents = Math.floor(options.embeddedEvents / 2);
  const customers = Math.max(1, Math.floor((options.embeddedEvents - bigEvents) / 100));
  const dataDir = join(ROOT, 'bench', 'data', `embedded-${options.embeddedEvents}`);
  const until = new Date(EMBEDDED_UNTIL).toISOString().slice(0, 10);
  const seedRuns = [
    ['--customers', '1', '--events-per-customer', String(bigEvents), '--seed', '7', '--until', until],
    ['--customers', String(customers), '--events-per-customer', '100', '--tutorial-customer', '--seed', '1', '--until', until],
  ];
  if (!existsSync(join(dataDir, 'seeded.json'))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    for (const args of seedRuns) {
      log(`Seeding the embedded database: npm run seed -- ${args.join(' ')}`);
      const env = { ...withoutDatabase(process.env), DATA_DIR: dataDir };
      const seeded = spawnSync(process.execPath, ['-r', 'ts-node/register', join(ROOT, 'src', 'cli', 'seed.cli.ts'), ...args], { cwd: ROOT, env, stdio: 'inherit' });
      if (seeded.status !== 0) throw new Error('seeding the embedded database failed');
    }
    writeFileSync(join(dataDir, 'seeded.json'), JSON.stringify({ seedRuns }));
  }
  const bigPlan = { seed: 7, customers: 1, eventsPerCustomer: bigEvents, tutorialCustomer: false, until: EMBEDDED_UNTIL };
  const ordinaryPlan = { seed: 1, customers, eventsPerCustomer: 100, tutorialCustomer: true, until: EMBEDDED_UNTIL };
  const [bigCustomer] = new EventGenerator(EVENT_KINDS, bigPlan).customerNumbers();
  const ordinary = [...new EventGenerator(EVENT_KINDS, ordinaryPlan).customerNumbers()].filter((number) => number !== TUTORIAL_CUSTOMER.customerNumber);
  const total = bigEvents + customers * 100 + TUTORIAL_CUSTOMER.events;

  mkdirSync(join(dataDir), { recursive: true });
  const keys = DevIssuerKeys.loadOrCreate(dataDir);
  const token = keys.issue(authConfig(), { subject: 'bench', clientId: 'bench', scope: 'customer-event:read customer-event:write', expiresInSeconds: 3600 });
  const processes: ChildProcess[] = [];
  try {
    const service = await startService({}, token, processes, [], dataDir);
    log(`Embedded: service answered ${service.startMs} ms after spawn`);
    const random = new SeededRandom(3);
    const eventIds = Array.from({ length: 2000 }, () => random.int(1, total));
    const communicationIds: number[] = [];
    for (const customer of ordinary.slice(0, 20)) {
      const response = await fetch(`${service.origin}${API}/events?customer-number=${customer}&event-kind=communication&page-size=100`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { items: { 'event-id': number }[] };
      communicationIds.push(...body.items.map((item) => item['event-id']));
    }
    const facts: DatasetFacts = {
      events: total,
      maxEventId: total,
      bigCustomer,
      bigCustomerEvents: bigEvents,
      bigCustomerSpan: [new Date(EMBEDDED_UNTIL - SEED_WINDOW_MS).toISOString(), new Date(EMBEDDED_UNTIL).toISOString()],
      tutorialCustomer: TUTORIAL_CUSTOMER.customerNumber,
      tutorialCustomerEvents: TUTORIAL_CUSTOMER.events,
      customers: ordinary,
      eventIds,
      communicationIds,
      otherKindId: 1,
    };
    const cursorLinks = await collectCursorLinks(service, token, facts, log);
    const reads = scenariosFor(facts, cursorLinks, 'unused').filter((scenario) => scenario.kind === 'read');
    const rss = new RssSampler(service.pid!);
    const scenarios: Record<string, RunResult & { title: string }> = {};
    for (const scenario of reads) {
      const run = await drive(scenario, 'service', service, token, options.duration, options.connections);
      scenarios[scenario.id] = { title: scenario.title, ...run };
      log(`  embedded ${scenario.id}: ${run.requestsPerSecond} req/s  p99 ${run.p99} ms  errors ${run.errors}  non-2xx ${run.non2xx}`);
    }
    // Mixed concurrent requests must each get their own answer (PGlite has one session).
    const wrongAnswers = await mixedAnswersCheck(service.origin, token, reads);
    log(`  embedded mixed-concurrency check: ${wrongAnswers.checked} answers, ${wrongAnswers.wrong} wrong`);
    return { events: total, startMs: service.startMs, scenarios, memory: rss.stop(), mixedConcurrency: wrongAnswers };
  } finally {
    processes.forEach((child) => child.kill('SIGTERM'));
    await Promise.all(processes.map(waitForExit));
  }
}

/** Each request's answer alone, then all of them 20 at a time in a shuffled mix: every answer must be the same. */
async function mixedAnswersCheck(origin: string, token: string, scenarios: Scenario[]): Promise<{ checked: number; wrong: number }> {
  const paths = scenarios.flatMap((scenario) => Array.from({ length: 8 }, () => scenario.next('service').path));
  const get = async (path: string) => (await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } })).text();
  const expected = new Map<string, string>();
  for (const path of paths) expected.set(path, await get(path));
  const random = new SeededRandom(5);
  const mixed = Array.from({ length: 600 }, () => paths[Math.floor(random.next() * paths.length)]);
  let wrong = 0;
  for (let index = 0; index < mixed.length; index += 20) {
    const batch = mixed.slice(index, index + 20);
    const answers = await Promise.all(batch.map(get));
    answers.forEach((answer, position) => (wrong += answer === expected.get(batch[position]) ? 0 : 1));
  }
  return { checked: mixed.length, wrong };
}

// ------------------------------------------------------------------- targets

interface TargetCheck {
  target: string;
  holds: boolean;
  detail: string;
  scenario?: string;
}

function evaluate(scenarios: ScenarioResult[], results: Record<string, unknown>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  for (const scenario of scenarios.filter((candidate) => candidate.kind === 'read' && candidate.ratio !== undefined)) {
    checks.push({
      target: `${scenario.id}: ≥ 0.85 × baseline req/s`,
      holds: scenario.ratio! >= 0.85,
      detail: `${scenario.ratio}${roundSpread(scenario)}`,
      scenario: scenario.id,
    });
    checks.push({
      target: `${scenario.id}: p99 ≤ 1.5 × baseline p99`,
      holds: scenario.p99Ratio! <= 1.5,
      detail: `${scenario.service.p99} ms vs ${scenario.baseline!.p99} ms (× ${scenario.p99Ratio})`,
      scenario: scenario.id,
    });
  }
  const register = byId.get('register');
  if (register?.ratio !== undefined) checks.push({ target: 'register: ≥ 0.7 × baseline req/s', holds: register.ratio >= 0.7, detail: `${register.ratio}${roundSpread(register)}`, scenario: 'register' });
  const cursor = byId.get('list-cursor');
  const small = byId.get('list-page-1');
  if (cursor && small) {
    const ratio = round2(cursor.service.p99 / small.service.p99);
    checks.push({ target: 'next links deep in the big customer: p99 ≤ 1.5 × a small customer’s page 1', holds: ratio <= 1.5, detail: `${cursor.service.p99} ms vs ${small.service.p99} ms (× ${ratio})`, scenario: 'list-cursor' });
  }
  const deep = byId.get('list-deep');
  if (deep?.ratio !== undefined) checks.push({ target: 'page 5,000 by number: ≥ 10 × baseline req/s', holds: deep.ratio >= 10, detail: `× ${deep.ratio}`, scenario: 'list-deep' });
  const memory = results.serviceMemory as { peakRssMb: number } | undefined;
  if (memory) checks.push({ target: 'service peak RSS < 250 MB', holds: memory.peakRssMb < 250, detail: `${memory.peakRssMb} MB` });
  const startup = results.startup as { serviceMs: number; serviceSamplesMs: number[] } | undefined;
  if (startup) {
    checks.push({
      target: 'start to first answered request < 1.5 s (median of fresh starts)',
      holds: startup.serviceMs < 1500,
      detail: `${startup.serviceMs} ms (${startup.serviceSamplesMs.join(', ')})`,
    });
  }
  const embedded = results.embedded as { scenarios: Record<string, RunResult>; mixedConcurrency: { wrong: number } } | undefined;
  if (embedded) {
    const errors = Object.values(embedded.scenarios).reduce((sum, run) => sum + run.errors + run.non2xx + run.timeouts, 0);
    checks.push({ target: 'embedded: no errors under the read load', holds: errors === 0 && embedded.mixedConcurrency.wrong === 0, detail: `${errors} errors/non-2xx, ${embedded.mixedConcurrency.wrong} wrong answers in the mixed check` });
  }
  return checks;
}

// ------------------------------------------------------------------- report

async function machine(url: string): Promise<Record<string, unknown>> {
  const client = new Client({ connectionString: url });
  await client.connect().catch((error: Error) => {
    throw new Error(
      `${error.message}\nThe benchmark needs its own database, e.g.:\n  runuser -u postgres -- psql -c "CREATE DATABASE ce_bench OWNER ce_dev"\n` +
        `and DATABASE_URL=${DEFAULT_URL} (the default)`,
    );
  });
  let postgres: string;
  try {
    postgres = (await client.query<{ version: string }>('SELECT version()')).rows[0].version;
  } finally {
    await client.end();
  }
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    postgres,
    commit: git(['rev-parse', 'HEAD']),
    workTreeDirty: git(['status', '--porcelain']).length > 0,
    loadAverageAtStart: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

function markdown(results: Record<string, unknown>): string {
  const machineInfo = results.machine as Record<string, unknown>;
  const scenarios = (results.scenarios as ScenarioResult[]) ?? [];
  const lines: string[] = [];
  lines.push(
    `Run ${results.startedAt} on commit \`${String(machineInfo.commit).slice(0, 12)}\`${machineInfo.workTreeDirty ? ' (with uncommitted changes)' : ''}: ` +
      `${machineInfo.cpus} CPUs (${machineInfo.cpuModel}), ${machineInfo.memoryGb} GB, Node ${machineInfo.node}, ${String(machineInfo.postgres).split(' on ')[0]}; ` +
      `load average at start ${machineInfo.loadAverageAtStart}.`,
  );
  const dataset = results.dataset as { events: number; bigCustomerEvents: number } | undefined;
  if (dataset) lines.push(`Data set: ${dataset.events.toLocaleString('en')} events; big customer ${dataset.bigCustomerEvents.toLocaleString('en')}.`);
  const load = results.load as { timings: Record<string, number> } | undefined;
  if (load) lines.push(`Loaded in this run: ${JSON.stringify(load.timings)}.`);
  const parity = results.parity as { compared: number; mismatches: unknown[] } | undefined;
  if (parity) lines.push(`Parity check: ${parity.compared} requests compared, ${parity.mismatches.length} differ.`);
  const options = results.options as Options;
  lines.push(
    `Each cell: mean of ${options.rounds} rounds of ${options.duration} s at ${options.connections} connections (service and baseline alternating, the order reversed every round, after a ${options.warmup} s warm-up of each; before the first scenario, both servers warmed up on every read scenario for ${options.warmup} s).`,
    'The ratio is of the means; "per round" gives the lowest and highest ratio of a service round to the baseline round next to it: how far the host\'s noise moved it.',
  );
  lines.push('');
  lines.push('| scenario | service req/s | baseline req/s | ratio | per round | service p50 / p99 ms | baseline p50 / p99 ms | errors (s/b) | non-2xx (s/b) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const scenario of scenarios) {
    const b = scenario.baseline;
    lines.push(
      `| ${scenario.title} | ${scenario.service.requestsPerSecond} | ${b?.requestsPerSecond ?? '–'} | ${scenario.ratio ?? '–'} | ${roundRange(scenario)} | ` +
        `${scenario.service.p50} / ${scenario.service.p99} | ${b ? `${b.p50} / ${b.p99}` : '–'} | ` +
        `${scenario.service.errors + scenario.service.timeouts}/${b ? b.errors + b.timeouts : '–'} | ${scenario.service.non2xx}/${b?.non2xx ?? '–'} |`,
    );
  }
  lines.push('');
  lines.push('CPU time per answered request (ms; the server process, and the PostgreSQL backends of the benchmark database):');
  lines.push('');
  lines.push('| scenario | service process | its database work | baseline process | its database work |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const scenario of scenarios) {
    lines.push(`| ${scenario.id} | ${scenario.service.serverCpuMs} | ${scenario.service.databaseCpuMs} | ${scenario.baseline?.serverCpuMs ?? '–'} | ${scenario.baseline?.databaseCpuMs ?? '–'} |`);
  }
  const memory = results.serviceMemory as { peakRssMb: number; sampledPeakRssMb: number } | undefined;
  const startup = results.startup as { serviceMs: number; baselineMs: number; serviceSamplesMs: number[]; baselineSamplesMs: number[] } | undefined;
  lines.push('');
  if (memory) lines.push(`Service peak RSS (VmHWM over the whole run): ${memory.peakRssMb} MB (sampled VmRSS peak ${memory.sampledPeakRssMb} MB).`);
  if (startup) {
    lines.push(
      `Spawn to first answered request, median of ${startup.serviceSamplesMs.length} fresh starts each: service ${startup.serviceMs} ms (${startup.serviceSamplesMs.join(', ')}), baseline ${startup.baselineMs} ms (${startup.baselineSamplesMs.join(', ')}).`,
    );
  }
  const embedded = results.embedded as
    | { events: number; startMs: number; scenarios: Record<string, RunResult & { title: string }>; memory: { peakRssMb: number }; mixedConcurrency: { checked: number; wrong: number } }
    | undefined;
  if (embedded) {
    lines.push('');
    lines.push(`Embedded PostgreSQL (PGlite, one connection), ${embedded.events.toLocaleString('en')} events, ${options.duration} s per scenario, ${options.connections} connections; start ${embedded.startMs} ms, peak RSS ${embedded.memory.peakRssMb} MB:`);
    lines.push('');
    lines.push('| scenario | req/s | p50 / p99 ms | errors | non-2xx |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const run of Object.values(embedded.scenarios)) lines.push(`| ${run.title} | ${run.requestsPerSecond} | ${run.p50} / ${run.p99} | ${run.errors + run.timeouts} | ${run.non2xx} |`);
    lines.push('');
    lines.push(`Mixed concurrent requests (20 at a time): ${embedded.mixedConcurrency.checked} answers, ${embedded.mixedConcurrency.wrong} wrong.`);
  }
  const targets = results.targets as TargetCheck[];
  lines.push('');
  lines.push('| target | holds | measured |');
  lines.push('|---|---|---|');
  for (const target of targets) lines.push(`| ${target.target} | ${target.holds ? 'yes' : '**no**'} | ${target.detail} |`);
  const profiles = results.profiles as Record<string, ProfileSummary> | undefined;
  for (const [id, profile] of Object.entries(profiles ?? {})) {
    lines.push('');
    lines.push(`CPU profile of the service in \`${id}\` (${profile.totalMs} ms sampled, ${Math.round(profile.idleShare * 100)}% idle); self time of the busy time:`);
    lines.push('');
    lines.push('| package | share |   | function | where | share |');
    lines.push('|---|---:|---|---|---|---:|');
    for (let index = 0; index < Math.max(profile.packages.length, profile.functions.length) && index < 12; index++) {
      const pkg = profile.packages[index];
      const fn = profile.functions[index];
      lines.push(`| ${pkg?.name ?? ''} | ${pkg ? `${Math.round(pkg.share * 1000) / 10}%` : ''} | | ${fn ? `\`${fn.name}\`` : ''} | ${fn?.where ?? ''} | ${fn ? `${Math.round(fn.share * 1000) / 10}%` : ''} |`);
    }
  }
  return lines.join('\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

function writeDoc(table: string, file: string): void {
  const section = `${START}\n<!-- Written by npm run bench from ${file.slice(ROOT.length + 1)}; do not edit by hand. -->\n\n${table}\n\n${END}`;
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Performance\n\n## Latest benchmark run\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start >= 0 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current}\n${section}\n`;
  writeFileSync(DOC, next);
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const round2 = (value: number) => Math.round(value * 100) / 100;
const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
