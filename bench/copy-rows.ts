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
 * then one per kind (its `event-kind` value and the kind body's property of
 * each column after the key columns).
 */
export interface CopyLayout {
  events: CopyTable;
  dailyCounts: CopyTable;
  kinds: (CopyTable & { eventKind: string; properties: string[] })[];
}

export const EVENTS_TABLE = 0;
export const DAILY_COUNTS_TABLE = 1;
export const FIRST_KIND_TABLE = 2;

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in COPY's text format. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(SPECIALS, (char) => ESCAPES[char]) : text;
}

/** COPY text for a run of customers, cut into parts of about `flushEvents` events. */
export class CopyRowWriter {
  private readonly dataset: SkewedDataset;
  private readonly kindIndex = new Map<string, number>();
  private parts: string[][];
  private pendingEvents = 0;

  constructor(
    plan: DatasetPlan,
    private readonly layout: CopyLayout,
    private readonly flushEvents: number,
    private readonly flush: (parts: (string | null)[], events: number) => void | Promise<void>,
  ) {
    this.dataset = new SkewedDataset(EVENT_KINDS, plan);
    layout.kinds.forEach((kind, index) => this.kindIndex.set(kind.eventKind, FIRST_KIND_TABLE + index));
    this.parts = this.emptyParts();
  }

  get customers(): DatasetCustomer[] {
    return this.dataset.customers;
  }

  async writeCustomers(indexes: Iterable<number>): Promise<void> {
    for (const index of indexes) await this.writeCustomer(this.dataset.customers[index]);
  }

  async finish(): Promise<void> {
    if (this.pendingEvents > 0 || this.parts.some((part) => part.length > 0)) await this.emit();
  }

  private async writeCustomer(customer: DatasetCustomer): Promise<void> {
    const daily = new Map<string, number>();
    const number = copyValue(customer.customerNumber);
    let eventId = customer.firstEventId;
    for (const event of this.dataset.events(customer)) {
      const created = new Date(event.creationDatetime).toISOString();
      this.parts[EVENTS_TABLE].push(
        `${number}\t${eventId}\t${copyValue(event.eventKind)}\t${created}\t${copyValue(event.description)}\t${copyValue(event.eventDataXml)}\t${copyValue(event.workitemId)}\n`,
      );
      if (event.body) {
        const table = this.kindIndex.get(event.eventKind);
        if (table === undefined) throw new Error(`No table for ${event.eventKind}`);
        const body = event.body;
        let row = `${number}\t${eventId}`;
        for (const property of this.layout.kinds[table - FIRST_KIND_TABLE].properties) row += `\t${copyValue(body[property])}`;
        this.parts[table].push(`${row}\n`);
      }
      // What the statement trigger would have counted: (customer, kind, UTC day).
      const key = `${copyValue(event.eventKind)}\t${created.slice(0, 10)}`;
      daily.set(key, (daily.get(key) ?? 0) + 1);
      eventId++;
      if (++this.pendingEvents >= this.flushEvents) await this.emit();
    }
    // In key order (kind, day), so the daily counts' primary key is built from sorted input.
    for (const key of [...daily.keys()].sort()) this.parts[DAILY_COUNTS_TABLE].push(`${number}\t${key}\t${daily.get(key)}\n`);
  }

  private async emit(): Promise<void> {
    const parts = this.parts.map((rows) => (rows.length > 0 ? rows.join('') : null));
    const events = this.pendingEvents;
    this.parts = this.emptyParts();
    this.pendingEvents = 0;
    await this.flush(parts, events);
  }

  private emptyParts(): string[][] {
    return Array.from({ length: FIRST_KIND_TABLE + this.layout.kinds.length }, () => []);
  }
}
