import 'reflect-metadata';
import { EVENT_KINDS } from '../src/events/event-kinds';
import { CopyLayout, CopyRowWriter, copyTables, CopyTextBuffer, DAILY_COUNTS_TABLE, EVENTS_TABLE, FIRST_KIND_TABLE, KIND_COUNTS_TABLE } from './copy-rows';
import { DatasetPlan } from './dataset';

const decode = (part: Uint8Array | null) => (part === null ? '' : new TextDecoder().decode(part));

describe('CopyTextBuffer', () => {
  it('keeps UTF-8 text whole across growth, and gives each part an ArrayBuffer of its own', () => {
    const buffer = new CopyTextBuffer(8);
    expect(buffer.isEmpty).toBe(true);
    expect(buffer.take()).toBeNull();
    const rows = ['1\tĐorđe Šćekić\n', '2\t€ 12,50\n', `3\t${'x'.repeat(100)}\n`];
    for (const row of rows) buffer.write(row);
    expect(buffer.isEmpty).toBe(false);
    const first = buffer.take()!;
    expect(decode(first)).toBe(rows.join(''));
    expect(first.byteOffset).toBe(0);

    buffer.write('4\tnext\n');
    const second = buffer.take()!;
    expect(second.buffer).not.toBe(first.buffer);
    expect(decode(second)).toBe('4\tnext\n');
    expect(decode(first)).toBe(rows.join('')); // the earlier part is untouched by later writes
  });
});

describe('CopyRowWriter', () => {
  const plan: DatasetPlan = { events: 6_000, customers: 6, bigCustomerEvents: 3_000, seed: 7, until: Date.UTC(2026, 0, 1) };
  const table = (name: string) => ({ table: name, columns: [] });
  const layout: CopyLayout = {
    events: table('events'),
    dailyCounts: table('daily'),
    kindCounts: table('totals'),
    kinds: EVENT_KINDS.map((kind) => ({ ...table(kind.name), eventKind: kind.eventKind, properties: ['description'] })),
  };

  /** Every table's COPY text, as rows of values, after writing all customers with the given flush size. */
  async function writeAll(flushEvents: number) {
    const texts = copyTables(layout).map(() => '');
    let flushedEvents = 0;
    const writer = new CopyRowWriter(plan, layout, flushEvents, (parts, events) => {
      parts.forEach((part, index) => (texts[index] += decode(part)));
      flushedEvents += events;
    });
    await writer.writeCustomers(writer.customers.map((_, index) => index));
    await writer.finish();
    const rows = texts.map((text) => text.split('\n').filter(Boolean).map((line) => line.split('\t')));
    return { rows, flushedEvents, customers: writer.customers };
  }

  it('counts per customer, kind and day, and per customer and kind, what it writes as events', async () => {
    const { rows, flushedEvents, customers } = await writeAll(1_000);
    expect(flushedEvents).toBe(plan.events);
    const events = rows[EVENTS_TABLE];
    expect(events).toHaveLength(plan.events);
    expect(new Set(events.map((row) => row[1])).size).toBe(plan.events); // event ids unique

    const expectedDaily = new Map<string, number>();
    const expectedTotals = new Map<string, number>();
    for (const [customer, , kind, created] of events) {
      const day = `${customer}\t${kind}\t${created.slice(0, 10)}`;
      expectedDaily.set(day, (expectedDaily.get(day) ?? 0) + 1);
      expectedTotals.set(`${customer}\t${kind}`, (expectedTotals.get(`${customer}\t${kind}`) ?? 0) + 1);
    }
    const daily = rows[DAILY_COUNTS_TABLE];
    expect(new Map(daily.map(([customer, kind, day, count]) => [`${customer}\t${kind}\t${day}`, Number(count)]))).toEqual(expectedDaily);
    expect(daily).toHaveLength(expectedDaily.size); // one row per key
    const totals = rows[KIND_COUNTS_TABLE];
    expect(new Map(totals.map(([customer, kind, count]) => [`${customer}\t${kind}`, Number(count)]))).toEqual(expectedTotals);
    expect(totals).toHaveLength(expectedTotals.size);

    // Keys in sorted order within each customer: the primary keys are built from sorted input.
    const keyOrder = (keys: string[]) => keys.every((key, index) => index === 0 || keys[index - 1].split('\t')[0] !== key.split('\t')[0] || keys[index - 1] < key);
    expect(keyOrder(daily.map((row) => row.slice(0, 3).join('\t')))).toBe(true);
    expect(keyOrder(totals.map((row) => row.slice(0, 2).join('\t')))).toBe(true);

    const kindRows = rows.slice(FIRST_KIND_TABLE).reduce((sum, table) => sum + table.length, 0);
    expect(kindRows).toBe(events.filter((row) => row[2] !== 'SecurtyEvent').length);
    expect(customers.reduce((sum, customer) => sum + customer.events, 0)).toBe(plan.events);
  });

  it('writes the same text whatever the flush size, counts written after the last event included', async () => {
    const whole = await writeAll(plan.events + 1); // one flush, from finish()
    // A flush after every event leaves each customer's counts for after its last flush.
    const everyEvent = await writeAll(1);
    expect(everyEvent.flushedEvents).toBe(plan.events);
    expect(everyEvent.rows).toEqual(whole.rows);
  });
});
