import { GENERIC_EVENT_KINDS } from '../../classifications/classification-schemas';
import { EventKind, renderedMembersOf } from '../../events/core/event-kind';
import { EventXmlRenderer, KeyValueRuns, packKeyValues } from '../../events/core/event-xml';
import { customerProfile, CustomerProfile } from './customer-profile';
import { isoInstant } from './iso-instant';
import { KIND_SAMPLES, KindBody, KindSample, SampleContext } from './kind-samples';
import { mixSeed, SeededRandom, WeightedChoice } from './seeded-random';

/** The customer of the tutorial's examples, with the tutorial's total-count. */
export const TUTORIAL_CUSTOMER = { customerNumber: '1400269', events: 2298 } as const;

/** The tutorial's own spelling of the login events' kind. */
export const SECURITY_EVENT_KIND = GENERIC_EVENT_KINDS[0][0];

/** Events are spread over about three years before `until`. */
export const SEED_WINDOW_MS = Math.round(3 * 365.25 * 86_400_000);

/** Share of events registered in the same millisecond as the customer's previous one (list tie-breaks need them). */
const SAME_MILLISECOND_SHARE = 0.03;

/** The newest events of the tutorial customer are logins, as on the tutorial's first page. */
const TUTORIAL_TRAILING_LOGINS = 20;

/** How often each event kind occurs; logins dominate a bank's event stream. */
const KIND_WEIGHTS: Record<string, number> = {
  [SECURITY_EVENT_KIND]: 40,
  AccountingTransactionEvent: 22,
  CommunicationEvent: 12,
  ArrangementActivityEvent: 8,
  ChargeableActivityEvent: 7,
  CustomerCaseEvent: 4,
  ProfileMaintenanceEvent: 4,
  SocialEvent: 3,
};

/** Seven-digit customer numbers, visited in a seed-dependent order with no repeats: STEP is coprime to the range. */
const CUSTOMER_NUMBER_BASE = 1_000_000;
const CUSTOMER_NUMBER_RANGE = 9_000_000;
const CUSTOMER_NUMBER_STEP = 1_234_567;
export const MAX_SEED_CUSTOMERS = CUSTOMER_NUMBER_RANGE - 1;

export interface SeedPlan {
  /** 0 to 2^32-1. */
  seed: number;
  customers: number;
  eventsPerCustomer: number;
  /** Also create TUTORIAL_CUSTOMER with exactly its number of events. */
  tutorialCustomer: boolean;
  /** End of the time window, epoch milliseconds (exclusive). */
  until: number;
}

/** One event as the writer stores it: the customer_event row and, for the seven kinds, the body its kind row comes from. */
export interface SeedEvent {
  customerNumber: string;
  eventKind: string;
  /** Epoch milliseconds. */
  creationDatetime: number;
  description: string | null;
  eventDataXml: string;
  /** The key-values the service stores beside the XML at registration. */
  eventDataKeyValues: KeyValueRuns;
  workitemId: string | null;
  /** Set for the seven kinds; null for generic (login) events. */
  kind: EventKind | null;
  /** The registration body by property name, as the service's kind row is taken from it. */
  body: KindBody | null;
}

interface KindPlan {
  kind: EventKind;
  sample: KindSample;
  /** The members the service renders, in its order (event-kind.service.ts: the create DTO's wire names minus the payload). */
  renderedMembers: [wire: string, property: string][];
}

/**
 * Turns a seed plan into a stream of realistic events, customer by customer,
 * each customer's events in time order. Pure and deterministic: the same plan
 * gives the same events, and each customer's events depend only on the seed
 * and the customer's position, never on batch sizes or on other customers.
 */
export class EventGenerator {
  private readonly renderer = new EventXmlRenderer();
  private readonly kinds = new Map<string, KindPlan>();
  private readonly mix: WeightedChoice<string>;
  private readonly tutorialMix: WeightedChoice<string>;

