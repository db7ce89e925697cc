import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Events per customer, kind and UTC day, kept by database triggers: exact list counts without scans. */
@Entity({ name: 'customer_event_daily_count' })
export class EventDailyCountEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_customer_event_daily_count' })
  customerNumber: string;

  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_customer_event_daily_count' })
  eventKind: string;

  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'pk_customer_event_daily_count' })
  day: string;

  @Column({ type: 'bigint' })
  eventCount: string;
}
