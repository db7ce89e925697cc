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
    ['newest first', {}],
    ['oldest first', { 'sort-order': 'asc' }],
    ['a date range', { 'date-from': '2014-10-10T12:00:00Z', 'date-to': '2014-10-10T13:00:00Z' }],
    ['one kind', { 'event-kind': 'communication' }],
    ['one kind and a date range, oldest first', { 'event-kind': 'SecurtyEvent', 'date-from': '2014-10-10T12:00:00Z', 'sort-order': 'asc' }],
  ])('finds the keys of a customer page with %s by walking an index in order (no sort)', async (_, parameters) => {
    const query = plainToInstance(ListEventsQuery, { 'customer-number': customer, ...parameters }, { excludeExtraneousValues: true, exposeDefaultValues: true });
    const events = api.app.get(EventsService);
    const filter = events.listFilter(query, { subject: 'planner', scopes: new Set() });
    const { statement, values } = events.listStatement(query, filter, undefined, false);
    const runner = api.app.get(DataSource).createQueryRunner();
    await runner.startTransaction();
    try {
      // A small test table makes other paths cheap: take them away (inside a rolled-back transaction)
      // and ask whether the customer-scoped index serves the page without a sort.
      await runner.query('SET LOCAL enable_seqscan = off');
      await runner.query('DROP INDEX ix_customer_event_time');
      const [{ 'QUERY PLAN': [{ Plan: plan }] }] = await runner.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, values);
      // The page's keys are found under the LIMIT: that part must be an index walk in order, no sort.
      // (Above it, at most page-size joined rows are put in order.)
      const limit = nodes(plan).find((node) => node['Node Type'] === 'Limit');
      expect(limit).toBeDefined();
      const keyNodes = nodes(limit!);
      expect(keyNodes.map((node) => node['Node Type'])).not.toContain('Sort');
      // Either customer index serves (the kind one when a kind filter is selective enough).
      expect(keyNodes.map((node) => node['Index Name'])).toContainEqual(expect.stringMatching(/^ix_customer_event_customer_(kind_)?time$/));
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
