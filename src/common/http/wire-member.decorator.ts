import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Expose, Transform } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';

/**
 * Alternative wire names a client may send for a member: the canonical name
 * wins on output; the alias is accepted on input only (CONTRACT.md).
 */
export const WIRE_ALIASES: Readonly<Record<string, string>> = {
  page: 'page-number',
  'related-workitem-number': 'workitem-id',
};

export type MemberFormat = 'text' | 'amount' | 'currency' | 'date' | 'date-time' | 'integer' | 'url';

export interface MemberOptions {
  required?: boolean;
  description?: string;
  example?: unknown;
  maxLength?: number;
  /** Canonical values; input is matched case-insensitively and stored canonical. */
  enum?: readonly string[];
  format?: MemberFormat;
  min?: number;
  max?: number;
  /** Default for query parameters that are absent. */
  default?: unknown;
  pattern?: { regex: RegExp; description: string };
}

const AMOUNT = /^-?\d{1,15}(\.\d{1,4})?$/;
const XML_SAFE_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]*$/;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** RFC 3339 date-time with an explicit offset (or Z), as CONTRACT.md requires. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** True for a date or date-time that names a real instant (no 2024-02-30 rolled over to March). */
export function isRealDate(value: string): boolean {
  const day = value.slice(0, 10);
  const midnight = new Date(`${day}T00:00:00Z`);
  return (
    !Number.isNaN(midnight.getTime()) &&
    midnight.toISOString().slice(0, 10) === day &&
    !Number.isNaN(new Date(value).getTime())
  );
}

const lowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const integerText = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^[+-]?\d{1,16}$/.test(value) ? Number(value) : value;

const IsRealDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isRealDate',
      validator: {
        validate: (value) => typeof value === 'string' && isRealDate(value),
        defaultMessage: (args) => `${args?.property} must be a real calendar date`,
      },
    },
    options,
  );

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const IsWellFormedText = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isWellFormedText', validator: { validate: (value) => typeof value !== 'string' || !UNPAIRED_SURROGATE.test(value) } }, options);

/**
 * One member of a request or response body, or one query parameter, under its
 * lower-kebab-case wire name. Applies the wire name for class-transformer and
 * Swagger together, and the validation rules in a fixed order, so the first
 * failing rule is the one reported.
 */
export function Member(wireName: string, options: MemberOptions = {}): PropertyDecorator {
  const format = options.format ?? 'text';
  const api: ApiPropertyOptions = {
    name: wireName,
    required: options.required ?? false,
    description: options.description,
    example: options.example,
    nullable: !options.required && options.default === undefined ? true : undefined,
    default: options.default,
  } as ApiPropertyOptions;
  const rules: PropertyDecorator[] = [Expose({ name: wireName })];
  rules.push(options.required ? IsDefined() : IsOptional());
  if (format === 'integer') {
    Object.assign(api, { type: 'integer', format: 'int64', minimum: options.min, maximum: options.max });
    rules.push(Transform(integerText), IsInt());
    if (options.min !== undefined) rules.push(Min(options.min));
    if (options.max !== undefined) rules.push(Max(options.max));
  } else {
    Object.assign(api, { type: String, maxLength: options.maxLength });
    rules.push(IsString());
    if (options.required) rules.push(IsNotEmpty());
    // PostgreSQL text cannot hold NUL, and XML 1.0 (the payload rendered from these members) cannot hold
    // any control character but tab, line feed and carriage return.
    rules.push(Matches(XML_SAFE_TEXT, { message: `${wireName} must not contain control characters` }));
    // Nor an unpaired surrogate (a JSON escape such as "\ud800"): it would be stored as U+FFFD, not as sent.
    rules.push(IsWellFormedText({ message: `${wireName} must not contain unpaired surrogates` }));
  }
  if (options.enum) {
    Object.assign(api, { enum: [...options.enum] });
    rules.unshift(Transform(lowerCase));
    rules.push(IsIn([...options.enum]));
  }
  if (options.maxLength !== undefined) rules.push(MaxLength(options.maxLength));
  switch (format) {
    case 'amount':
      Object.assign(api, { pattern: AMOUNT.source, description: options.description ?? 'Decimal amount as a string' });
      rules.push(Matches(AMOUNT, { message: `${wireName} must be a decimal string such as "125.40"` }));
      break;
    case 'currency':
      Object.assign(api, { pattern: CURRENCY.source, example: options.example ?? 'EUR' });
      rules.push(Matches(CURRENCY, { message: `${wireName} must be an ISO 4217 code such as "EUR"` }));
      break;
    case 'date':
      Object.assign(api, { format: 'date' });
      rules.push(Matches(DATE, { message: `${wireName} must be a date such as "2014-10-10"` }), IsRealDate());
      break;
    case 'date-time':
      Object.assign(api, { format: 'date-time' });
      // An unencoded '+' in a query string arrives as a space: read '... 02:00' as '+02:00'.
      rules.unshift(Transform(({ value }) => (typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value)));
      rules.push(
        Matches(RFC3339, { message: `${wireName} must be an RFC 3339 date-time with an offset, such as "2014-10-10T12:34:36.690Z"` }),
        IsRealDate(),
      );
      break;
    case 'url':
      Object.assign(api, { format: 'uri' });
      rules.push(Matches(/^https?:\/\/\S+$/, { message: `${wireName} must be an http or https URL` }));
      break;
  }
  if (options.pattern) {
    Object.assign(api, { pattern: options.pattern.regex.source });
    rules.push(Matches(options.pattern.regex, { message: `${wireName} ${options.pattern.description}` }));
  }
  return applyDecorators(ApiProperty(api), ...rules);
}
