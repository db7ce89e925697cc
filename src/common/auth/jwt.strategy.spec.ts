import fc from 'fast-check';
import { verify as jsonwebtokenVerify } from 'jsonwebtoken';
import { constants, createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import type { AuthConfig } from '../../config';
import { describeTokenError, TOKEN_REASONS } from './access-token.guard';
import { Caller } from './caller';
import { DevIssuerKeys } from './dev-issuer.keys';
import { JwtStrategy } from './jwt.strategy';

/**
 * The strategy verifies with jose; until it did, passport-jwt verified with
 * jsonwebtoken and `validate` refused a token without exp. A differential
 * test against that path, kept as the reference: the strategy must accept
 * exactly the tokens it accepted, with the same caller, and refuse a token
 * with one fault for the same reason (the wording of describeTokenError, the
 * 401's error_description). Where the two differ on purpose (jose checks in
 * another order, or is stricter), the cases are pinned at the end.
 */

const NOW = 1_750_000_000;
const TOLERANCE = 30;
const ISSUER = 'urn:customer-event:dev-issuer';
const AUDIENCE = 'customer-event';
const config: AuthConfig = {
  devIssuer: true,
  jwksUri: undefined,
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['RS256', 'PS256', 'ES256'],
  clockToleranceSeconds: TOLERANCE,
  customerClaim: 'customer-number',
};

const REASON = TOKEN_REASONS;

const pairs = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  stranger: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  strangerEc256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ec384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ec521: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  rsa1024: generateKeyPairSync('rsa', { modulusLength: 1024 }),
  /** Used by one test only, to count jose's key imports. */
  untouched: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
type Signer = keyof typeof pairs | 'hmac' | 'hmacPem';
/** What the strategy verifies with: the dev issuer's RSA key, a key from a JWKS, or none (jwks-rsa has no key for the token). */
type Verifier = 'rsa' | 'ec256' | 'ec384' | 'rsa1024' | 'none';
const publicKeys: Record<Verifier, KeyObject | null> = {
  rsa: pairs.rsa.publicKey,
  ec256: pairs.ec256.publicKey,
  ec384: pairs.ec384.publicKey,
  rsa1024: pairs.rsa1024.publicKey,
  none: null,
};
const strategies = Object.fromEntries(
  Object.entries(publicKeys).map(([name, publicKey]) => [name, new JwtStrategy(config, { publicKey } as DevIssuerKeys)]),
) as Record<Verifier, JwtStrategy>;

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const pem = pairs.rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function signatureFor(alg: unknown, input: string, signer: Signer): string {
  if (typeof alg !== 'string' || alg === 'none') return '';
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('HS')) return createHmac(hash, signer === 'hmacPem' ? pem : 'a shared secret').update(input).digest('base64url');
  if (signer === 'hmac' || signer === 'hmacPem' || !/^(RS|PS|ES)(256|384|512)$/.test(alg)) return b64('not a signature at all');
  const key = pairs[signer].privateKey;
  const padding = alg.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
  const encoding = alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {};
  try {
    return sign(hash, Buffer.from(input), { key, ...padding, ...encoding }).toString('base64url');
  } catch {
    return b64('this key cannot make this signature');
  }
}

interface Draft {
  verifier: Verifier;
  header: Record<string, unknown> | string;
  /** The claims, or the payload's raw text. */
  claims: Record<string, unknown> | string;
  signer: Signer;
  /** Applied to the finished token. */
  mutate?: (token: string) => string;
}

function forge(draft: Draft): string {
  const header = b64(typeof draft.header === 'string' ? draft.header : JSON.stringify(draft.header));
  const payload = b64(typeof draft.claims === 'string' ? draft.claims : JSON.stringify(draft.claims));
  const alg = typeof draft.header === 'string' ? 'RS256' : draft.header.alg;
  const token = `${header}.${payload}.${signatureFor(alg, `${header}.${payload}`, draft.signer)}`;
  return draft.mutate ? draft.mutate(token) : token;
}

