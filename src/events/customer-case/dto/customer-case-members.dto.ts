import { Member } from '../../../common/http/wire-member.decorator';

/** The members only customer case events have. */
export class CustomerCaseMembers {
  @Member('from', { maxLength: 200, example: 'Branch 12' })
  from?: string | null;

  @Member('title', { maxLength: 200, example: 'Card blocked' })
  title?: string | null;

  @Member('case-number', { maxLength: 64, example: 'CASE-2014-000123' })
  caseNumber?: string | null;

  @Member('case-status', { maxLength: 64, example: 'opened' })
  caseStatus?: string | null;
}
