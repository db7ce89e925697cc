import { Member } from '../../../common/http/wire-member.decorator';

/** The members only arrangement activity events have. */
export class ArrangementActivityMembers {
  @Member('from', { maxLength: 200, example: 'Mobile banking' })
  from?: string | null;

  @Member('title', { maxLength: 200, example: 'Overdraft limit changed' })
  title?: string | null;

  @Member('arrangement-number', { maxLength: 64, example: 'ARR-000123' })
  arrangementNumber?: string | null;

  @Member('activity-type', { maxLength: 64, example: 'limit-change' })
  activityType?: string | null;
}
