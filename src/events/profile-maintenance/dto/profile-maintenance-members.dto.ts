import { Member } from '../../../common/http/wire-member.decorator';

/** The members only profile maintenance events have. */
export class ProfileMaintenanceMembers {
  @Member('changed-attribute', { maxLength: 100, example: 'email' })
  changedAttribute?: string | null;

  @Member('old-value', { maxLength: 1000, example: 'old@example.com' })
  oldValue?: string | null;

  @Member('new-value', { maxLength: 1000, example: 'new@example.com' })
  newValue?: string | null;

  @Member('channel', { maxLength: 64, example: 'web' })
  channel?: string | null;
}
