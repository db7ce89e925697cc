import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Baseline, startBaseline } from '../../bench/baseline-server';
import { readFacts } from '../../bench/facts';
import { loadDataset, LoadResult } from '../../bench/loader';
import { Answer, checkParity, difference, ParityReport } from '../../bench/parity';
import { databaseConfig } from '../../src/config';
import { buildTypeOrmOptions } from '../../src/database/typeorm-options';
import { PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The benchmark's correctness check as a test (no timings): a small data set
 * loaded by the benchmark's loader into a private PostgreSQL, the service
 * (startTestApp) and the baseline (bench/baseline-server.ts) on it, and the
 * same sample of requests to both. In either database mode the data lives in
 * the private server: the loader replaces a database's project tables, and
 * the baseline needs a real server.
 */
describe('benchmark parity: the service and the baseline on the same data', () => {
  let postgres: PrivatePostgres;
  let url: string;
  let load: LoadResult;
  let app: TestApp;
  let baseline: Baseline;

  const admin = async (sql: string, database = 'postgres') => {
    const client = new Client({ connectionString: postgres.url.replace(/\/postgres$/, `/${database}`) });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    await admin('CREATE DATABASE bench_parity');
    url = postgres.url.replace(/\/postgres$/, '/bench_parity');
    // Big enough for keyset links with a kind and date filter (beyond 1,000 rows), small enough for CI.
    load = await loadDataset({ url, events: 15_000, customers: 40, bigCustomerEvents: 9_000, workers: 0 });
    app = await startTestApp({ DATABASE_URL: url });
    baseline = await startBaseline({ databaseUrl: url, dataDir: app.dataDir, poolSize: 4 });
  }, 180_000);

  afterAll(async () => {
    await baseline?.close();
    await app?.close();
    postgres?.destroy();
  });

  describe('the loader', () => {
    it('loads the planned skew: the tutorial customer with 2,298 events, one big customer, the rest small', async () => {
      const counts = await admin('SELECT customer_number, count(*)::int AS n FROM customer_event GROUP BY 1 ORDER BY 2 DESC', 'bench_parity');
      expect(counts.reduce((sum, row) => sum + row.n, 0)).toBe(15_000);
      expect(counts).toHaveLength(40);
      expect(counts[0]).toEqual({ customer_number: load.bigCustomer.customerNumber, n: 9_000 });
      expect(counts.find((row) => row.customer_number === '1400269')?.n).toBe(2298);
      const kinds = await admin('SELECT DISTINCT event_kind FROM customer_event', 'bench_parity');
      expect(kinds.length).toBe(8); // the seven kinds and the tutorial's SecurtyEvent logins
    });

    it('leaves what registering every event would have: kind rows, daily and per-kind counts, the id sequence past the last id', async () => {
      const [kindRows] = await admin(
        `SELECT (SELECT count(*) FROM customer_event WHERE event_kind <> 'SecurtyEvent')::int AS events,
                ((SELECT count(*) FROM communication_event) + (SELECT count(*) FROM social_event) + (SELECT count(*) FROM accounting_transaction_event)
                 + (SELECT count(*) FROM customer_case_event) + (SELECT count(*) FROM arrangement_activity_event)
                 + (SELECT count(*) FROM profile_maintenance_event) + (SELECT count(*) FROM chargable_activity_event))::int AS kind_rows`,
        'bench_parity',
      );
      expect(kindRows.kind_rows).toBe(kindRows.events);
      const [wrongCounts] = await admin(
        `SELECT count(*)::int AS n FROM (
           SELECT customer_number, event_kind, (creation_datetime AT TIME ZONE 'UTC')::date AS day, count(*) AS event_count FROM customer_event GROUP BY 1, 2, 3) counted
         FULL JOIN customer_event_daily_count kept USING (customer_number, event_kind, day)
         WHERE counted.event_count IS DISTINCT FROM kept.event_count`,
        'bench_parity',
      );
      expect(wrongCounts.n).toBe(0);
      const [wrongTotals] = await admin(
        `SELECT count(*)::int AS n FROM (SELECT customer_number, event_kind, count(*) AS event_count FROM customer_event GROUP BY 1, 2) counted
         FULL JOIN customer_event_kind_count kept USING (customer_number, event_kind)
         WHERE counted.event_count IS DISTINCT FROM kept.event_count`,
        'bench_parity',
      );
      expect(wrongTotals.n).toBe(0);
      const created = await app.request('POST', '/customer-event/communication-events', {
        body: { 'customer-number': '1400269', 'workitem-id': 'PARITY-SEQUENCE', medium: 'mail' },
      });
      expect(created.status).toBe(200);
      expect(Number(created.headers.get('location')!.split('/').pop())).toBe(load.maxEventId + 1);
      await admin(`DELETE FROM customer_event WHERE workitem_id = 'PARITY-SEQUENCE'`, 'bench_parity');
    });

    it('rebuilds exactly the schema the migrations make: indexes, keys and enabled triggers', async () => {
      await admin('CREATE DATABASE bench_fresh');
      const freshUrl = postgres.url.replace(/\/postgres$/, '/bench_fresh');
      const fresh = new DataSource(buildTypeOrmOptions({ ...databaseConfig(), url: freshUrl } as ReturnType<typeof databaseConfig>, freshUrl, false));
      await fresh.initialize();
      await fresh.runMigrations();
      await fresh.destroy();
      const schema = async (database: string) =>
        admin(
          `SELECT 'index' AS what, indexdef AS definition FROM pg_indexes WHERE schemaname = 'public'
           UNION ALL SELECT 'constraint', conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' valid=' || convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace
           UNION ALL SELECT 'trigger', tgname || ' enabled=' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
           ORDER BY 1, 2`,
          database,
        );
      const loaded = await schema('bench_parity');
      expect(loaded.length).toBeGreaterThan(20);
      expect(loaded).toEqual(await schema('bench_fresh'));
    });
  });

  describe('the answers', () => {
    let report: ParityReport;

    beforeAll(async () => {
      const facts = await readFacts(url, 42, 200);
      report = await checkParity({
        service: { origin: app.origin },
        baseline,
        tokens: {
          full: app.token(),
          readOnly: app.token({ scope: 'customer-event:read' }),
          bound: (customerNumber) => app.token({ customerNumber }),
        },
        facts,
        writes: { workitemPrefix: 'PARITY' },
      });
    }, 120_000);

    it('are the same for every sampled request', () => {
      expect(report.mismatches.map((mismatch) => `${mismatch.name}: ${mismatch.request}: ${mismatch.reason}`)).toEqual([]);
    });

    it('cover the list shapes, the keyset links, details, security, validation and registration', () => {
      expect(report.compared).toBeGreaterThan(80);
      expect(report.statuses[200]).toBeGreaterThan(50);
      for (const status of [400, 401, 403, 404, 409]) expect(report.statuses[status]).toBeGreaterThan(0);
      for (const name of [
        'list page 1',
        'big customer deep page',
        'big customer, next link (cursor)',
        'big customer, prev link (cursor)',
        'big customer, kind and dates, next link (cursor)',
        'communication detail',
        'bound token, other customer (403)',
        'garbled cursor (400)',
        'register on the service, replay on the baseline',
        'twin registered on the baseline',
        'same Idempotency-Key, other body (409)',
      ]) {
        expect(report.names).toContain(name);
      }
    });
  });

  describe('the comparison', () => {
    const answer = (status: number, text: string, location: string | null = null): Answer => ({ status, text, headers: { location, 'www-authenticate': null } });

    it('tells answers apart by status, body, Location, and a 400 by its error tags', () => {
      expect(difference(answer(200, '{"a":1}'), answer(200, '{"a":1}'))).toBeUndefined();
      expect(difference(answer(200, '{"a":1}'), answer(200, '{"a":2}'))).toMatch(/bodies differ at character 5/);
      expect(difference(answer(200, '{}'), answer(404, '{}'))).toMatch(/status/);
      expect(difference(answer(200, '{}', 'http://HOST/1'), answer(200, '{}', 'http://HOST/2'))).toMatch(/location/);
      const problem = (tag: string, message: string) => JSON.stringify({ problem: 'bad-request', detail: message, errors: [{ tag, error: 'max-length', message }] });
      expect(difference(answer(400, problem('title', 'too long')), answer(400, problem('title', 'is too long')))).toBeUndefined();
      expect(difference(answer(400, problem('title', 'too long')), answer(400, problem('from', 'too long')))).toMatch(/400 problems differ/);
    });
  });
});