interface Outcome {
  caller?: Caller;
  reason?: string;
}

/** The reference: passport-jwt 4 with jsonwebtoken 9 and the same options, then validate's refusal of a token without exp. */
function viaJsonwebtoken(token: string, verifier: Verifier): Outcome {
  try {
    const claims = jsonwebtokenVerify(token, publicKeys[verifier]!, {
      algorithms: config.algorithms,
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockToleranceSeconds,
    }) as Record<string, unknown>;
    if (typeof claims.exp !== 'number') return { reason: REASON.noExpiry };
    return { caller: strategies[verifier].validate(claims) };
  } catch (error) {
    return { reason: describeTokenError(error) };
  }
}

/** The strategy as passport runs it: a per-request copy with success, fail and error, answering through the guard's wording. */
function viaStrategy(token: string, strategy: JwtStrategy): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const run = Object.create(strategy) as JwtStrategy & Record<'success' | 'fail' | 'error', (value: unknown) => void>;
    let answers = 0;
    const answer = (outcome: Outcome) => (++answers > 1 ? reject(new Error('answered twice')) : resolve(outcome));
    run.success = (caller) => answer({ caller: caller as Caller });
    run.fail = (challenge) => answer({ reason: describeTokenError(challenge) });
    run.error = (error) => answer({ reason: describeTokenError(error) });
    run.authenticate({ headers: { authorization: `Bearer ${token}` } } as never);
  });
}

async function bothPaths(draft: Draft) {
  const token = forge(draft);
  return { token, before: viaJsonwebtoken(token, draft.verifier), now: await viaStrategy(token, strategies[draft.verifier]) };
}

// ---- Tokens: a good one, and single faults of every kind -------------------------------------------

const at = (seconds: fc.Arbitrary<number>) => seconds.map((offset) => NOW + offset);
/** Whole seconds mostly, now and then half a second (time claims need not be integers). */
const offset = (min: number, max: number) =>
  fc.oneof({ weight: 5, arbitrary: fc.integer({ min, max }) }, fc.integer({ min, max: max - 1 }).map((n) => n + 0.5));

const goodToken: fc.Arbitrary<Draft> = fc
  .record(
    {
      verifier: fc.constantFrom<Verifier>('rsa', 'rsa', 'ec256'),
      rsaAlg: fc.constantFrom('RS256', 'PS256'),
      typ: fc.constantFrom('JWT', 'at+jwt', undefined),
      kid: fc.constantFrom('k1', undefined),
      aud: fc.constantFrom<unknown>(AUDIENCE, [AUDIENCE], ['another-api', AUDIENCE]),
      // Inside the clock tolerance counts as valid.
      exp: at(offset(-TOLERANCE + 1, 7200)),
      nbf: fc.option(at(offset(-7200, TOLERANCE)), { nil: undefined }),
      iat: fc.option(at(fc.integer({ min: -7200, max: 7200 })), { nil: undefined }),
      sub: fc.constantFrom('someone', 42, undefined),
      scope: fc.constantFrom('customer-event:read', 'customer-event:read customer-event:write', undefined),
      scp: fc.constantFrom(['customer-event:write'], undefined),
      customer: fc.constantFrom('12345678', 12345678, undefined),
      clientId: fc.constantFrom('client', undefined),
    },
    { requiredKeys: ['verifier', 'rsaAlg', 'aud', 'exp'] },
  )
  .map(({ verifier, rsaAlg, typ, kid, customer, clientId, ...claims }) => ({
    verifier,
    header: JSON.parse(JSON.stringify({ alg: verifier === 'ec256' ? 'ES256' : rsaAlg, typ, kid })),
    claims: JSON.parse(JSON.stringify({ iss: ISSUER, ...claims, 'customer-number': customer, client_id: clientId })),
    signer: verifier === 'ec256' ? 'ec256' : 'rsa',
  }));

