import { tutorialCommunication } from '../support/event-bodies';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';

const LOGIN_XML =
  '<customer-login><customer-id>1400269</customer-id><event-id>a65ebbb2-5f23-42de-b0b2-b2362a03b392</event-id><occured-on>2014-10-10T12:34:28.203063+02:00</occured-on><user-id>8001186336</user-id><login-type>authorization-code</login-type><channel>mobile</channel></customer-login>';

describe(`The tutorial, over HTTP (${databaseMode} database)`, () => {
  let api: TestApp;
  const customer = uniqueCustomer();

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('registers the step-12 communication event exactly as the tutorial shows', async () => {
    const response = await api.request('POST', '/customer-event/communication-events', {
      body: tutorialCommunication(customer, `WI${customer}`),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: `WI${customer}`, CreatedRecordStatus: 'Created' });
    expect(response.headers.get('location')).toMatch(
      new RegExp(`^${api.origin}/customer-event/v2\\.0/communication-events/\\d+$`),
    );
  });

  it('lists, then details, a generic login event with the tutorial key-values', async () => {
    const created = await api.request('POST', '/customer-event/events', {
      body: { 'customer-number': customer, 'event-kind': 'SecurtyEvent', 'event-data-xml': LOGIN_XML },
    });
    expect(created.status).toBe(200);
    const list = await api.request('GET', `/customer-event/events?customer-number=${customer}`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ 'total-count': 2, 'page-size': 20, 'page-number': 1, 'total-pages': 1, navigations: [] });
    const [newest] = list.body.items;
    expect(Object.keys(newest)).toEqual(['event-id', 'creation-datetime', 'description', 'event-kind', 'uri']);
    expect(newest['event-kind']).toBe('SecurtyEvent');
    expect(newest.uri).toBe(`${api.origin}/customer-event/v2.0/events/${newest['event-id']}`);

    const detail = await api.request('GET', `/customer-event/events/${newest['event-id']}`);
    expect(detail.status).toBe(200);
    expect(detail.body['event-data-xml']).toBe(LOGIN_XML);
    expect(detail.body['event-data-key-values']).toEqual([
      { 'event-data-xml-parent-key': 'customer-login', 'event-data-xml-key': 'customer-id', 'event-data-xml-value': '1400269' },
      { 'event-data-xml-parent-key': 'customer-login', 'event-data-xml-key': 'event-id', 'event-data-xml-value': 'a65ebbb2-5f23-42de-b0b2-b2362a03b392' },
      { 'event-data-xml-parent-key': 'customer-login', 'event-data-xml-key': 'occured-on', 'event-data-xml-value': '2014-10-10T12:34:28.203063+02:00' },
      { 'event-data-xml-parent-key': 'customer-login', 'event-data-xml-key': 'user-id', 'event-data-xml-value': '8001186336' },
      { 'event-data-xml-parent-key': 'customer-login', 'event-data-xml-key': 'login-type', 'event-data-xml-value': 'authorization-code' },
      { 'event-data-xml-parent-key': 'customer-login', 'event-data-xml-key': 'channel', 'event-data-xml-value': 'mobile' },
    ]);
  });
});
