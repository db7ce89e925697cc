import { EventKindService } from '../core/event-kind.service';
import { accountingTransactionKind } from './accounting-transaction.kind';

export class AccountingTransactionService extends EventKindService(accountingTransactionKind) {}
