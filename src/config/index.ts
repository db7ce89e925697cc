import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { databaseConfig } from './database.config';

export * from './app.config';
export * from './auth.config';
export * from './database.config';

/** Every settings namespace; ConfigModule loads and validates them all at boot. */
export const configNamespaces = [appConfig, databaseConfig, authConfig];
