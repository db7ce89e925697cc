import { plainToInstance } from 'class-transformer';
import { DataSource } from 'typeorm';
import { ListEventsQuery } from '../../src/events/core/dto/list-events.query';
import { EventsService } from '../../src/events/core/events.service';
import { insertEvents } from '../support/fixtures';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

describe(`The list query's plan (${databaseMode} database)`, () => {
  let api: TestApp;
  const customer = uniqueCustomer();

  beforeAll(async () => {
    api = await startTestApp();
    await insertEvents(api, customer, 500, { kinds: ['SecurtyEvent', 'CommunicationEvent'] });
    await api.app.get(DataSource).query('ANALYZE customer_event');
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['newest first', {}, 'ix_customer_event_customer_time'],
    ['oldest first', { 'sort-order': 'asc' }, 'ix_customer_event_customer_time'],
    ['a date range', { 'date-from': '2014-10-10T12:00:00Z', 'date-to': '2014-10-10T13:00:00Z' }, 'ix_customer_event_customer_time'],
    ['one kind', { 'event-kind': 'communication' }, 'ix_customer_event_customer_kind_time'],
    ['one kind and a date range, oldest first', { 'event-kind': 'SecurtyEvent', 'date-from': '2014-10-10T12:00:00Z', 'sort-order': 'asc' }, 'ix_customer_event_customer_kind_time'],
  ])('reads a customer page with %s from an index, in index order (no sort)', async (_, parameters, index) => {
    const query = plainToInstance(ListEventsQuery, { 'customer-number': customer, ...parameters }, { excludeExtraneousValues: true, exposeDefaultValues: true });
    const [sql, values] = api.app
      .get(EventsService)
      .pageQuery(query, { subject: 'planner', scopes: new Set() }, { offset: 0, limit: 20 }, false)
      .getQueryAndParameters();
    const runner = api.app.get(DataSource).createQueryRunner();
    await runner.startTransaction();
    try {
      // A small test table makes other paths cheap: take them away (inside a rolled-back transaction)
      // and ask whether the customer-scoped index serves the page without a sort.
      await runner.query('SET LOCAL enable_seqscan = off');
      await runner.query('DROP INDEX ix_customer_event_time');
      const [{ 'QUERY PLAN': [{ Plan: plan }] }] = await runner.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
      const planNodes = nodes(plan);
      expect(planNodes.map((node) => node['Node Type'])).not.toContain('Sort');
      expect(planNodes.map((node) => node['Index Name'])).toContain(index);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
