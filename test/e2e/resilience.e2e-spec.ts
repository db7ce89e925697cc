import { ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DevIssuerKeys } from '../../src/common/auth/dev-issuer.keys';
import { authConfig } from '../../src/config';
import { freePort, PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  workitem: string;
  status: number | string;
}

async function storedWorkitems(url: string, customer: string): Promise<Set<string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT workitem_id FROM customer_event WHERE customer_number = $1', [customer]);
    return new Set(rows.map((row: { workitem_id: string }) => row.workitem_id));
  } finally {
    await client.end();
  }
}

const communication = (customer: string, workitem: string) => ({ 'customer-number': customer, 'workitem-id': workitem, medium: 'email', title: 'outage' });

describe('A database outage', () => {
  let postgres: PrivatePostgres;
  let api: TestApp;
  const customer = `OUT${Date.now()}`.slice(0, 20);

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    api = await startTestApp({ DATABASE_URL: postgres.url, DATABASE_CONNECT_TIMEOUT_MS: '500', DATABASE_STATEMENT_TIMEOUT_MS: '2000', DATABASE_RETRY_AFTER_S: '2' });
  });
  afterAll(async () => {
    await api?.close();
    postgres?.destroy();
  });

  it('fails fast with 503 and Retry-After, turns readiness false but not liveness, recovers by itself and loses no acknowledged write', async () => {
    const outcomes: Outcome[] = [];
    let counter = 0;
    const registerNext = async () => {
      const workitem = `W${++counter}`;
      const response = await api.request('POST', '/customer-event/communication-events', { body: communication(customer, workitem) });
      outcomes.push({ workitem, status: response.status });
      return response;
    };
    for (let i = 0; i < 20; i++) expect((await registerNext()).status).toBe(200);

    postgres.stop('fast');
    const during = await registerNext();
    expect(during.status).toBe(503);
    expect(during.body.problem).toBe('service-unavailable');
    expect(Number(during.headers.get('retry-after'))).toBe(2);
    const read = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
    expect(read.status).toBe(503);
    expect((await api.request('GET', '/health/ready', { token: null })).status).toBe(503);
    expect((await api.request('GET', '/health', { token: null })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await registerNext()).status).toBe(503);

    postgres.start();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      recovered = (await api.request('GET', '/health/ready', { token: null })).status === 200;
      if (!recovered) await sleep(200);
    }
    expect(recovered).toBe(true);
    for (let i = 0; i < 20; i++) expect((await registerNext()).status).toBe(200);

    const acknowledged = outcomes.filter((outcome) => outcome.status === 200).map((outcome) => outcome.workitem);
    const stored = await storedWorkitems(postgres.url, customer);
    expect([...stored].sort()).toEqual(acknowledged.sort());
  });
});

describe('SIGTERM under load', () => {
  let postgres: PrivatePostgres;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
  });
  afterAll(() => {
    postgres?.destroy();
  });

  it('finishes the requests in flight, loses no acknowledged write, and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sigterm-'));
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: postgres.url, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'test', SHUTDOWN_GRACE_MS: '10000', RATE_LIMIT_PER_MINUTE: '1000000' };
    const service: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], { cwd: join(__dirname, '..', '..'), env, stdio: 'pipe' });
    const exited = new Promise<number | null>((resolve) => service.on('exit', (code) => resolve(code)));
    try {
      for (let attempt = 0; attempt < 100; attempt++) {
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
        if (ready) break;
        await sleep(200);
      }
      const saved = { ...process.env };
      Object.assign(process.env, { DATA_DIR: dataDir });
      const token = DevIssuerKeys.loadOrCreate(dataDir).issue(authConfig(), { subject: 'load', scope: 'customer-event:write', expiresInSeconds: 600 });
      process.env = saved;

      const customer = `SIG${Date.now()}`.slice(0, 20);
      const outcomes: Outcome[] = [];
      let counter = 0;
      let stopping = false;
      // One fresh connection per request, so nothing rides a keep-alive socket the server is closing.
      const post = (workitem: string) =>
        new Promise<number | string>((resolve) => {
          const body = JSON.stringify(communication(customer, workitem));
          const request = httpRequest(
            { host: '127.0.0.1', port, path: '/customer-event/communication-events', method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
            (response) => {
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            },
          );
          request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
          request.end(body);
        });
      const worker = async () => {
        while (!stopping || counter < 400) {
          const workitem = `S${++counter}`;
          const status = await post(workitem);
          outcomes.push({ workitem, status });
          // A 503 while draining is the load balancer's cue to send elsewhere; a client here stops too.
          if (status === 503 || status === 'ECONNREFUSED') return;
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await sleep(1500);
      service.kill('SIGTERM');
      stopping = true;
      await Promise.all(workers);
      expect(await exited).toBe(0);

      const acknowledged = outcomes.filter((outcome) => outcome.status === 200).map((outcome) => outcome.workitem);
      expect(acknowledged.length).toBeGreaterThan(10);
      expect(outcomes.filter((outcome) => outcome.status === 'ECONNRESET' || outcome.status === 'EPIPE')).toEqual([]);
      expect(outcomes.filter((outcome) => typeof outcome.status === 'number' && outcome.status >= 500 && outcome.status !== 503)).toEqual([]);
      const stored = await storedWorkitems(postgres.url, customer);
      for (const workitem of acknowledged) expect(stored.has(workitem)).toBe(true);
    } finally {
      if (service.exitCode === null) service.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
