import { isoInstant } from '../src/database/seed/iso-instant';
import { jsonText } from '../src/events/core/event.entity';
import { EVENT_KINDS } from '../src/events/event-kinds';
import { DatasetCustomer, DatasetPlan, SkewedDataset } from './dataset';

/** A table the loader COPYs into, and which value of a generated event goes in each column. */
export interface CopyTable {
  /** Quoted table name. */
  table: string;
  /** Quoted column names, in COPY order. */
  columns: string[];
}

/**
 * The tables in a fixed order: 0 customer_event, 1 customer_event_daily_count,
 * 2 customer_event_kind_count, then one per kind (its `event-kind` value and
 * the kind body's property of each column after the key columns).
 */
export interface CopyLayout {
  events: CopyTable;
  dailyCounts: CopyTable;
  kindCounts: CopyTable;
  kinds: (CopyTable & { eventKind: string; properties: string[] })[];
}

export const EVENTS_TABLE = 0;
export const DAILY_COUNTS_TABLE = 1;
export const KIND_COUNTS_TABLE = 2;
export const FIRST_KIND_TABLE = 3;

/** The layout's tables in COPY order. */
export function copyTables(layout: CopyLayout): CopyTable[] {
  return [layout.events, layout.dailyCounts, layout.kindCounts, ...layout.kinds];
}

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Byte order; customer numbers and kinds are ASCII, where the database's C.UTF-8 collation agrees. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One value in COPY's text format. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(SPECIALS, (char) => ESCAPES[char]) : text;
}

/**
 * COPY text written straight into bytes. Strings joined and then encoded cost
 * the generator more than making the events did (half its time went to
 * joins, encoding and collecting their garbage). Each part taken has an
 * ArrayBuffer of its own, so it can be transferred to another thread.
 */
export class CopyTextBuffer {
  private bytes: Buffer;
  private used = 0;

  constructor(private capacity = 1 << 20) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  get isEmpty(): boolean {
    return this.used === 0;
  }

  /** Appends text already in COPY form. */
  write(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const most = this.used + text.length * 3;
    if (most > this.capacity) this.grow(most);
    this.used += this.bytes.write(text, this.used);
  }

  /** What was written since the last take, or null; the next part starts with the capacity this one reached. */
  take(): Uint8Array | null {
    if (this.used === 0) return null;
    const part = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used);
    this.bytes = Buffer.allocUnsafeSlow(this.capacity);
    this.used = 0;
    return part;
  }

  private grow(needed: number): void {
    this.capacity = Math.max(this.capacity * 2, needed);
    const bigger = Buffer.allocUnsafeSlow(this.capacity);
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }
}

/** One kind's events of one customer, by UTC day (ascending, as a customer's events come in time order). */
interface DayRuns {
  days: string[];
  counts: number[];
}

/** COPY text for a run of customers, cut into parts of about `flushEvents` events. */
export class CopyRowWriter {
  private readonly dataset: SkewedDataset;
  /** Each kind's table (its index among the parts) and the body properties of its columns. */
  private readonly kindTables = new Map<string, { table: number; properties: string[] }>();
  private readonly buffers: CopyTextBuffer[];
  private pendingEvents = 0;

  constructor(
    plan: DatasetPlan,
    layout: CopyLayout,
    private readonly flushEvents: number,
    private readonly flush: (parts: (Uint8Array | null)[], events: number) => void | Promise<void>,
  ) {
    this.dataset = new SkewedDataset(EVENT_KINDS, plan);
    layout.kinds.forEach((kind, index) => this.kindTables.set(kind.eventKind, { table: FIRST_KIND_TABLE + index, properties: kind.properties }));
    this.buffers = copyTables(layout).map(() => new CopyTextBuffer());
  }

  get customers(): DatasetCustomer[] {
    return this.dataset.customers;
  }

  async writeCustomers(indexes: Iterable<number>): Promise<void> {
    for (const index of indexes) await this.writeCustomer(this.dataset.customers[index]);
  }

  async finish(): Promise<void> {
    if (this.pendingEvents > 0 || this.buffers.some((buffer) => !buffer.isEmpty)) await this.emit();
  }

  private async writeCustomer(customer: DatasetCustomer): Promise<void> {
    const events = this.buffers[EVENTS_TABLE];
    const byKind = new Map<string, DayRuns>();
    const number = copyValue(customer.customerNumber);
    let eventId = customer.firstEventId;
    for (const event of this.dataset.events(customer)) {
      const created = isoInstant(event.creationDatetime);
      const kind = copyValue(event.eventKind);
      events.write(`${number}\t${eventId}\t${kind}\t${created}\t${copyValue(event.description)}\t${copyValue(event.eventDataXml)}\t${copyValue(jsonText.to(event.eventDataKeyValues))}\t${copyValue(event.workitemId)}\n`);
      if (event.body) {
        const kindTable = this.kindTables.get(event.eventKind);
        if (!kindTable) throw new Error(`No table for ${event.eventKind}`);
        const body = event.body;
        let row = `${number}\t${eventId}`;
        for (const property of kindTable.properties) row += `\t${copyValue(body[property])}`;
        this.buffers[kindTable.table].write(`${row}\n`);
      }
      // What the statement trigger would have counted: (customer, kind, UTC day) and (customer, kind).
      const day = created.slice(0, 10);
      let runs = byKind.get(kind);
      if (!runs) byKind.set(kind, (runs = { days: [], counts: [] }));
      const last = runs.days.length - 1;
      if (runs.days[last] === day) runs.counts[last]++;
      else {
        runs.days.push(day);
        runs.counts.push(1);
      }
      eventId++;
      if (++this.pendingEvents >= this.flushEvents) await this.emit();
    }
    // In key order (kind, day), so the counts' primary keys are built from sorted input.
    for (const kind of [...byKind.keys()].sort(compareText)) {
      const { days, counts } = byKind.get(kind)!;
      let total = 0;
      for (let index = 0; index < days.length; index++) {
        this.buffers[DAILY_COUNTS_TABLE].write(`${number}\t${kind}\t${days[index]}\t${counts[index]}\n`);
        total += counts[index];
      }
      this.buffers[KIND_COUNTS_TABLE].write(`${number}\t${kind}\t${total}\n`);
    }
  }

  private async emit(): Promise<void> {
    const parts = this.buffers.map((buffer) => buffer.take());
    const events = this.pendingEvents;
    this.pendingEvents = 0;
    await this.flush(parts, events);
  }
}