  constructor(kinds: readonly EventKind[], readonly plan: SeedPlan) {
    assertPlan(plan);
    for (const kind of kinds) {
      const sample = KIND_SAMPLES[kind.eventKind];
      if (!sample) throw new Error(`No seed samples for ${kind.eventKind}: add them to KIND_SAMPLES in kind-samples.ts`);
      const renderedMembers = renderedMembersOf(kind);
      this.kinds.set(kind.eventKind, { kind, sample, renderedMembers });
    }
    const weights = [SECURITY_EVENT_KIND, ...this.kinds.keys()].map((eventKind) => [eventKind, KIND_WEIGHTS[eventKind] ?? 3] as const);
    this.mix = new WeightedChoice(weights);
    // The tutorial's customer is shown mostly logging in.
    this.tutorialMix = new WeightedChoice(weights.map(([eventKind, weight]) => [eventKind, eventKind === SECURITY_EVENT_KIND ? weight * 4 : weight] as const));
  }

  /** How many events `events()` yields. */
  get total(): number {
    return this.plan.customers * this.plan.eventsPerCustomer + (this.plan.tutorialCustomer ? TUTORIAL_CUSTOMER.events : 0);
  }

  /** Customer numbers in the order their events come, tutorial customer first. */
  *customerNumbers(): Generator<string> {
    if (this.plan.tutorialCustomer) yield TUTORIAL_CUSTOMER.customerNumber;
    for (const [, customerNumber] of this.ordinaryCustomers()) yield customerNumber;
  }

  *events(): Generator<SeedEvent> {
    const { seed, eventsPerCustomer } = this.plan;
    if (this.plan.tutorialCustomer) {
      yield* this.customerEvents(TUTORIAL_CUSTOMER.customerNumber, mixSeed(seed, Number(TUTORIAL_CUSTOMER.customerNumber), 1), TUTORIAL_CUSTOMER.events, true);
    }
    for (const [position, customerNumber] of this.ordinaryCustomers()) {
      yield* this.customerEvents(customerNumber, mixSeed(seed, position), eventsPerCustomer, false);
    }
  }

  /** The tutorial customer's number never comes up here, so a run can never add events to it by chance. */
  private *ordinaryCustomers(): Generator<[position: number, customerNumber: string]> {
    const offset = mixSeed(this.plan.seed, 0xc0ffee) % CUSTOMER_NUMBER_RANGE;
    let produced = 0;
    for (let position = 0; produced < this.plan.customers; position++) {
      const customerNumber = String(CUSTOMER_NUMBER_BASE + ((offset + position * CUSTOMER_NUMBER_STEP) % CUSTOMER_NUMBER_RANGE));
      if (customerNumber === TUTORIAL_CUSTOMER.customerNumber) continue;
      produced++;
      yield [position, customerNumber];
    }
  }

  private *customerEvents(customerNumber: string, stream: number, count: number, tutorial: boolean): Generator<SeedEvent> {
    const random = new SeededRandom(stream);
    const customer = customerProfile(customerNumber, random);
    const start = this.plan.until - SEED_WINDOW_MS;
    const mix = tutorial ? this.tutorialMix : this.mix;
    let communications = 0;
    const context: SampleContext = {
      random,
      customer,
      at: start,
      lastWorkitemId: null,
      nextWorkitemId: () => `WI${this.plan.seed}-${String(++communications).padStart(6, '0')}`,
    };
    // Ascending order statistics of `count` uniform draws, one at a time: sorted times without holding them.
    let fraction = 0;
    for (let index = 0; index < count; index++) {
      const previous = context.at;
      fraction += (1 - fraction) * (1 - Math.pow(random.next(), 1 / (count - index)));
      context.at =
        index > 0 && random.chance(SAME_MILLISECOND_SHARE) ? previous : start + Math.min(Math.floor(fraction * SEED_WINDOW_MS), SEED_WINDOW_MS - 1);
      const eventKind = tutorial && index >= count - TUTORIAL_TRAILING_LOGINS ? SECURITY_EVENT_KIND : mix.pick(random);
      const kindPlan = this.kinds.get(eventKind);
      const event = kindPlan ? this.kindEvent(kindPlan, context) : this.loginEvent(customer, context.at, random);
      if (event.workitemId) context.lastWorkitemId = event.workitemId;
      yield event;
    }
  }

