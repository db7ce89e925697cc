import { parseArgs } from 'node:util';
import { DEFAULT_BIG_CUSTOMER_EVENTS } from './dataset';
import { DEFAULT_UNTIL, loadDataset } from './loader';

const USAGE = `Usage: npm run bench:load -- [--events 10000000] [--customers 100000] [--big-customer-events N]
                          [--seed 1] [--until 2026-01-01] [--workers 2] [--replace]

Loads the benchmark data set into DATABASE_URL (a real PostgreSQL, a database of its own:
its project tables are dropped and made anew through the migrations). Most customers get
20-200 events, customer 1400269 exactly 2,298, one customer ${DEFAULT_BIG_CUSTOMER_EVENTS.toLocaleString('en')} (a tenth
of the events when that is less). --replace is needed when the database already holds events.`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '10000000' },
      customers: { type: 'string', default: '100000' },
      'big-customer-events': { type: 'string' },
      seed: { type: 'string', default: '1' },
      until: { type: 'string' },
      workers: { type: 'string', default: '2' },
      replace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must name the benchmark database, e.g. postgres://ce_dev:ce_dev@localhost:5432/ce_bench');
  const whole = (name: string, text: string) => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number`);
    return Number(text);
  };
  const started = performance.now();
  const result = await loadDataset({
    url,
    events: whole('events', values.events!),
    customers: whole('customers', values.customers!),
    bigCustomerEvents: values['big-customer-events'] === undefined ? undefined : whole('big-customer-events', values['big-customer-events']),
    seed: whole('seed', values.seed!),
    until: values.until === undefined ? DEFAULT_UNTIL : Date.parse(`${values.until}T00:00:00Z`),
    workers: whole('workers', values.workers!),
    replace: values.replace,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `Loaded ${result.events.toLocaleString('en')} events for ${result.customers.toLocaleString('en')} customers in ${seconds.toFixed(1)} s ` +
      `(big customer ${result.bigCustomer.customerNumber}: ${result.bigCustomer.events.toLocaleString('en')} events; ` +
      `tutorial customer ${result.tutorialCustomer.customerNumber}: ${result.tutorialCustomer.events})\n` +
      `${JSON.stringify(result.timings)}\n`,
  );
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`bench:load failed: ${error.message}\n`);
  process.exitCode = 1;
});
