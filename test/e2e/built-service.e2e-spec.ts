import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNodeFlags } from '../../scripts/service-command';
import { DevIssuerKeys } from '../../src/common/auth/dev-issuer.keys';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';
import { authConfig } from '../../src/config';
import { KIND_CASES } from '../support/event-bodies';
import { freePort } from '../support/private-postgres';
import { repoRoot, run, userEnvironment } from '../support/processes';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  contentType: string | null;
  location: string | null;
  body: string;
}

/**
 * What `npm start` runs is not the source the other suites test: `npm run
 * build` bundles swc's output into one file (scripts/bundle.ts). A bundle
 * goes wrong where tests of the source cannot see it: a package loaded twice
 * (the second copy's metadata storage is empty: wire names, validation rules
 * and OpenAPI schemas lost), a file looked for beside a module that moved, an
 * optional package bundled or left out. So the built service, started as
 * `npm start` starts it, must answer exactly as the service built from source
 * does: the OpenAPI document, every refusal, registrations of all seven kinds
 * and the reads of them.
 */
describe(`The built service (npm run build, dist/main.js) answers as the source does (${databaseMode} database)`, () => {
  const root = repoRoot();
  let source: TestApp;
  let built: ChildProcess;
  let builtOrigin: string;
  let builtDataDir: string;
  let builtToken: string;
  let output = '';

  beforeAll(async () => {
    const buildRun = await run('npm', ['run', 'build'], { cwd: root, env: userEnvironment(), timeoutMs: 180_000 });
    if (buildRun.code !== 0) throw new Error(`npm run build failed:\n${buildRun.stdout}\n${buildRun.stderr}`);

    source = await startTestApp();
    // With DATABASE_URL both serve the same database; embedded, each has its own (one connection per data folder).
    builtDataDir = mkdtempSync(join(tmpdir(), 'built-service-'));
    const port = await freePort();
    const env = userEnvironment({ DATA_DIR: builtDataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '1000000' });
    const saved = { ...process.env };
    Object.assign(process.env, { DATA_DIR: builtDataDir });
    builtToken = DevIssuerKeys.loadOrCreate(builtDataDir).issue(authConfig(), { subject: 'test-user', scope: `${READ_SCOPE} ${WRITE_SCOPE}`, expiresInSeconds: 600 });
    process.env = saved;

    built = spawn(process.execPath, [...serviceNodeFlags(), join(root, 'dist', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    built.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    built.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    builtOrigin = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      if (built.exitCode !== null) throw new Error(`dist/main.js exited with ${built.exitCode}:\n${output}`);
      if (attempt > 300) throw new Error(`dist/main.js did not answer within a minute:\n${output}`);
      const ready = await fetch(`${builtOrigin}/health/ready`).then((response) => response.status === 200, () => false);
      if (ready) break;
      await sleep(200);
    }
  }, 240_000);

  afterAll(async () => {
    if (built && built.exitCode === null) {
      const exited = new Promise((resolve) => built.once('exit', resolve));
      built.kill('SIGTERM');
      await exited;
    }
    await source?.close();
    if (builtDataDir) rmSync(builtDataDir, { recursive: true, force: true });
  });

  /** The same request to both; `token` null sends none. */
  async function both(method: string, path: string, options: { body?: unknown; rawBody?: string; contentType?: string; token?: null } = {}): Promise<[Answer, Answer]> {
    const ask = async (origin: string, token: string): Promise<Answer> => {
      const headers: Record<string, string> = {};
      if (options.token !== null) headers.authorization = `Bearer ${token}`;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      const response = await fetch(`${origin}${path}`, { method, headers, body });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        location: response.headers.get('location')?.replace(origin, '<origin>') ?? null,
        body: text.split(origin).join('<origin>'),
      };
    };
    return Promise.all([ask(source.origin, source.token()), ask(builtOrigin, builtToken)]);
  }

  /** Creation and response times come from each server's clock; embedded, each database numbers its own events. */
  const comparable = (answer: Answer): Answer => {
    const normalize = (text: string) => {
      let result = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>').replace(/"responseTime":\d+/g, '"responseTime":<ms>');
      if (databaseMode === 'embedded') result = result.replace(/"event-id":\d+/g, '"event-id":<id>').replace(/events\/\d+/g, 'events/<id>');
      return result;
    };
    return { ...answer, location: answer.location && normalize(answer.location), body: normalize(answer.body) };
  };

  it('runs in strict mode, as the ES modules inside it were written', () => {
    // A directive counts only as the file's first statement: anything before it makes the whole bundle sloppy.
    expect(readFileSync(join(root, 'dist', 'main.js'), 'utf8').slice(0, 13)).toBe('"use strict";');
  });

  it('serves the same OpenAPI document and the explorer with its assets', async () => {
    const [fromSource, fromBuilt] = await both('GET', '/swagger-ui/json', { token: null });
    expect(fromBuilt.status).toBe(200);
    expect(JSON.parse(fromBuilt.body)).toEqual(JSON.parse(fromSource.body));
    for (const asset of ['/swagger-ui/', '/swagger-ui/swagger-ui.css', '/swagger-ui/swagger-ui-bundle.js']) {
      const [sourceAsset, builtAsset] = await both('GET', asset, { token: null });
      expect({ asset, status: builtAsset.status, length: builtAsset.body.length }).toEqual({ asset, status: 200, length: sourceAsset.body.length });
    }
  });

  it('is ready and live, as the source is', async () => {
    for (const path of ['/health', '/health/ready']) {
      const [fromSource, fromBuilt] = await both('GET', path, { token: null });
      expect({ path, ...comparable(fromBuilt) }).toEqual({ path, ...comparable(fromSource) });
      expect(fromBuilt.status).toBe(200);
    }
  });

  it('refuses bad requests with the same problems (validation messages, tokens, routes, media types)', async () => {
    const customer = uniqueCustomer();
    const communication = KIND_CASES[0];
    const refusals: [string, string, Parameters<typeof both>[2]][] = [
      ['GET', `/customer-event/events?customer-number=${customer}`, { token: null }],
      ['GET', '/customer-event/events?page-size=500&sort-order=sideways&bogus=1', {}],
      ['GET', '/customer-event/events?date-from=yesterday', {}],
      ['GET', '/customer-event/events/not-a-number', {}],
      ['GET', '/customer-event/events/999999999999', {}],
      ['GET', '/customer-event/no-such-route', {}],
      ['POST', `/customer-event/${communication.route}`, { body: { 'customer-number': customer } }],
      ['POST', `/customer-event/${communication.route}`, { body: { ...communication.body(customer, 'X1'), 'event-data-xml': '<unclosed>' } }],
      ['POST', `/customer-event/${communication.route}`, { rawBody: '{"customer-number":', contentType: 'application/json' }],
      ['POST', `/customer-event/${communication.route}`, { rawBody: '<xml/>', contentType: 'application/xml' }],
    ];
    for (const [method, path, options] of refusals) {
      const [fromSource, fromBuilt] = await both(method, path, options);
      expect({ method, path, ...fromBuilt }).toEqual({ method, path, ...fromSource });
      expect(fromBuilt.status).toBeGreaterThanOrEqual(400);
      expect(fromBuilt.status).toBeLessThan(500);
    }
  });

  it('registers every kind and reads it back with the same members', async () => {
    const customer = uniqueCustomer();
    for (const [index, kindCase] of KIND_CASES.entries()) {
      const suffix = `B${index}`;
      const register = async (origin: string, token: string) => {
        const response = await fetch(`${origin}/customer-event/${kindCase.route}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(kindCase.body(customer, suffix)),
        });
        return { status: response.status, body: await response.json(), location: response.headers.get('location')?.replace(origin, '<origin>') ?? null };
      };
      // Sharing a database, the source reads what the built service registered; embedded, both register.
      const builtAnswer = await register(builtOrigin, builtToken);
      expect({ kind: kindCase.kind, status: builtAnswer.status }).toEqual({ kind: kindCase.kind, status: 200 });
      if (databaseMode === 'embedded') {
        const sourceAnswer = await register(source.origin, source.token());
        expect(comparable({ ...builtAnswer, contentType: null, body: JSON.stringify(builtAnswer.body) })).toEqual(
          comparable({ ...sourceAnswer, contentType: null, body: JSON.stringify(sourceAnswer.body) }),
        );
      }
      const detailPath = builtAnswer.location!.replace('<origin>', '');
      const [sourceDetail, builtDetail] = await both('GET', detailPath);
      expect(builtDetail.status).toBe(200);
      expect(JSON.parse(builtDetail.body)).toMatchObject(kindCase.expected(customer, suffix));
      expect(comparable(builtDetail)).toEqual(comparable(sourceDetail));
    }
    for (const path of [
      `/customer-event/events?customer-number=${customer}`,
      `/customer-event/events?customer-number=${customer}&page-size=3&page-number=2&sort-order=asc`,
      ...KIND_CASES.map((kindCase) => `/customer-event/events?customer-number=${customer}&event-kind=${kindCase.kind}`),
    ]) {
      const [fromSource, fromBuilt] = await both('GET', path);
      expect(fromBuilt.status).toBe(200);
      expect({ path, ...comparable(fromBuilt) }).toEqual({ path, ...comparable(fromSource) });
    }
  });
});
