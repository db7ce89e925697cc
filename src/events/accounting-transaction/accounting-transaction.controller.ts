import { EventKindController } from '../core/event-kind-controller.factory';
import { AccountingTransactionService } from './accounting-transaction.service';
import { accountingTransactionKind } from './accounting-transaction.kind';

export class AccountingTransactionController extends EventKindController(accountingTransactionKind, AccountingTransactionService) {}
