import { parseArgs } from 'node:util';
import { EventGenerator, MAX_SEED_CUSTOMERS, SeedPlan, take, TUTORIAL_CUSTOMER } from '../database/seed/event-generator';
import { EventSink, refreshStatistics, UnnestEventWriter } from '../database/seed/event-writer';
import { EVENT_KINDS } from '../events/event-kinds';
import { CliDatabase, openCliDatabase } from './cli-data-source';

const USAGE = `Usage: npm run seed -- --customers N [--events-per-customer M] [--seed S] [--tutorial-customer]
                     [--until YYYY-MM-DD] [--batch-size B]

Fills the database with realistic events of every kind plus SecurtyEvent logins: N customers
(7-digit numbers) with M events each (default 100), spread over the three years before --until
(default: today, 00:00 UTC). The same --seed (default 1) and --until give the same events.
--tutorial-customer also creates customer ${TUTORIAL_CUSTOMER.customerNumber} with exactly ${TUTORIAL_CUSTOMER.events} events.

Works on DATABASE_URL, or on the embedded PostgreSQL in DATA_DIR when DATABASE_URL is unset
(the service must not be running on that folder). Applies pending migrations first.`;

class UsageError extends Error {}

interface SeedOptions {
  plan: SeedPlan;
  batchSize: number;
}

function parseOptions(argv: string[]): SeedOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string' },
      'events-per-customer': { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      'tutorial-customer': { type: 'boolean', default: false },
      until: { type: 'string' },
      'batch-size': { type: 'string', default: '10000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const whole = (name: string, text: string | undefined, min: number, max: number) => {
    const value = Number(text);
    if (text === undefined || !/^\d+$/.test(text) || value < min || value > max) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
  if (values.customers === undefined && !values['tutorial-customer']) throw new UsageError('--customers is required');
  return {
    plan: {
      customers: values.customers === undefined ? 0 : whole('customers', values.customers, 0, MAX_SEED_CUSTOMERS),
      eventsPerCustomer: whole('events-per-customer', values['events-per-customer'], 1, 10_000_000),
      seed: whole('seed', values.seed, 0, 0xffff_ffff),
      tutorialCustomer: values['tutorial-customer']!,
      until: parseUntil(values.until),
    },
    batchSize: whole('batch-size', values['batch-size'], 100, 100_000),
  };
}

/** Default: today at 00:00 UTC, so a run repeated the same day writes the same events. */
function parseUntil(text: string | undefined): number {
  if (text === undefined) {
    const now = new Date();
    return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  }
  const until = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(until)) throw new UsageError('--until must be a date such as 2026-01-01 or an RFC 3339 date-time');
  return until;
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const generator = new EventGenerator(EVENT_KINDS, options.plan);
  if (generator.total === 0) throw new UsageError('Nothing to seed: give --customers N (N > 0) or --tutorial-customer');
  const db = await openCliDatabase({ migrate: true });
  try {
    process.stderr.write(`Seeding ${generator.total.toLocaleString('en')} events into ${db.target}\n`);
    await refuseRepeatedSeed(db, generator);
    // PGlite has one backend session; a real server inserts two batches at once while the next is generated.
    const sinks = await Promise.all(Array.from({ length: db.embedded ? 1 : 2 }, () => UnnestEventWriter.open(db.dataSource, EVENT_KINDS)));
    const started = performance.now();
    let written: number;
    try {
      written = await load(generator, options.batchSize, sinks);
    } finally {
      await Promise.all(sinks.map((sink) => sink.close()));
    }
    const loadSeconds = (performance.now() - started) / 1000;
    const analyzeStarted = performance.now();
    await refreshStatistics(db.dataSource, EVENT_KINDS);
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    const rate = Math.round(written / loadSeconds).toLocaleString('en');
    const what =
      written < generator.total
        ? `Stopped after ${written.toLocaleString('en')} of ${generator.total.toLocaleString('en')} events`
        : `Seeded ${written.toLocaleString('en')} events for ${countCustomers(options.plan)} customer(s)`;
    process.stdout.write(`${what} (seed ${options.plan.seed}) in ${loadSeconds.toFixed(1)} s: ${rate} events/s; ANALYZE ${analyzeSeconds.toFixed(1)} s\n`);
    if (written < generator.total) process.exitCode = 130;
  } finally {
    await db.close();
  }
}

