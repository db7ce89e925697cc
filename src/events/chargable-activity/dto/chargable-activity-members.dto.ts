import { Member } from '../../../common/http/wire-member.decorator';

/** The members only chargeable activity events have. */
export class ChargeableActivityMembers {
  @Member('from', { maxLength: 200, example: 'Card system' })
  from?: string | null;

  @Member('title', { maxLength: 200, example: 'Annual card fee' })
  title?: string | null;

  @Member('activity-type', { maxLength: 64, example: 'card-fee' })
  activityType?: string | null;

  @Member('amount', { format: 'amount', example: '25.00' })
  amount?: string | null;

  @Member('currency', { format: 'currency', example: 'EUR' })
  currency?: string | null;

  @Member('arrangement-number', { maxLength: 64, example: 'ARR-000123' })
  arrangementNumber?: string | null;
}
