import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';

export interface LocalIssuer {
  server: OAuth2Server;
  /** http://127.0.0.1:PORT, the `iss` of its tokens. */
  url: string;
  jwksUri: string;
  /** The kid of the RS256 key it starts with. */
  firstKid: string;
  /** Asks its token endpoint over HTTP for a client-credentials token, as a real client would. */
  clientCredentialsToken(form: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect issuer (oauth2-mock-server) on a free loopback port,
 * with one RS256 key in its JWKS: the service fetches its keys over HTTP as it
 * would from the bank's identity provider.
 */
export async function startLocalIssuer(): Promise<LocalIssuer> {
  const server = new OAuth2Server();
  const firstKid = await addRs256Key(server);
  await server.start(0, '127.0.0.1');
  const url = server.issuer.url;
  if (!url) throw new Error('The local OIDC issuer did not report its URL');
  return {
    server,
    url,
    jwksUri: `${url}/jwks`,
    firstKid,
    async clientCredentialsToken(form) {
      const response = await fetch(`${url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('test-client:secret').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || typeof body.access_token !== 'string') {
        throw new Error(`The local OIDC issuer refused a token: ${response.status} ${JSON.stringify(body)}`);
      }
      return body.access_token;
    },
    async stop() {
      if (server.listening) await server.stop();
    },
  };
}

/**
 * Generates an RS256 key and adds it to the issuer's JWKS; returns its kid.
 *
 * Not `server.issuer.keys.generate()`: under Jest the WebCrypto JWK it exports
 * comes from another realm, so the server's own "plain object" check rejects
 * it ("Invalid jwk format"). `keys.add()` copies the key first and works.
 */
export async function addRs256Key(server: OAuth2Server, kid: string = `test-${randomUUID()}`): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await server.issuer.keys.add({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' });
  return key.kid;
}
