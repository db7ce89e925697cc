import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { AuthConfig } from '../../config';

export interface DevTokenClaims {
  subject: string;
  scope: string;
  customerNumber?: string;
  expiresInSeconds: number;
  clientId?: string;
}

/**
 * The local dev issuer: an RSA key pair in the data folder, made on first use
 * by the service or by `npm run token`, and trusted by the service while
 * AUTH_DEV_ISSUER is on (never with NODE_ENV=production).
 */
export class DevIssuerKeys {
  private constructor(
    readonly privateKeyPem: string,
    readonly publicKey: KeyObject,
    readonly keyId: string,
  ) {}

  static loadOrCreate(dataDir: string): DevIssuerKeys {
    const folder = join(dataDir, 'dev-issuer');
    const privatePath = join(folder, 'private-key.pem');
    if (!existsSync(privatePath)) {
      mkdirSync(folder, { recursive: true });
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const temporary = `${privatePath}.${process.pid}.tmp`;
      writeFileSync(temporary, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      renameSync(temporary, privatePath); // atomic: a concurrent first start sees a whole key or none
    }
    chmodSync(privatePath, 0o600);
    const privateKeyPem = readFileSync(privatePath, 'utf8');
    const publicKey = createPublicKey(privateKeyPem);
    const keyId = publicKey.export({ format: 'jwk' }).n!.slice(0, 16);
    return new DevIssuerKeys(privateKeyPem, publicKey, keyId);
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  issue(config: Pick<AuthConfig, 'issuer' | 'audience' | 'customerClaim'>, claims: DevTokenClaims): string {
    const payload: Record<string, unknown> = { scope: claims.scope, client_id: claims.clientId ?? 'dev-cli' };
    if (claims.customerNumber !== undefined) payload[config.customerClaim] = claims.customerNumber;
    return sign(payload, this.privateKeyPem, {
      algorithm: 'RS256',
      keyid: this.keyId,
      issuer: config.issuer,
      audience: config.audience,
      subject: claims.subject,
      expiresIn: claims.expiresInSeconds,
    });
  }
}
