import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'arrangement_activity_event' })
export class ArrangementActivityEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 200, nullable: true })
  from: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  arrangementNumber: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  activityType: string | null;
}
