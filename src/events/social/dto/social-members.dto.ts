import { Member } from '../../../common/http/wire-member.decorator';

/** The members only social events have. */
export class SocialMembers {
  @Member('content', { maxLength: 4000, example: 'Great service at the branch today' })
  content?: string | null;

  @Member('network', { maxLength: 64, example: 'twitter' })
  network?: string | null;

  @Member('url', { maxLength: 2048, format: 'url', example: 'https://twitter.com/bank/status/1' })
  url?: string | null;
}
