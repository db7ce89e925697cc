import { Client } from 'pg';
import { TUTORIAL_CUSTOMER } from '../src/database/seed/event-generator';
import { SeededRandom } from '../src/database/seed/seeded-random';

/** What the benchmark's requests are made of, read from a loaded database. */
export interface DatasetFacts {
  events: number;
  maxEventId: number;
  bigCustomer: string;
  bigCustomerEvents: number;
  /** The big customer's first and last creation-datetime (ISO). */
  bigCustomerSpan: [string, string];
  tutorialCustomer: string;
  tutorialCustomerEvents: number;
  /** Ordinary customers (neither big nor the tutorial's), by random event. */
  customers: string[];
  eventIds: number[];
  communicationIds: number[];
  /** An event that is not a communication (the kind detail's 404). */
  otherKindId: number;
}

export async function readFacts(url: string, seed = 42, sample = 2000): Promise<DatasetFacts> {
  const client = new Client({ connectionString: url, application_name: 'bench-facts' });
  await client.connect();
  try {
    const random = new SeededRandom(seed);
    const one = async <T>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows[0] as T;
    const { max } = await one<{ max: string | null }>('SELECT max(event_id) AS max FROM customer_event');
    if (max === null) throw new Error('The benchmark database holds no events: run npm run bench:load first');
    const maxEventId = Number(max);
    const { total } = await one<{ total: string }>('SELECT sum(event_count) AS total FROM customer_event_daily_count');
    const big = await one<{ customer_number: string; events: string }>(
      'SELECT customer_number, sum(event_count) AS events FROM customer_event_daily_count GROUP BY 1 ORDER BY 2 DESC LIMIT 1',
    );
    const span = await one<{ first: Date; last: Date }>(
      'SELECT min(creation_datetime) AS first, max(creation_datetime) AS last FROM customer_event WHERE customer_number = $1',
      [big.customer_number],
    );
    const tutorial = await one<{ events: string | null }>('SELECT sum(event_count) AS events FROM customer_event_daily_count WHERE customer_number = $1', [
      TUTORIAL_CUSTOMER.customerNumber,
    ]);
    const randomIds = (count: number) => Array.from({ length: count }, () => random.int(1, maxEventId));
    const customers = (
      await client.query<{ customer_number: string }>(
        'SELECT DISTINCT customer_number FROM customer_event WHERE event_id = ANY($1::bigint[]) AND customer_number <> ALL($2::varchar[])',
        [randomIds(sample * 3), [big.customer_number, TUTORIAL_CUSTOMER.customerNumber]],
      )
    ).rows.map((row) => row.customer_number);
    const kinds = (
      await client.query<{ event_id: string; event_kind: string }>('SELECT event_id, event_kind FROM customer_event WHERE event_id = ANY($1::bigint[])', [
        randomIds(sample * 10),
      ])
    ).rows;
    const communicationIds = kinds.filter((row) => row.event_kind === 'CommunicationEvent').map((row) => Number(row.event_id));
    const other = kinds.find((row) => row.event_kind !== 'CommunicationEvent');
    return {
      events: Number(total),
      maxEventId,
      bigCustomer: big.customer_number,
      bigCustomerEvents: Number(big.events),
      bigCustomerSpan: [span.first.toISOString(), span.last.toISOString()],
      tutorialCustomer: TUTORIAL_CUSTOMER.customerNumber,
      tutorialCustomerEvents: Number(tutorial.events ?? 0),
      customers: shuffle(customers, random).slice(0, sample),
      eventIds: randomIds(sample),
      communicationIds: communicationIds.slice(0, sample),
      otherKindId: Number(other?.event_id ?? 1),
    };
  } finally {
    await client.end();
  }
}

function shuffle<T>(items: T[], random: SeededRandom): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [items[index], items[other]] = [items[other], items[index]];
  }
  return items;
}
