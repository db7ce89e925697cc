import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DevIssuerKeys } from '../src/common/auth/dev-issuer.keys';
import { authConfig } from '../src/config';
import { serviceNodeFlags } from '../scripts/service-command';
import { BASELINE_JS, buildBaseline } from './baseline-build';
import { readFacts } from './facts';
import { API } from './scenarios';

/**
 * npm run bench:instructions: what one request costs each server, counted in
 * instructions by valgrind's callgrind rather than timed. The timed benchmark
 * (npm run bench) moves by ± 0.06 of a ratio between runs on a shared 2-core
 * machine; an instruction count of the same build under the same load repeats
 * to within about 1%, so it can tell changes of a few microseconds apart.
 *
 * Each server in turn runs under callgrind with counting off, answers a warm-up
 * from 32 keep-alive connections (V8 has optimized the hot code by its end),
 * then the measured requests with counting on. Reported: instructions per
 * request in all and without V8's optimizing compiler, whose work in the window
 * is the tail of the warm-up under valgrind's slow clock (it runs on V8's own
 * threads and varies between runs), not the requests'; and on the main thread
 * alone, the event loop, which is what saturates first (both servers hand the
 * token's RSA verification to libuv's threadpool, the same work in both, which
 * makes the whole-process ratio look closer than the event loop's). Instructions are not
 * time: a larger program also loses more to cache and branch misses, which the
 * count does not see.
 *
 * `--simulate-caches` adds valgrind's model of the machine's caches and branch
 * predictor (about twice as slow): the misses per request that the count alone
 * does not show.
 *
 * Needs `npm run build`, `npm run bench:load` and valgrind (Debian's package);
 * about 4 minutes per server and scenario.
 */

const ROOT = resolve(__dirname, '..');
const DEFAULT_URL = 'postgres://ce_dev:ce_dev@localhost:5432/ce_bench';
const DATA_DIR = join(ROOT, 'bench', 'data', 'run');
const OUT_DIR = join(ROOT, 'bench', 'data', 'callgrind');
/** Where valgrind and callgrind_control meet; the default names the user and host, which a bare environment may lack. */
const VGDB_PREFIX = join(OUT_DIR, 'vgdb');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const CONNECTIONS = 32;

/** Self cost of these functions is V8's optimizing compilers (TurboFan, Turboshaft, Maglev). */
const COMPILER = /v8::internal::(compiler|maglev|turboshaft)::/;

interface Count {
  perRequest: number;
  withoutCompilerPerRequest: number;
  /** The main thread's (thread 1's) share: the event loop, where JavaScript runs. */
  mainThreadPerRequest: number;
  /** With --simulate-caches: each of callgrind's simulated events (Ir, D1mr, Bcm, ...) per request. */
  simulated?: Record<string, number>;
}

