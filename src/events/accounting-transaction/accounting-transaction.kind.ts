import { defineEventKind } from '../core/event-kind';
import { AccountingTransactionMembers } from './dto/accounting-transaction-members.dto';
import { AccountingTransactionEventEntity } from './accounting-transaction.entity';

export const accountingTransactionKind = defineEventKind({
  name: 'accounting-transaction',
  eventKind: 'AccountingTransactionEvent',
  title: 'Accounting transaction',
  description: 'Bookings on the customer’s accounts',
  entity: AccountingTransactionEventEntity,
  members: AccountingTransactionMembers,
});
