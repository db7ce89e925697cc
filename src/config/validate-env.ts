import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

type EnvSource = Record<string, string | undefined>;

/**
 * Validates one namespace of settings at boot. A wrong value stops the start
 * with a message that names the setting, its value and what it must be.
 */
export function validateEnv<T extends object>(schema: new () => T, env: EnvSource = process.env): T {
  // An empty value (`DATABASE_URL=`) means "not set", as in .env.example.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const settings = plainToInstance(schema, given, { exposeDefaultValues: true, enableImplicitConversion: false });
  const errors = validateSync(settings, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const reasons = Object.values(error.constraints ?? {}).join('; ');
      return `  ${error.property}=${JSON.stringify(env[error.property] ?? null)}: ${reasons}`;
    });
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return settings;
}

export const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

export const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off', ''].includes(normalized)) return false;
  return value;
};

export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;
