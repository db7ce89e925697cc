import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { KeyValueRuns } from './event-xml';

/** pg returns int8 as text; event ids stay far below 2^53, so they are numbers on the wire. */
export const bigintAsNumber = {
  to: (value?: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A value kept as its JSON text (also what the seed and the bench loader write into such a column). */
export const jsonText = {
  to: (value?: unknown): string | null | undefined => (value === undefined || value === null ? value : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : JSON.parse(value)),
};

/**
 * Every event of every kind: the common members, the XML payload and the keys
 * that make registration idempotent. The primary key and every unique key lead
 * with customer_number, so the table can be distributed by customer.
 */
@Entity({ name: 'customer_event' })
@Index('ix_customer_event_customer_time', ['customerNumber', 'creationDatetime', 'eventId'])
@Index('ix_customer_event_customer_kind_time', ['customerNumber', 'eventKind', 'creationDatetime', 'eventId'])
@Index('ix_customer_event_time', ['creationDatetime', 'eventId'])
@Index('ix_customer_event_event_id', ['eventId'])
@Index('ux_customer_event_workitem', ['customerNumber', 'eventKind', 'workitemId'], {
  unique: true,
  where: 'workitem_id IS NOT NULL',
})
@Index('ux_customer_event_idempotency_key', ['customerNumber', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
export class EventEntity {
  @PrimaryColumn({ name: 'customer_number', type: 'varchar', length: 32 })
  customerNumber: string;

  @PrimaryColumn({
    name: 'event_id',
    type: 'bigint',
    generated: 'identity',
    generatedIdentity: 'BY DEFAULT',
    transformer: bigintAsNumber,
  })
  eventId: number;

  @Column({ name: 'event_kind', type: 'varchar', length: 64 })
  eventKind: string;

  @Column({ name: 'creation_datetime', type: 'timestamptz', precision: 3, default: () => 'now()' })
  creationDatetime: Date;

  @Column({ name: 'description', type: 'varchar', length: 1000, nullable: true })
  description: string | null;

  @Column({ name: 'event_data_xml', type: 'text', nullable: true })
  eventDataXml: string | null;

  /**
   * `event-data-key-values`, flattened once when the event is registered
   * (runs: see KeyValueRuns); null where no registration wrote it (events
   * from before the column), which reads flatten from the XML as before.
   */
  @Column({ name: 'event_data_key_values', type: 'text', nullable: true, transformer: jsonText })
  eventDataKeyValues: KeyValueRuns | null;

  @Column({ name: 'workitem_id', type: 'varchar', length: 64, nullable: true })
  workitemId: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** sha-256 of the registration as received, to tell a replay from a conflicting reuse of a key. */
  @Column({ name: 'request_fingerprint', type: 'char', length: 64, nullable: true })
  requestFingerprint: string | null;
}
