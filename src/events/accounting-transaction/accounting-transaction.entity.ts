import { Column, Entity } from 'typeorm';
import { KindDetailsEntity } from '../core/kind-details.entity';

@Entity({ name: 'accounting_transaction_event' })
export class AccountingTransactionEventEntity extends KindDetailsEntity {
  @Column({ type: 'varchar', length: 200, nullable: true })
  from: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  transactionType: string | null;

  @Column({ type: 'varchar', length: 34, nullable: true })
  accountNumber: string | null;

  @Column({ type: 'numeric', nullable: true })
  amount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ type: 'date', nullable: true })
  bookingDate: string | null;
}
