import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'communication_event' })
export class CommunicationEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 200, nullable: true })
  from: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  to: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  medium: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  purpose: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  returnAddress: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  communicationType: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  resolutionStatus: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  referralCommunicationId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  respondsToId: string | null;
}
