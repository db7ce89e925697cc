import { JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintAsNumber, EventEntity } from './event.entity';

/**
 * Base of every kind's own table: one row per event of that kind, keyed like
 * the event it belongs to and removed with it.
 */
export abstract class KindDetailsEntity {
  @PrimaryColumn({ name: 'customer_number', type: 'varchar', length: 32 })
  customerNumber: string;

  @PrimaryColumn({ name: 'event_id', type: 'bigint', transformer: bigintAsNumber })
  eventId: number;

  @ManyToOne(() => EventEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'customer_number', referencedColumnName: 'customerNumber' },
    { name: 'event_id', referencedColumnName: 'eventId' },
  ])
  event?: EventEntity;
}
