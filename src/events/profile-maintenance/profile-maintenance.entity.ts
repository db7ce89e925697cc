import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'profile_maintenance_event' })
export class ProfileMaintenanceEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 100, nullable: true })
  changedAttribute: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  oldValue: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  newValue: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  channel: string | null;
}