interface Fault {
  /** The part of the token it spoils (two faults in a token spoil different parts). */
  part: string;
  reason: keyof typeof REASON;
  apply: (draft: Draft) => Draft;
}
const withClaims = (change: (claims: Record<string, unknown>) => void) => (draft: Draft) => {
  const claims = { ...(draft.claims as Record<string, unknown>) };
  change(claims);
  return { ...draft, claims };
};
const setClaim = (claim: string, value: unknown) => withClaims((claims) => (value === undefined ? delete claims[claim] : (claims[claim] = value)));
const fault = (part: string, reason: keyof typeof REASON, apply: fc.Arbitrary<(draft: Draft) => Draft>): fc.Arbitrary<Fault> =>
  apply.map((change) => ({ part, reason, apply: change }));
const mutate = (change: (token: string) => string) => (draft: Draft) => ({ ...draft, mutate: change });
/** Another alg in the header, and whatever else changes with it. */
const withAlg =
  (alg: unknown, changes: Partial<Draft> = {}) =>
  (draft: Draft): Draft => ({ ...draft, ...changes, header: { ...(draft.header as object), alg } });

const claimFaults: fc.Arbitrary<Fault>[] = [
  fault('exp', 'expired', at(offset(-1_000_000, -TOLERANCE)).map((exp) => setClaim('exp', exp))),
  fault('exp', 'noExpiry', fc.constant(setClaim('exp', undefined))),
  fault('exp', 'other', fc.constantFrom<unknown>(String(NOW + 600), null, true, [NOW + 600]).map((exp) => setClaim('exp', exp))),
  fault('nbf', 'notYetValid', at(offset(TOLERANCE + 1, 1_000_000)).map((nbf) => setClaim('nbf', nbf))),
  fault('nbf', 'other', fc.constantFrom<unknown>(String(NOW), null, {}).map((nbf) => setClaim('nbf', nbf))),
  fault('aud', 'audience', fc.constantFrom<unknown>('another-api', 'Customer-Event', ['x', 'y'], [], 3, null, undefined).map((v) => setClaim('aud', v))),
  fault('iss', 'issuer', fc.constantFrom<unknown>('https://evil.example/', `${ISSUER}/`, 42, null, undefined).map((iss) => setClaim('iss', iss))),
];
const signatureFaults: fc.Arbitrary<Fault>[] = [
  fault('signature', 'signature', fc.constant((draft: Draft) => ({ ...draft, signer: draft.signer === 'ec256' ? 'strangerEc256' : 'stranger' }))),
  // An ES256 signature of the wrong length: a P-384 key's.
  fault('signature', 'signature', fc.constant(withAlg('ES256', { verifier: 'ec256', signer: 'ec384' }))),
  fault(
    'signature',
    'signature',
    fc.constantFrom(
      // Claims changed after signing, a signature cut short, dropped, or made for other claims.
      (token: string) => token.replace(/\.[^.]+\./, `.${b64(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: NOW + 60, scope: 'everything' }))}.`),
      (token: string) => token.slice(0, -4),
      (token: string) => token.replace(/[^.]+$/, ''),
      (token: string) => token.replace(/[^.]+$/, b64('x'.repeat(256))),
    ).map(mutate),
  ),
];
const otherFaults: fc.Arbitrary<Fault>[] = [
  // HMAC (with the public key PEM as the secret: algorithm confusion), algorithms nobody allowed, unknown ones, and none with a signature.
  fault(
    'alg',
    'algorithm',
    fc.tuple(fc.constantFrom('HS256', 'HS384', 'HS512'), fc.constantFrom<Signer>('hmac', 'hmacPem')).map(([alg, signer]) => withAlg(alg, { signer })),
  ),
  fault('alg', 'algorithm', fc.constantFrom('RS384', 'RS512', 'PS384', 'PS512').map((alg) => withAlg(alg, { verifier: 'rsa', signer: 'rsa' }))),
  fault('alg', 'algorithm', fc.constantFrom<[string, Signer]>(['ES384', 'ec384'], ['ES512', 'ec521']).map(([alg, signer]) => withAlg(alg, { signer }))),
  fault('alg', 'algorithm', fc.constantFrom('EdDSA', 'rs256', 'RSA-SHA256', 'none').map((alg) => withAlg(alg, { mutate: (token) => `${token}c2ln` }))),
  // A key of the wrong type for the algorithm: jsonwebtoken named the key, and so does jose.
  fault(
    'alg',
    'key',
    fc
      .constantFrom<[string, Signer, Verifier]>(['ES256', 'ec256', 'rsa'], ['RS256', 'rsa', 'ec256'], ['PS256', 'rsa', 'ec256'])
      .map(([alg, signer, verifier]) => withAlg(alg, { signer, verifier })),
  ),
  // Not a JWT at all, or not in three parts, or a header or signature that is not base64url JSON.
  fault(
    'structure',
    'malformed',
    fc
      .constantFrom(
        () => 'not-a-jwt',
        () => 'abc.def.ghi',
        (token: string) => token.split('.').slice(0, 2).join('.'),
        (token: string) => `${token}.x`,
        (token: string) => `${b64('not json')}.${token.split('.').slice(1).join('.')}`,
        (token: string) => `${b64('{"alg":"RS256"')}.${token.split('.').slice(1).join('.')}`,
        (token: string) => `!${token}`,
        (token: string) => `${token}!`,
      )
      .map(mutate),
  ),
];