/** What the simulated events add up to: misses of the first-level caches, of the last level, and mispredicted branches. */
const MISS_GROUPS: Record<string, string[]> = {
  'L1 misses': ['I1mr', 'D1mr', 'D1mw'],
  'last-level misses': ['ILmr', 'DLmr', 'DLmw'],
  'mispredicted branches': ['Bcm', 'Bim'],
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true },
      warmup: { type: 'string', default: '6000' },
      measured: { type: 'string', default: '2000' },
      'simulate-caches': { type: 'boolean', default: false },
    },
  });
  const url = process.env.DATABASE_URL || DEFAULT_URL;
  const warmup = Number(values.warmup);
  const measured = Number(values.measured);
  const simulate = values['simulate-caches'];
  const facts = await readFacts(url);
  const paths: Record<string, (i: number) => string> = {
    detail: (i) => `${API}/events/${facts.eventIds[i % facts.eventIds.length]}`,
    'kind-detail': (i) => `${API}/communication-events/${facts.communicationIds[i % facts.communicationIds.length]}`,
  };
  const scenarios = values.scenario ?? ['detail'];
  for (const name of scenarios) if (!paths[name]) throw new Error(`Unknown scenario ${name}; known: ${Object.keys(paths).join(', ')}`);

  mkdirSync(DATA_DIR, { recursive: true });
  const keys = DevIssuerKeys.loadOrCreate(DATA_DIR);
  const token = keys.issue(authConfig(), { subject: 'bench', clientId: 'bench', scope: 'customer-event:read', expiresInSeconds: 4 * 3600 });
  await buildBaseline();

  const env = { ...process.env, DATABASE_URL: url, DATA_DIR, HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000000', NODE_ENV: 'development' };
  const servers = {
    service: [...serviceNodeFlags(), join(ROOT, 'dist', 'main.js')],
    baseline: [BASELINE_JS],
  };
  const rows: Array<{ scenario: string; service: Count; baseline: Count }> = [];
  for (const scenario of scenarios) {
    const counts: Partial<Record<keyof typeof servers, Count>> = {};
    for (const [server, args] of Object.entries(servers) as Array<[keyof typeof servers, string[]]>) {
      counts[server] = await countRequests(server, args, env, token, paths[scenario], { warmup, measured, simulate });
      log(
        `${scenario}, ${server}: ${format(counts[server].perRequest)} instructions a request (${format(counts[server].withoutCompilerPerRequest)} without the optimizing compiler, ` +
          `${format(counts[server].mainThreadPerRequest)} on the main thread)`,
      );
    }
    rows.push({ scenario, service: counts.service!, baseline: counts.baseline! });
  }

  log('');
  log(
    '| scenario | service instructions/request | baseline | baseline/service | without the optimizing compiler: service | baseline | baseline/service | main thread: service | baseline | baseline/service |',
  );
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { scenario, service, baseline } of rows) {
    const ratio = (a: number, b: number) => (a / b).toFixed(3);
    log(
      `| ${scenario} | ${format(service.perRequest)} | ${format(baseline.perRequest)} | ${ratio(baseline.perRequest, service.perRequest)} | ` +
        `${format(service.withoutCompilerPerRequest)} | ${format(baseline.withoutCompilerPerRequest)} | ${ratio(baseline.withoutCompilerPerRequest, service.withoutCompilerPerRequest)} | ` +
        `${format(service.mainThreadPerRequest)} | ${format(baseline.mainThreadPerRequest)} | ${ratio(baseline.mainThreadPerRequest, service.mainThreadPerRequest)} |`,
    );
  }
  if (simulate) {
    log('');
    log(`| scenario | simulated per request (valgrind's model of this machine's caches) | service | baseline | service/baseline |`);
    log('|---|---|---:|---:|---:|');
    for (const { scenario, service, baseline } of rows) {
      for (const [group, events] of Object.entries(MISS_GROUPS)) {
        const sum = (count: Count) => events.reduce((total, event) => total + (count.simulated?.[event] ?? 0), 0);
        log(`| ${scenario} | ${group} (${events.join(', ')}) | ${format(sum(service))} | ${format(sum(baseline))} | ${(sum(service) / Math.max(sum(baseline), 1)).toFixed(2)} |`);
      }
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `instructions-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  writeFileSync(file, `${JSON.stringify({ commit, warmup, measured, connections: CONNECTIONS, rows }, null, 2)}\n`);
  log(`Results: ${file}`);
}

/** One server under callgrind: warm-up uncounted, then `measured` requests counted. */
async function countRequests(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  token: string,
  path: (i: number) => string,
  { warmup, measured, simulate }: { warmup: number; measured: number; simulate: boolean },
): Promise<Count> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const port = 63100 + Math.floor(Math.random() * 500);
  const serverEnv = { ...env, PORT: String(port) };
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', ...(simulate ? ['--cache-sim=yes', '--branch-sim=yes'] : []), `--vgdb-prefix=${VGDB_PREFIX}`, `--callgrind-out-file=${join(OUT_DIR, name)}`, process.execPath, ...args], {
    env: serverEnv,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    const origin = { port, token };
    await untilAnswering(origin, child);
    await drive(origin, path, 0, warmup);
    callgrindControl('--instr=on', child, serverEnv);
    await drive(origin, path, warmup, measured);
    callgrindControl('--instr=off', child, serverEnv);
    callgrindControl('--dump', child, serverEnv);
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
  }
  let total = 0;
  let compiler = 0;
  let mainThread = 0;
  const events = new Map<string, number>();
  // One file per thread and dump (the bare --callgrind-out-file stays empty); thread 1 is the main thread.
  for (const file of readdirSync(OUT_DIR).filter((name) => !name.startsWith('vgdb') && statSync(join(OUT_DIR, name)).size > 0)) {
    const annotated = execFileSync('callgrind_annotate', ['--threshold=100', join(OUT_DIR, file)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    let names: string[] = [];
    let isMainThread = false;
    for (const line of annotated.split('\n')) {
      if (line.startsWith('Profiled target:')) isMainThread = /\bthread 1\)\s*$/.test(line);
      if (line.startsWith('Events shown:')) names = line.slice('Events shown:'.length).trim().split(/\s+/);
      const match = /^\s*([\d,]+) \([ \d.]+%\)\s+(.*)$/.exec(line);
      if (!match) continue;
      const count = Number(match[1].replace(/,/g, ''));
      if (match[2].includes('PROGRAM TOTALS')) {
        total += count;
        if (isMainThread) mainThread += count;
        // With simulated caches the totals line holds one count per event, in the order "Events shown" names them.
        const counts = [...line.matchAll(/([\d,]+) \([ \d.]+%\)/g)].map((each) => Number(each[1].replace(/,/g, '')));
        counts.forEach((value, index) => names[index] && events.set(names[index], (events.get(names[index]) ?? 0) + value));
      } else if (COMPILER.test(match[2])) compiler += count;
    }
  }
  const count: Count = {
    perRequest: Math.round(total / measured),
    withoutCompilerPerRequest: Math.round((total - compiler) / measured),
    mainThreadPerRequest: Math.round(mainThread / measured),
  };
  if (simulate) count.simulated = Object.fromEntries([...events].map(([event, value]) => [event, Math.round(value / measured)]));
  return count;
}

/** In the server's environment: valgrind names its control files after USER and HOST (the server's listen address here). */
function callgrindControl(command: string, child: ChildProcess, env: NodeJS.ProcessEnv): void {
  // stdout says "OK" whether or not the command arrived; a failure to reach the process goes to stderr.
  const answer = spawnSync('callgrind_control', [`--vgdb-prefix=${VGDB_PREFIX}`, command, String(child.pid)], { encoding: 'utf8', env });
  if (answer.status !== 0 || /error/i.test(answer.stderr)) throw new Error(`callgrind_control ${command}: ${answer.stderr || answer.stdout}`);
}

async function untilAnswering(origin: { port: number; token: string }, child: ChildProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server under valgrind exited with ${child.exitCode}`);
    if (Date.now() - started > 300_000) throw new Error('no answer under valgrind within five minutes');
    const status = await request(origin, `${API}/events/1`).catch(() => 0);
    if (status !== 0 && status !== 503) return;
    await new Promise((done) => setTimeout(done, 500));
  }
}

/** `count` GETs from CONNECTIONS keep-alive connections, every one answered 200. */
async function drive(origin: { port: number; token: string }, path: (i: number) => string, from: number, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = from;
  const worker = async () => {
    while (next < from + count) {
      const status = await request(origin, path(next++), agent);
      if (status !== 200) throw new Error(`expected 200, got ${status}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  } finally {
    agent.destroy();
  }
}

function request({ port, token }: { port: number; token: string }, path: string, agent?: Agent): Promise<number> {
  return new Promise((done, fail) => {
    get({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      response.once('end', () => done(response.statusCode ?? 0));
    }).once('error', fail);
  });
}

const format = (n: number) => n.toLocaleString('en');
const log = (line: string) => process.stdout.write(`${line}\n`);

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
