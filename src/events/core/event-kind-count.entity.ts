import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Events per customer and kind over all time, kept by database triggers: exact counts of lists without a date range. */
@Entity({ name: 'customer_event_kind_count' })
export class EventKindCountEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_customer_event_kind_count' })
  customerNumber: string;

  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_customer_event_kind_count' })
  eventKind: string;

  @Column({ type: 'bigint' })
  eventCount: string;
}
