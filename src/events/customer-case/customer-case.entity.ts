import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'customer_case_event' })
export class CustomerCaseEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 200, nullable: true })
  from: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  caseNumber: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  caseStatus: string | null;
}
