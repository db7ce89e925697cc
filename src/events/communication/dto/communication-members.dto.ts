import { codesOf, COMMUNICATION_TYPE, MEDIUM, RESOLUTION_STATUS } from '../../../classifications/classification-schemas';
import { Member } from '../../../common/http/wire-member.decorator';
import { CUSTOMER_NUMBER } from '../../core/dto/create-event.dto';

/** The members only communication events have. */
export class CommunicationMembers {
  @Member('customer-number', { required: true, maxLength: 32, pattern: CUSTOMER_NUMBER, example: '1400269' })
  customerNumber: string;

  @Member('workitem-id', { required: true, maxLength: 64, example: 'WI0000492929', description: 'The channel’s work item; `related-workitem-number` is accepted as an alias' })
  workitemId: string;

  @Member('from', { maxLength: 200, example: 'Joe' })
  from?: string | null;

  @Member('to', { maxLength: 200, example: 'Tom' })
  to?: string | null;

  @Member('title', { maxLength: 200, example: 'SomeTitle' })
  title?: string | null;

  @Member('medium', { required: true, enum: codesOf(MEDIUM), example: 'mail', description: 'Matched case-insensitively; returned in canonical form' })
  medium: string;

  @Member('purpose', { maxLength: 100, example: 'TestPorpose' })
  purpose?: string | null;

  @Member('return-address', { maxLength: 500, example: 'SomeAddress' })
  returnAddress?: string | null;

  @Member('communication-type', { enum: codesOf(COMMUNICATION_TYPE), example: 'general-communication' })
  communicationType?: string | null;

  @Member('resolution-status', { enum: codesOf(RESOLUTION_STATUS), example: 'open' })
  resolutionStatus?: string | null;

  @Member('referral-communication-id', { maxLength: 64 })
  referralCommunicationId?: string | null;

  @Member('responds-to-id', { maxLength: 64 })
  respondsToId?: string | null;
}
