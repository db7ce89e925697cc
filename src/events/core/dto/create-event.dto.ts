import { OmitType } from '@nestjs/swagger';
import { Member } from '../../../common/http/wire-member.decorator';

export const CUSTOMER_NUMBER = { regex: /^[A-Za-z0-9-]{1,32}$/, description: 'must be 1 to 32 letters, digits or dashes' };

/** Members every registration may carry; each kind adds its own. */
export class CreateEventBase {
  @Member('customer-number', { required: true, maxLength: 32, pattern: CUSTOMER_NUMBER, example: '1400269' })
  customerNumber: string;

  @Member('description', { maxLength: 1000, example: 'some description' })
  description?: string | null;

  @Member('event-data-xml', {
    description: 'The event payload as well-formed XML. When absent it is rendered from the body.',
    example: '<customer-login><customer-id>1400269</customer-id><channel>mobile</channel></customer-login>',
  })
  eventDataXml?: string | null;
}

/** POST /events: any event-kind, with its XML payload. */
export class CreateGenericEventDto extends OmitType(CreateEventBase, ['eventDataXml'] as const) {
  @Member('event-kind', {
    required: true,
    maxLength: 64,
    pattern: { regex: /^[A-Z][A-Za-z0-9]{0,58}Event$/, description: "must be PascalCase ending in 'Event', such as 'SecurtyEvent'" },
    example: 'SecurtyEvent',
  })
  eventKind: string;

  @Member('event-data-xml', {
    required: true,
    description: 'The event payload as well-formed XML.',
    example:
      '<customer-login><customer-id>1400269</customer-id><event-id>a65ebbb2-5f23-42de-b0b2-b2362a03b392</event-id><occured-on>2014-10-10T12:34:28.203063+02:00</occured-on><user-id>8001186336</user-id><login-type>authorization-code</login-type><channel>mobile</channel></customer-login>',
  })
  eventDataXml: string;
}
