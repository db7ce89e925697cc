import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountingTransactionController } from './accounting-transaction.controller';
import { AccountingTransactionEventEntity } from './accounting-transaction.entity';
import { accountingTransactionKind } from './accounting-transaction.kind';
import { AccountingTransactionService } from './accounting-transaction.service';

@Module({
  imports: [TypeOrmModule.forFeature([AccountingTransactionEventEntity])],
  controllers: [AccountingTransactionController],
  providers: [AccountingTransactionService],
})
export class AccountingTransactionModule {
  static readonly kind = accountingTransactionKind;
}
