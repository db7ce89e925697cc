import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'chargable_activity_event' })
export class ChargeableActivityEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 200, nullable: true })
  from: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  activityType: string | null;

  @Column({ type: 'numeric', nullable: true })
  amount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  arrangementNumber: string | null;
}
