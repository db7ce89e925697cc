import { DataSource } from 'typeorm';
import { RetentionService } from '../../src/database/retention.service';
import { KIND_CASES } from '../support/event-bodies';
import { insertEvents } from '../support/fixtures';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

describe(`Retention (${databaseMode} database)`, () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ RETENTION_BATCH_SIZE: '100' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('removes events older than the retention period in bounded batches, with their kind rows, and keeps counts exact', async () => {
    const customer = uniqueCustomer();
    const now = new Date();
    const threeYearsAgo = new Date(now.getTime() - 3 * 365 * 86_400_000);
    await insertEvents(api, customer, 350, { start: threeYearsAgo, stepMs: 60_000 });
    const [communication] = KIND_CASES;
    const kept = await api.request('POST', '/customer-event/communication-events', { body: communication.body(customer, 'KEPT') });
    expect(kept.status).toBe(200);
    const dataSource = api.app.get(DataSource);
    const oldKindEventId = Number(
      (
        await dataSource.query(
          `INSERT INTO customer_event (customer_number, event_kind, creation_datetime) VALUES ($1, 'CommunicationEvent', $2) RETURNING event_id`,
          [customer, threeYearsAgo],
        )
      )[0].event_id,
    );
    await dataSource.query(`INSERT INTO communication_event (customer_number, event_id, medium) VALUES ($1, $2, 'mail')`, [customer, oldKindEventId]);
    expect((await api.request('GET', `/customer-event/events?customer-number=${customer}`)).body['total-count']).toBe(352);

    const run = await api.app.get(RetentionService).removeExpired(now, 24);

    expect(run.batches).toBeGreaterThanOrEqual(4);
    const list = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
    expect(list.body['total-count']).toBe(1);
    expect(list.body.items[0]['event-kind']).toBe('CommunicationEvent');
    const orphans = await dataSource.query('SELECT count(*)::int AS n FROM communication_event WHERE customer_number = $1 AND event_id = $2', [customer, oldKindEventId]);
    expect(orphans[0].n).toBe(0);
    expect((await api.request('GET', `/customer-event/events/${oldKindEventId}`)).status).toBe(404);
  });
});
