import { EventGenerator, SeedEvent, SeedPlan, TUTORIAL_CUSTOMER } from '../src/database/seed/event-generator';
import { mixSeed, SeededRandom } from '../src/database/seed/seeded-random';
import { EventKind } from '../src/events/core/event-kind';

/**
 * The benchmark's data set: a bank's skewed event history. Most customers have
 * 20-200 events, a few hundred to a few thousand, the tutorial's customer
 * exactly 2,298 and one corporate customer a million (or a tenth of the set,
 * when that is smaller).
 *
 * The events themselves come from the seed generator (src/database/seed), so
 * every row is what the service stores for that registration. The generator
 * gives every customer the same number of events; this class only adds the
 * per-customer counts, by calling the generator's per-customer stream with its
 * own seeds (customer position and seed), so a customer's events are exactly
 * the generator's for that customer and count.
 */
export interface DatasetPlan {
  /** Total events, the special customers included. */
  events: number;
  /** Total customers, the special customers included. */
  customers: number;
  /** Events of the one big customer. */
  bigCustomerEvents: number;
  seed: number;
  /** End of the three-year window, epoch ms (exclusive). */
  until: number;
}

export interface DatasetCustomer {
  customerNumber: string;
  events: number;
  /** First event-id of this customer's contiguous block of ids. */
  firstEventId: number;
  /** The generator's stream for this customer. */
  stream: number;
  tutorial: boolean;
}

export const DEFAULT_BIG_CUSTOMER_EVENTS = 1_000_000;

/** The big customer's share when the set is too small for a million. */
const BIG_SHARE_OF_SMALL_SETS = 0.1;

export function defaultBigCustomerEvents(events: number): number {
  return Math.min(DEFAULT_BIG_CUSTOMER_EVENTS, Math.floor(events * BIG_SHARE_OF_SMALL_SETS));
}

type CustomerStream = (customerNumber: string, stream: number, count: number, tutorial: boolean) => Generator<SeedEvent>;

/** Plans the customers and streams their events. */
export class SkewedDataset {
  readonly customers: DatasetCustomer[];
  private readonly generator: EventGenerator;
  private readonly customerStream: CustomerStream;

  constructor(kinds: readonly EventKind[], readonly plan: DatasetPlan) {
    assertPlan(plan);
    const ordinary = plan.customers - 2;
    const seedPlan: SeedPlan = { seed: plan.seed, customers: ordinary + 1, eventsPerCustomer: 1, tutorialCustomer: true, until: plan.until };
    this.generator = new EventGenerator(kinds, seedPlan);
    // The generator's per-customer stream (private there: it has no per-customer counts of its own).
    const stream = (this.generator as unknown as Record<string, unknown>)['customerEvents'];
    const numbers = (this.generator as unknown as Record<string, unknown>)['ordinaryCustomers'];
    if (typeof stream !== 'function' || typeof numbers !== 'function') {
      throw new Error('EventGenerator no longer has customerEvents/ordinaryCustomers: update bench/dataset.ts');
    }
    this.customerStream = (stream as CustomerStream).bind(this.generator);
    const positions = [...(numbers as () => Iterable<[number, string]>).call(this.generator)];

    const counts = ordinaryCounts(ordinary, plan.events - plan.bigCustomerEvents - TUTORIAL_CUSTOMER.events, plan.seed);
    const customers: Omit<DatasetCustomer, 'firstEventId'>[] = [
      {
        customerNumber: TUTORIAL_CUSTOMER.customerNumber,
        events: TUTORIAL_CUSTOMER.events,
        stream: mixSeed(plan.seed, Number(TUTORIAL_CUSTOMER.customerNumber), 1),
        tutorial: true,
      },
    ];
    // The first ordinary customer is the big one; the others get the skewed counts.
    positions.forEach(([position, customerNumber], index) => {
      customers.push({
        customerNumber,
        events: index === 0 ? plan.bigCustomerEvents : counts[index - 1],
        stream: mixSeed(plan.seed, position),
        tutorial: false,
      });
    });
    // Ids in customer-number order, as the loader writes the rows: the event-id index is then built from sorted input.
    const firstIds = new Map<string, number>();
    let next = 1;
    for (const customer of [...customers].sort((a, b) => (a.customerNumber < b.customerNumber ? -1 : a.customerNumber > b.customerNumber ? 1 : 0))) {
      firstIds.set(customer.customerNumber, next);
      next += customer.events;
    }
    this.customers = customers.map((customer) => ({ ...customer, firstEventId: firstIds.get(customer.customerNumber)! }));
  }

  get bigCustomer(): DatasetCustomer {
    return this.customers[1];
  }

  get tutorialCustomer(): DatasetCustomer {
    return this.customers[0];
  }

  /** One customer's events, in time order; their ids are firstEventId, firstEventId + 1, ... */
  events(customer: DatasetCustomer): Generator<SeedEvent> {
    return this.customerStream(customer.customerNumber, customer.stream, customer.events, customer.tutorial);
  }
}

/**
 * `count` customer sizes summing to exactly `total`: log-uniform between 20
 * and 200 for 98% of them, between 200 and 2,000 for 2%, then scaled to the
 * total and corrected one event at a time.
 */
export function ordinaryCounts(count: number, total: number, seed: number): number[] {
  if (count === 0) return [];
  const random = new SeededRandom(mixSeed(seed, 0x5eed));
  const raw = Array.from({ length: count }, () => (random.chance(0.02) ? 200 * Math.pow(10, random.next()) : 20 * Math.pow(10, random.next())));
  const scale = total / raw.reduce((sum, value) => sum + value, 0);
  const counts = raw.map((value) => Math.max(1, Math.round(value * scale)));
  let difference = total - counts.reduce((sum, value) => sum + value, 0);
  for (let index = 0; difference !== 0; index = (index + 1) % count) {
    if (difference > 0) {
      counts[index]++;
      difference--;
    } else if (counts[index] > 1) {
      counts[index]--;
      difference++;
    }
  }
  return counts;
}

function assertPlan(plan: DatasetPlan): void {
  const whole = (value: number) => Number.isSafeInteger(value) && value >= 0;
  if (!whole(plan.events) || !whole(plan.customers) || !whole(plan.bigCustomerEvents) || !whole(plan.seed)) {
    throw new Error('events, customers, big customer events and seed must be whole numbers');
  }
  if (plan.customers < 3) throw new Error('the data set needs at least 3 customers (the tutorial one, the big one and one more)');
  const ordinary = plan.events - plan.bigCustomerEvents - TUTORIAL_CUSTOMER.events;
  if (ordinary < plan.customers - 2) {
    throw new Error(
      `${plan.events} events cannot give ${plan.customers - 2} ordinary customers at least one event each besides ` +
        `${TUTORIAL_CUSTOMER.events} for the tutorial customer and ${plan.bigCustomerEvents} for the big one`,
    );
  }
  if (plan.bigCustomerEvents <= TUTORIAL_CUSTOMER.events) throw new Error(`the big customer needs more than ${TUTORIAL_CUSTOMER.events} events`);
}
