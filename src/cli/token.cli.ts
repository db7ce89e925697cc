import { parseArgs } from 'node:util';
import { DevIssuerKeys } from '../common/auth/dev-issuer.keys';
import { READ_SCOPE, WRITE_SCOPE } from '../common/auth/scopes';
import { authConfig, databaseConfig } from '../config';

const USAGE = `Usage: npm run token -- [--scope "customer-event:read customer-event:write"] [--customer-number N] [--sub S] [--expires-in SECONDS]

Prints an access token from the local dev issuer (the key pair in DATA_DIR), and nothing else.`;

function main(): void {
  const { values } = parseArgs({
    options: {
      scope: { type: 'string', default: `${READ_SCOPE} ${WRITE_SCOPE}` },
      'customer-number': { type: 'string' },
      sub: { type: 'string', default: 'dev-user' },
      'client-id': { type: 'string', default: 'dev-cli' },
      'expires-in': { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const expiresInSeconds = Number(values['expires-in']);
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1) throw new Error('--expires-in must be a positive whole number of seconds');
  const auth = authConfig();
  if (!auth.devIssuer) throw new Error('The dev issuer is off (AUTH_JWKS_URI is set): get tokens from your identity provider');
  const keys = DevIssuerKeys.loadOrCreate(databaseConfig().dataDir);
  const token = keys.issue(auth, {
    subject: values.sub!,
    clientId: values['client-id'],
    scope: values.scope!,
    customerNumber: values['customer-number'],
    expiresInSeconds,
  });
  process.stdout.write(`${token}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
