import { createPublicKey, JsonWebKey } from 'node:crypto';
import { Events, type MutableToken } from 'oauth2-mock-server';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';
import { addRs256Key, startLocalIssuer, type LocalIssuer } from '../support/oidc-issuer';
import { expectProblem } from '../support/problem';
import { databaseMode, startTestApp, TestApp, uniqueCustomer } from '../support/test-app';
import { bearerChallenge, decodeJwt, nowSeconds, signHs256, signRs256, strangerKeyPair } from '../support/tokens';

const AUDIENCE = 'customer-event';
const BOTH_SCOPES = `${READ_SCOPE} ${WRITE_SCOPE}`;

describe(`Access tokens from a real OIDC issuer, keys fetched from its JWKS over HTTP (${databaseMode} database)`, () => {
  let issuer: LocalIssuer;
  let api: TestApp;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    api = await startTestApp({
      AUTH_JWKS_URI: issuer.jwksUri,
      AUTH_ISSUER: issuer.url,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_DEV_ISSUER: 'false',
    });
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.stop();
  });

  /** Claims as the issuer signs them, for tokens built directly with one of its keys. */
  const issuerClaims = (extra: Record<string, unknown> = {}) => ({
    iss: issuer.url,
    aud: AUDIENCE,
    sub: 'jwks-test',
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    scope: BOTH_SCOPES,
    ...extra,
  });

  const expectInvalidToken = (response: Awaited<ReturnType<TestApp['request']>>) => {
    expectProblem(response, 401, 'unauthorized');
    expect(bearerChallenge(response.headers.get('www-authenticate')).attributes).toMatchObject({
      realm: 'customer-event',
      error: 'invalid_token',
    });
  };

  it("accepts a client-credentials token from the issuer's token endpoint (scope string) for reading and registering", async () => {
    const customer = uniqueCustomer();
    const token = await issuer.clientCredentialsToken({ scope: BOTH_SCOPES, aud: AUDIENCE });
    expect(decodeJwt(token).header.kid).toBe(issuer.firstKid);

    const registered = await api.request('POST', '/customer-event/communication-events', {
      token,
      body: { 'customer-number': customer, 'workitem-id': `WI-${customer}`, medium: 'phone' },
    });
    const listed = await api.request('GET', `/customer-event/events?customer-number=${customer}`, { token });

    expect(registered.status).toBe(200);
    expect(listed.status).toBe(200);
    expect(listed.body['total-count']).toBe(1);
  });

  it('honours the scope of an issuer token: read-only is 403 insufficient_scope on a registration', async () => {
    const token = await issuer.clientCredentialsToken({ scope: READ_SCOPE, aud: AUDIENCE });

    const response = await api.request('POST', '/customer-event/communication-events', {
      token,
      body: { 'customer-number': uniqueCustomer(), 'workitem-id': 'WI-read-only', medium: 'phone' },
    });

    expectProblem(response, 403, 'forbidden');
    expect(bearerChallenge(response.headers.get('www-authenticate')).attributes).toMatchObject({
      error: 'insufficient_scope',
      scope: WRITE_SCOPE,
    });
  });

  it('accepts the scopes as an scp array claim (Azure AD / Okta form)', async () => {
    issuer.server.service.once(Events.BeforeTokenSigning, (token: MutableToken) => {
      delete token.payload.scope;
      token.payload.scp = [READ_SCOPE];
    });
    const token = await issuer.clientCredentialsToken({ aud: AUDIENCE });
    expect(decodeJwt(token).claims).toMatchObject({ scp: [READ_SCOPE] });
    expect(decodeJwt(token).claims).not.toHaveProperty('scope');

    const response = await api.request('GET', '/customer-event/events?page-size=1', { token });

    expect(response.status).toBe(200);
  });

  it("binds an issuer token with a customer-number claim to that customer's events", async () => {
    const customer = uniqueCustomer();
    issuer.server.service.once(Events.BeforeTokenSigning, (token: MutableToken) => {
      token.payload['customer-number'] = customer;
    });
    const token = await issuer.clientCredentialsToken({ scope: BOTH_SCOPES, aud: AUDIENCE });

    const other = await api.request('GET', `/customer-event/events?customer-number=${uniqueCustomer()}`, { token });
    const own = await api.request('GET', '/customer-event/events', { token });

    expectProblem(other, 403, 'forbidden');
    expect(own.status).toBe(200);
    expect(own.body['total-count']).toBe(0);
  });

  it('accepts a token signed with a key the issuer adds later (key rotation), without restarting the service', async () => {
    const before = await api.request('GET', '/customer-event/events?page-size=1', {
      token: await issuer.clientCredentialsToken({ scope: READ_SCOPE, aud: AUDIENCE }),
    });
    expect(before.status).toBe(200); // the first key is now in the service's JWKS cache

    const rotatedKid = await addRs256Key(issuer.server, `rotated-${Date.now()}`);
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([issuer.firstKid, rotatedKid]));
    const token = await issuer.server.issuer.buildToken({
      kid: rotatedKid,
      scopesOrTransform: (_header, payload) => Object.assign(payload, { aud: AUDIENCE, scope: READ_SCOPE }),
    });
    expect(decodeJwt(token).header.kid).toBe(rotatedKid);

    const after = await api.request('GET', '/customer-event/events?page-size=1', { token });
    const oldKeyStill = await api.request('GET', '/customer-event/events?page-size=1', {
      token: await issuer.server.issuer.buildToken({
        kid: issuer.firstKid,
        scopesOrTransform: (_header, payload) => Object.assign(payload, { aud: AUDIENCE, scope: READ_SCOPE }),
      }),
    });

    expect(after.status).toBe(200);
    expect(oldKeyStill.status).toBe(200);
  });

  it.each([
    ['a key not in the JWKS (unknown kid)', () => signRs256(issuerClaims(), strangerKeyPair().privateKey, 'not-in-the-jwks')],
    ["a key not in the JWKS, under the issuer's kid", () => signRs256(issuerClaims(), strangerKeyPair().privateKey, issuer.firstKid)],
    ['a key not in the JWKS, without a kid', () => signRs256(issuerClaims(), strangerKeyPair().privateKey)],
  ])('is 401 invalid_token for a token signed by %s', async (_case, forge) => {
    const response = await api.request('GET', '/customer-event/events', { token: forge() });

    expectInvalidToken(response);
  });

  it('is 401 invalid_token, not 500, for an unsigned RS256 token whose claims are not JSON (jwks-rsa hands out no key for it)', async () => {
    const encode = (text: string) => Buffer.from(text).toString('base64url');

    const response = await api.request('GET', '/customer-event/events', { token: `${encode('{"alg":"RS256"}')}.${encode('not json')}.` });

    expectInvalidToken(response);
  });

  it("is 401 invalid_token for an HS256 token whose HMAC secret is the issuer's public key (algorithm confusion)", async () => {
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: JsonWebKey[] };
    const publicPem = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();

    const response = await api.request('GET', '/customer-event/events', { token: signHs256(issuerClaims(), publicPem, issuer.firstKid) });

    expectInvalidToken(response);
  });

  it('is 401 invalid_token for an issuer token without this service as its audience', async () => {
    const token = await issuer.clientCredentialsToken({ scope: BOTH_SCOPES, aud: 'another-api' });

    const response = await api.request('GET', '/customer-event/events', { token });

    expectInvalidToken(response);
    expect(bearerChallenge(response.headers.get('www-authenticate')).attributes.error_description).toMatch(/audience/);
  });

  it('has no dev token endpoint and no oauth2 scheme in the OpenAPI document when the dev issuer is off', async () => {
    const tokenEndpoint = await api.request('POST', '/dev/oauth/token', {
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'grant_type=client_credentials',
    });
    const openApi = await api.request('GET', '/swagger-ui/json', { token: null });

    expectProblem(tokenEndpoint, 404, 'not-found');
    expect(openApi.status).toBe(200);
    expect(Object.keys(openApi.body.components.securitySchemes)).toEqual(['bearer']);
    expect(Object.keys(openApi.body.paths).filter((path) => path.includes('dev/oauth'))).toEqual([]);
  });
});