/**
 * Re-running a seed would repeat its workitem-ids (unique per customer and
 * kind) and break the tutorial customer's exact count, deep into a long run:
 * refuse at the start instead.
 */
async function refuseRepeatedSeed({ dataSource }: CliDatabase, generator: EventGenerator): Promise<void> {
  const { plan } = generator;
  if (plan.tutorialCustomer) {
    const [existing] = await dataSource.query(`SELECT 1 FROM customer_event WHERE customer_number = $1 LIMIT 1`, [TUTORIAL_CUSTOMER.customerNumber]);
    if (existing) {
      throw new Error(`Customer ${TUTORIAL_CUSTOMER.customerNumber} already has events; seed the tutorial customer only into a fresh database`);
    }
  }
  const [first] = generator.customerNumbers();
  const [seeded] = await dataSource.query(
    `SELECT 1 FROM customer_event WHERE customer_number = $1 AND event_kind = 'CommunicationEvent' AND workitem_id LIKE $2 LIMIT 1`,
    [first, `WI${plan.seed}-%`],
  );
  if (seeded) throw new Error(`Seed ${plan.seed} was already loaded into this database; use another --seed or a fresh database`);
}

/**
 * Streams the events into the sinks, one batch in flight per sink: a sink
 * takes its batch straight from the generator, so only the batches being
 * stored are in memory. Stops after the batches in flight on Ctrl-C.
 */
async function load(generator: EventGenerator, batchSize: number, sinks: EventSink[]): Promise<number> {
  const progress = new Progress(generator.total);
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    process.stderr.write('\nInterrupted: finishing the batches in flight\n');
  };
  process.once('SIGINT', onInterrupt);
  const idle = [...sinks];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const events = generator.events();
  try {
    for (let remaining = generator.total; remaining > 0; remaining -= batchSize) {
      while (idle.length === 0 && failure === undefined) await Promise.race(inFlight);
      if (interrupted || failure !== undefined) break;
      const sink = idle.pop()!;
      const write: Promise<void> = sink
        .write(take(events, Math.min(batchSize, remaining)))
        .then(
          (count) => progress.add(count),
          (error: unknown) => {
            failure ??= error;
          },
        )
        .finally(() => {
          inFlight.delete(write);
          idle.push(sink);
        });
      inFlight.add(write);
    }
    await Promise.all(inFlight);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
  }
  if (failure !== undefined) throw failure;
  return progress.done;
}

/** One progress line on stderr: rewritten in place on a terminal, a new line every few seconds otherwise. */
class Progress {
  done = 0;
  private readonly started = performance.now();
  private lastShown = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly total: number) {}

  add(count: number): void {
    this.done += count;
    const now = performance.now();
    if (now - this.lastShown >= (this.tty ? 250 : 5000)) {
      this.lastShown = now;
      this.show(now);
    }
  }

  finish(): void {
    this.show(performance.now());
    if (this.tty) process.stderr.write('\n');
  }

  private show(now: number): void {
    const rate = Math.round(this.done / Math.max((now - this.started) / 1000, 0.001));
    const percent = ((100 * this.done) / this.total).toFixed(1);
    const line = `${this.done.toLocaleString('en')} / ${this.total.toLocaleString('en')} events (${percent}%), ${rate.toLocaleString('en')} events/s`;
    process.stderr.write(this.tty ? `\r${line}\u001b[K` : `${line}\n`);
  }
}

function countCustomers(plan: SeedPlan): string {
  return (plan.customers + (plan.tutorialCustomer ? 1 : 0)).toLocaleString('en');
}

main(process.argv.slice(2)).catch((error: Error) => {
  const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(usage ? `${error.message}\n\n${USAGE}\n` : `Seeding failed: ${error.message}\n`);
  process.exitCode = usage ? 2 : 1;
});
