import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { KIND_CASES } from '../support/event-bodies';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const [communication] = KIND_CASES;

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('Reads on a streaming replica', () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let api: TestApp;

  beforeAll(async () => {
    primary = await startPrivatePostgres();
    replica = await startPrivatePostgres(primary);
    api = await startTestApp({ DATABASE_URL: primary.url, DATABASE_REPLICA_URLS: replica.url, DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_REPLICA_RETRY_S: '1' });
  });
  afterAll(async () => {
    await api?.close();
    replica?.destroy();
    primary?.destroy();
  });

  const waitForReplay = async (customer: string, count: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const [row] = (await sql(replica.url, `SELECT count(*)::int AS n FROM customer_event WHERE customer_number = '${customer}'`)) as { n: number }[];
      if (row.n === count) return;
      await sleep(100);
    }
    throw new Error('the replica did not catch up');
  };

  it('serves lists from the replica, yet a fresh registration is readable at its Location while the replica lags', async () => {
    const customer = uniqueCustomer();
    const first = await api.request('POST', '/customer-event/communication-events', { body: communication.body(customer, randomUUID()) });
    expect(first.status).toBe(200);
    await waitForReplay(customer, 1);

    await sql(replica.url, 'SELECT pg_wal_replay_pause()');
    try {
      const fresh = await api.request('POST', '/customer-event/communication-events', { body: communication.body(customer, randomUUID()) });
      expect(fresh.status).toBe(200);
      // The list comes from the paused replica: it cannot see the new event yet...
      const list = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
      expect(list.body['total-count']).toBe(1);
      // ...but the client that registered it can follow its Location.
      const location = new URL(fresh.headers.get('location')!);
      const detail = await api.request('GET', location.pathname);
      expect(detail.status).toBe(200);
      expect(detail.body['workitem-id']).toBeDefined();
    } finally {
      await sql(replica.url, 'SELECT pg_wal_replay_resume()');
    }
    await waitForReplay(customer, 2);
    expect((await api.request('GET', `/customer-event/events?customer-number=${customer}`)).body['total-count']).toBe(2);
  });

  it('keeps answering reads from the primary when the replica dies, and readiness shows the degraded state', async () => {
    const customer = uniqueCustomer();
    expect((await api.request('POST', '/customer-event/social-events', { body: { 'customer-number': customer, content: 'x' } })).status).toBe(200);
    replica.stop('immediate');
    try {
      for (let i = 0; i < 5; i++) {
        const list = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
        expect(list.status).toBe(200);
        expect(list.body['total-count']).toBe(1);
      }
      const ready = await api.request('GET', '/health/ready', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.body.info.replicas).toMatchObject({ degraded: true, unreachable: 1 });
    } finally {
      replica.start();
    }
    let healthy = false;
    for (let attempt = 0; attempt < 50 && !healthy; attempt++) {
      healthy = (await api.request('GET', '/health/ready', { token: null })).body.info?.replicas?.degraded === false;
      if (!healthy) await sleep(200);
    }
    expect(healthy).toBe(true);
  });
});

describe('Two instances on one database', () => {
  let postgres: PrivatePostgres;
  let first: TestApp;
  let second: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'two-instances-'));

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    const shared = { DATABASE_URL: postgres.url, DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_PER_MINUTE: '30' };
    first = await startTestApp(shared);
    second = await startTestApp(shared);
  });
  afterAll(async () => {
    await first?.app.close();
    await second?.app.close();
    postgres?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('create exactly one event from identical registrations sent at once to both', async () => {
    const customer = uniqueCustomer();
    const body = communication.body(customer, randomUUID());
    const key = randomUUID();
    const token = first.token({ clientId: `idem-${randomUUID()}` });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? first : second).request('POST', '/customer-event/communication-events', { body, token, headers: { 'Idempotency-Key': key } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((answer) => answer.body.CreatedRecordStatus === 'Created')).toHaveLength(1);
    const [row] = (await sql(postgres.url, `SELECT count(*)::int AS n FROM customer_event WHERE customer_number = '${customer}'`)) as { n: number }[];
    expect(row.n).toBe(1);
  });

  it('hold one rate limit per client across both, through Redis', async () => {
    const token = first.token({ clientId: `limited-${randomUUID()}` });
    const statuses: number[] = [];
    for (let i = 0; i < 34; i++) statuses.push((await (i % 2 ? first : second).request('GET', '/customer-event/classifications', { token })).status);
    // 30 a minute in all, not 30 on each instance.
    expect(statuses).toEqual([...Array(30).fill(200), 429, 429, 429, 429]);
  });
});