  /** What the service stores for a registration of this kind sent without XML. */
  private kindEvent({ kind, sample, renderedMembers }: KindPlan, context: SampleContext): SeedEvent {
    const body: KindBody = { customerNumber: context.customer.customerNumber, ...sample(context) };
    return {
      customerNumber: context.customer.customerNumber,
      eventKind: kind.eventKind,
      creationDatetime: context.at,
      description: body.description ?? null,
      ...this.payload(
        `${kind.name}-event`,
        renderedMembers.map(([wire, property]) => [wire, body[property]]),
      ),
      workitemId: body.workitemId ?? null,
      kind,
      body,
    };
  }

  /** A channel login, shaped like the tutorial's example payload. */
  private loginEvent(customer: CustomerProfile, at: number, random: SeededRandom): SeedEvent {
    // The channel registers the login a few seconds after it happened, and reports local time to the microsecond.
    const occurredOn = centralEuropeanTime(at - random.int(200, 15_000), random.digits(3));
    return {
      customerNumber: customer.customerNumber,
      eventKind: SECURITY_EVENT_KIND,
      creationDatetime: at,
      description: null,
      ...this.payload('customer-login', [
        ['customer-id', customer.customerNumber],
        ['event-id', random.uuid()],
        ['occured-on', occurredOn],
        ['user-id', customer.userId],
        ['login-type', 'authorization-code'],
        ['channel', random.chance(0.7) ? 'mobile' : 'web'],
      ]),
      workitemId: null,
      kind: null,
      body: null,
    };
  }

  /** The XML the service renders for these members, and the key-values it would store for it. */
  private payload(root: string, members: [string, unknown][]): Pick<SeedEvent, 'eventDataXml' | 'eventDataKeyValues'> {
    return { eventDataXml: this.renderer.render(root, members), eventDataKeyValues: packKeyValues(this.renderer.keyValues(root, members)) };
  }
}

/** The next `count` items of an iterator (fewer at its end), taken lazily. */
export function* take<T>(source: Iterator<T>, count: number): Generator<T> {
  for (let taken = 0; taken < count; taken++) {
    const next = source.next();
    if (next.done) return;
    yield next.value;
  }
}

/** `2014-10-10T12:34:28.203063+02:00`: Central European (Summer) Time, as the bank's channels report it. */
export function centralEuropeanTime(epochMs: number, microseconds = '000'): string {
  const offsetHours = isCentralEuropeanSummerTime(epochMs) ? 2 : 1;
  const local = isoInstant(epochMs + offsetHours * 3_600_000).slice(0, 23);
  return `${local}${microseconds}+0${offsetHours}:00`;
}

/** EU rule: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
function isCentralEuropeanSummerTime(epochMs: number): boolean {
  const year = new Date(epochMs).getUTCFullYear();
  let summer = SUMMER_TIME.get(year);
  if (!summer) {
    const lastSunday = (month: number) => {
      const lastDay = new Date(Date.UTC(year, month + 1, 0));
      return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
    };
    SUMMER_TIME.set(year, (summer = [lastSunday(2), lastSunday(9)]));
  }
  return epochMs >= summer[0] && epochMs < summer[1];
}

const SUMMER_TIME = new Map<number, [start: number, end: number]>();

function assertPlan(plan: SeedPlan): void {
  const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!whole(plan.seed, 0, 0xffff_ffff)) throw new Error('seed must be a whole number from 0 to 4294967295');
  if (!whole(plan.customers, 0, MAX_SEED_CUSTOMERS)) throw new Error(`customers must be a whole number from 0 to ${MAX_SEED_CUSTOMERS}`);
  if (!whole(plan.eventsPerCustomer, 1, 10_000_000)) throw new Error('events per customer must be a whole number from 1 to 10000000');
  if (!Number.isFinite(plan.until)) throw new Error('until must be an instant');
}
