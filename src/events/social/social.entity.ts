import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'social_event' })
export class SocialEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 4000, nullable: true })
  content: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  network: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url: string | null;
}
