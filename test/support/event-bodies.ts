/**
 * One valid registration body per kind (CONTRACT.md members), and what its
 * kind detail must show. `customer` and a unique suffix keep tests apart.
 */
/** Tutorial step 12's body, as given (`"medium": "Mail"` included), for a customer and work item. */
export function tutorialCommunication(customerNumber: string, workitemId: string): Record<string, unknown> {
  return {
    'customer-number': customerNumber,
    'workitem-id': workitemId,
    description: 'some description',
    from: 'Joe',
    to: 'Tom',
    title: 'SomeTitle',
    medium: 'Mail',
    purpose: 'TestPorpose',
    'return-address': 'SomeAddress',
  };
}

export interface KindCase {
  kind: string;
  route: string;
  eventKind: string;
  body(customer: string, suffix: string): Record<string, unknown>;
  /** Members the kind detail shows beyond the common ones, as they should come back. */
  expected(customer: string, suffix: string): Record<string, unknown>;
  /** A body member whose value is invalid, and the error literal it must give. */
  invalid: [member: string, value: unknown, error: string][];
}

export const KIND_CASES: KindCase[] = [
  {
    kind: 'communication',
    route: 'communication-events',
    eventKind: 'CommunicationEvent',
    body: (customer, suffix) => ({ ...tutorialCommunication(customer, `WI${suffix}`), 'communication-type': 'complaint' }),
    expected: (customer, suffix) => ({
      'customer-number': customer,
      'workitem-id': `WI${suffix}`,
      from: 'Joe',
      to: 'Tom',
      title: 'SomeTitle',
      medium: 'mail',
      purpose: 'TestPorpose',
      'return-address': 'SomeAddress',
      'communication-type': 'complaint',
      'resolution-status': null,
      'referral-communication-id': null,
      'responds-to-id': null,
    }),
    invalid: [
      ['medium', 'pigeon', 'unknown-enum'],
      ['medium', undefined, 'required'],
      ['workitem-id', undefined, 'required'],
      ['title', 'x'.repeat(201), 'max-length'],
      ['communication-type', 'praise', 'unknown-enum'],
    ],
  },
  {
    kind: 'social',
    route: 'social-events',
    eventKind: 'SocialEvent',
    body: (customer) => ({ 'customer-number': customer, content: 'Great branch', network: 'mastodon', url: 'https://example.org/p/1' }),
    expected: () => ({ content: 'Great branch', network: 'mastodon', url: 'https://example.org/p/1' }),
    invalid: [
      ['url', 'not a url', 'invalid-format'],
      ['content', 42, 'invalid-format'],
    ],
  },
  {
    kind: 'accounting-transaction',
    route: 'accounting-transaction-events',
    eventKind: 'AccountingTransactionEvent',
    body: (customer) => ({
      'customer-number': customer,
      from: 'Core banking',
      title: 'Card payment',
      'transaction-type': 'card-payment',
      'account-number': 'RS35105008123123123173',
      amount: '125.40',
      currency: 'EUR',
      'booking-date': '2014-10-10',
    }),
    expected: () => ({
      from: 'Core banking',
      title: 'Card payment',
      'transaction-type': 'card-payment',
      'account-number': 'RS35105008123123123173',
      amount: '125.40',
      currency: 'EUR',
      'booking-date': '2014-10-10',
    }),
    invalid: [
      ['amount', 125.4, 'invalid-format'],
      ['amount', '12,50', 'invalid-format'],
      ['currency', 'euro', 'invalid-format'],
      ['booking-date', '2014-02-30', 'invalid-format'],
    ],
  },
  {
    kind: 'customer-case',
    route: 'customer-case-events',
    eventKind: 'CustomerCaseEvent',
    body: (customer, suffix) => ({ 'customer-number': customer, from: 'Branch 12', title: 'Card blocked', 'case-number': `C${suffix}`, 'case-status': 'opened' }),
    expected: (_, suffix) => ({ from: 'Branch 12', title: 'Card blocked', 'case-number': `C${suffix}`, 'case-status': 'opened' }),
    invalid: [['case-number', 'x'.repeat(65), 'max-length']],
  },
  {
    kind: 'arrangement-activity',
    route: 'arrangement-activity-events',
    eventKind: 'ArrangementActivityEvent',
    body: (customer) => ({ 'customer-number': customer, from: 'Mobile', title: 'Limit changed', 'arrangement-number': 'ARR-1', 'activity-type': 'limit-change' }),
    expected: () => ({ from: 'Mobile', title: 'Limit changed', 'arrangement-number': 'ARR-1', 'activity-type': 'limit-change' }),
    invalid: [['activity-type', ['a'], 'invalid-format']],
  },
  {
    kind: 'profile-maintenance',
    route: 'profile-maintenance-events',
    eventKind: 'ProfileMaintenanceEvent',
    body: (customer) => ({ 'customer-number': customer, 'changed-attribute': 'email', 'old-value': 'a@x.org', 'new-value': 'b@x.org', channel: 'web' }),
    expected: () => ({ 'changed-attribute': 'email', 'old-value': 'a@x.org', 'new-value': 'b@x.org', channel: 'web' }),
    invalid: [['channel', 'x'.repeat(65), 'max-length']],
  },
  {
    kind: 'chargable-activity',
    route: 'chargable-activity-events',
    eventKind: 'ChargeableActivityEvent',
    body: (customer) => ({
      'customer-number': customer,
      from: 'Card system',
      title: 'Annual fee',
      'activity-type': 'card-fee',
      amount: '25.00',
      currency: 'EUR',
      'arrangement-number': 'ARR-2',
    }),
    expected: () => ({ from: 'Card system', title: 'Annual fee', 'activity-type': 'card-fee', amount: '25.00', currency: 'EUR', 'arrangement-number': 'ARR-2' }),
    invalid: [['amount', '1e5', 'invalid-format']],
  },
];

export const LOGIN_XML =
  '<customer-login><customer-id>1400269</customer-id><event-id>a65ebbb2-5f23-42de-b0b2-b2362a03b392</event-id><occured-on>2014-10-10T12:34:28.203063+02:00</occured-on><user-id>8001186336</user-id><login-type>authorization-code</login-type><channel>mobile</channel></customer-login>';

/** The generic kind (POST /events) in the same table shape. */
export const GENERIC_CASE: KindCase = {
  kind: 'generic',
  route: 'events',
  eventKind: 'SecurtyEvent',
  body: (customer) => ({ 'customer-number': customer, 'event-kind': 'SecurtyEvent', 'event-data-xml': LOGIN_XML }),
  expected: () => ({}),
  invalid: [
    ['event-kind', 'unknown', 'invalid-format'],
    ['event-kind', undefined, 'required'],
    ['event-data-xml', undefined, 'required'],
    ['event-data-xml', '<a><b></a>', 'invalid-format'],
    ['event-data-xml', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'invalid-format'],
  ],
};