// ---- The tests ---------------------------------------------------------------------------------------

describe('JwtStrategy (jose) against the jsonwebtoken path it replaced', () => {
  beforeAll(() => {
    // Both libraries read the clock through Date; nothing else is faked (crypto answers through promises).
    jest.useFakeTimers({
      now: NOW * 1000,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  });
  afterAll(() => {
    jest.useRealTimers();
  });

  it('accepts every good token as jsonwebtoken did, with the same caller', async () => {
    await fc.assert(
      fc.asyncProperty(goodToken, async (draft) => {
        const { before, now } = await bothPaths(draft);

        expect(before.caller).toBeDefined();
        expect(now).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a token with one fault, of any kind, for the same reason as jsonwebtoken did', async () => {
    const reasons = new Set<string>();
    await fc.assert(
      fc.asyncProperty(goodToken, fc.oneof(...claimFaults, ...signatureFaults, ...otherFaults), async (draft, { reason, apply }) => {
        const { before, now } = await bothPaths(apply(draft));

        expect(before).toEqual({ reason: REASON[reason] });
        expect(now).toEqual(before);
        reasons.add(now.reason!);
      }),
      { numRuns: 1500 },
    );
    expect([...reasons].sort()).toEqual(Object.values(REASON).sort());
  });

  it('refuses whatever jsonwebtoken refused when there is no key for the token (JWKS: an unknown kid), naming the key', async () => {
    await fc.assert(
      fc.asyncProperty(goodToken, fc.option(fc.oneof(...claimFaults, ...signatureFaults.slice(0, 2)), { nil: undefined }), async (draft, fault) => {
        const { before, now } = await bothPaths({ ...(fault ? fault.apply(draft) : draft), verifier: 'none' });

        expect(before).toEqual({ reason: REASON.key });
        expect(now).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a token with several faults, as jsonwebtoken did, naming one of them (jose checks iss and aud before the times)', async () => {
    const faults = fc.uniqueArray(fc.oneof(...claimFaults, ...signatureFaults), { minLength: 2, maxLength: 4, selector: ({ part }) => part });
    await fc.assert(
      fc.asyncProperty(goodToken, faults, async (draft, several) => {
        const { before, now } = await bothPaths(several.reduce((spoilt, { apply }) => apply(spoilt), draft));
        const named = several.map(({ reason }) => REASON[reason]);

        expect(before.caller).toBeUndefined();
        expect(now.caller).toBeUndefined();
        expect(named).toContain(before.reason);
        expect(named).toContain(now.reason);
        // A bad signature comes first in both.
        if (several.some(({ part }) => part === 'signature')) expect(now).toEqual({ reason: REASON.signature });
      }),
      { numRuns: 500 },
    );
  });

  const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

  it('accepts exactly what jsonwebtoken accepted, whatever the token (faults mixed at random, payloads that are no claims, no key)', async () => {
    const anyToken = fc
      .record({
        draft: goodToken,
        faults: fc.uniqueArray(fc.oneof(...claimFaults, ...signatureFaults, ...otherFaults), { maxLength: 3, selector: ({ part }) => part }),
        verifier: sometimes(fc.constantFrom<Verifier>('rsa', 'ec256', 'none')),
        payload: sometimes(fc.constantFrom('hello there', 'null', '[1,2]', '"text"', '12', '{}')),
      })
      .map(({ draft, faults, verifier, payload }) => {
        const spoilt = faults.reduce((token, { apply }) => apply(token), draft);
        return { ...spoilt, verifier: verifier ?? spoilt.verifier, claims: payload ?? spoilt.claims };
      });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(anyToken, async (draft) => {
        const { before, now } = await bothPaths(draft);

        expect(now.caller).toEqual(before.caller);
        if (now.caller) accepted += 1;
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(20);
  });

  const good = { iss: ISSUER, aud: AUDIENCE, exp: NOW + 600, scope: 'customer-event:read' };
  const rs256 = { alg: 'RS256', typ: 'JWT' };
  const draft = (changes: Partial<Draft>): Draft => ({ verifier: 'rsa', header: rs256, claims: good, signer: 'rsa', ...changes });
  const dropSignature = (token: string) => `${token.split('.', 2).join('.')}.`;
  const withSignature = (token: string) => `${token.replace(/\.[^.]*$/, '')}.${b64('a signature')}`;
  const paddedHeader = (token: string) => {
    // Base64 with its padding, signed as such: only the issuer can make one.
    const header = Buffer.from(JSON.stringify({ ...rs256, xy: 1 })).toString('base64');
    const input = `${header}.${token.split('.')[1]}`;
    return `${input}.${sign('sha256', Buffer.from(input), pairs.rsa.privateKey).toString('base64url')}`;
  };

  type Answer = keyof typeof REASON | 'accepted';
  // Seen from the outside: a 401 with another error_description, or (issuer-signed oddities only) another status.
  it.each<[string, Answer, Answer, Draft]>([
    // jose checks iss and aud (present, then equal), then nbf and exp; jsonwebtoken checked nbf, exp, aud, iss, then the strategy exp's presence.
    ['expired and for another audience', 'expired', 'audience', draft({ claims: { ...good, exp: NOW - 600, aud: 'another-api' } })],
    ['not valid yet and from another issuer', 'notYetValid', 'issuer', draft({ claims: { ...good, nbf: NOW + 600, iss: 'https://evil.example/' } })],
    ['for another audience and from another issuer', 'audience', 'issuer', draft({ claims: { ...good, aud: 'another-api', iss: 'https://x.example/' } })],
    ['without exp and for another audience', 'audience', 'noExpiry', draft({ claims: { iss: ISSUER, aud: 'another-api' } })],
    // jose reads the header's alg before the signature, and the claims only after it.
    ['alg none without a signature', 'signature', 'algorithm', draft({ header: { alg: 'none', typ: 'JWT' } })],
    ['a header without alg', 'algorithm', 'malformed', draft({ header: { typ: 'JWT' }, mutate: withSignature })],
    ['an alg that is not a string', 'algorithm', 'malformed', draft({ header: { alg: 7 }, mutate: withSignature })],
    ['a header that is a JSON array', 'algorithm', 'malformed', draft({ header: '["RS256"]' })],
    ['typ JWT, claims that are not JSON, not signed by the issuer', 'malformed', 'signature', draft({ claims: 'hello there', signer: 'stranger' })],
    // jose wants the claims to be a JSON object; jsonwebtoken read other payloads as claims-less.
    ['issuer-signed, no typ, claims that are not JSON', 'audience', 'malformed', draft({ header: { alg: 'RS256' }, claims: 'hello there' })],
    ['issuer-signed, claims that are a JSON array', 'audience', 'malformed', draft({ claims: '[1,2]' })],
    ['issuer-signed, claims that are JSON null (jsonwebtoken threw a TypeError)', 'other', 'malformed', draft({ claims: 'null' })],
    // jose is stricter about what the issuer signs...
    ['issuer-signed, an iat that is not a number', 'accepted', 'other', draft({ claims: { ...good, iat: 'yesterday' } })],
    ['issuer-signed, an unrecognised crit header parameter', 'accepted', 'key', draft({ header: { ...rs256, crit: ['x'], x: 1 } })],
    ['issuer-signed with an RSA key under 2048 bits', 'accepted', 'key', draft({ verifier: 'rsa1024', signer: 'rsa1024' })],
    ['an ES256 token against a P-384 key', 'other', 'algorithm', draft({ verifier: 'ec384', header: { alg: 'ES256' }, signer: 'ec256' })],
    // ...and less strict about base64 padding (the signature covers the segment as sent).
    ['issuer-signed, a header segment with base64 padding', 'malformed', 'accepted', draft({ mutate: paddedHeader })],
    // With no key for the token (JWKS), jose still reads the header first; the key comes before the signature.
    ['no key: an HS256 token', 'key', 'algorithm', draft({ verifier: 'none', header: { alg: 'HS256' }, signer: 'hmacPem' })],
    ['no key: an RS256 token without a signature (was a 500 with passport-jwt)', 'other', 'key', draft({ verifier: 'none', mutate: dropSignature })],
    ['no key: a signature that is not base64url', 'malformed', 'key', draft({ verifier: 'none', mutate: (token) => `${token}!` })],
  ])('answers differently, on purpose, for %s: %s before, %s now', async (_case, before, now, token) => {
    const outcome = (answer: Answer) => (answer === 'accepted' ? { caller: expect.any(Object) } : { reason: REASON[answer] });

    expect(await bothPaths(token)).toEqual({ token: expect.any(String), before: outcome(before), now: outcome(now) });
  });

  it('never accepts HMAC or none, even with an allow-list that names them (jose wants a secret for HMAC and refuses none)', async () => {
    const laxConfig = { ...config, algorithms: ['RS256', 'HS256', 'none'] as AuthConfig['algorithms'] };
    const lax = new JwtStrategy(laxConfig, { publicKey: pairs.rsa.publicKey } as DevIssuerKeys);
    const hmac = forge(draft({ header: { alg: 'HS256', typ: 'JWT' }, signer: 'hmacPem' }));
    const unsigned = forge(draft({ header: { alg: 'none', typ: 'JWT' } }));

    expect(await viaStrategy(hmac, lax)).toEqual({ reason: expect.any(String) });
    expect(await viaStrategy(unsigned, lax)).toEqual({ reason: expect.any(String) });
    expect(await viaStrategy(forge(draft({})), lax)).toEqual({ caller: expect.any(Object) });
  });

  it('verifies with WebCrypto (libuv threadpool), importing each key once per algorithm, even for concurrent first requests', async () => {
    const strategy = new JwtStrategy(config, { publicKey: pairs.untouched.publicKey } as DevIssuerKeys);
    const importKey = jest.spyOn(crypto.subtle, 'importKey');
    const verify = jest.spyOn(crypto.subtle, 'verify');
    try {
      const tokens = ['RS256', 'PS256'].flatMap((alg) =>
        Array.from({ length: 10 }, (_, n) => forge(draft({ header: { alg }, claims: { ...good, jti: `${n}` }, signer: 'untouched' }))),
      );

      const outcomes = await Promise.all(tokens.map((token) => viaStrategy(token, strategy)));

      expect(outcomes).toEqual(tokens.map(() => ({ caller: expect.any(Object) })));
      expect(verify).toHaveBeenCalledTimes(tokens.length);
      expect(importKey).toHaveBeenCalledTimes(2);
    } finally {
      importKey.mockRestore();
      verify.mockRestore();
    }
  });
});
