import { Member } from '../../../common/http/wire-member.decorator';

/** The members only accounting transaction events have. */
export class AccountingTransactionMembers {
  @Member('from', { maxLength: 200, example: 'Core banking' })
  from?: string | null;

  @Member('title', { maxLength: 200, example: 'Card payment' })
  title?: string | null;

  @Member('transaction-type', { maxLength: 64, example: 'card-payment' })
  transactionType?: string | null;

  @Member('account-number', { maxLength: 34, example: 'RS35105008123123123173' })
  accountNumber?: string | null;

  @Member('amount', { format: 'amount', example: '125.40' })
  amount?: string | null;

  @Member('currency', { format: 'currency', example: 'EUR' })
  currency?: string | null;

  @Member('booking-date', { format: 'date', example: '2014-10-10' })
  bookingDate?: string | null;
}
