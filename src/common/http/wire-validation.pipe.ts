import { type ArgumentMetadata, Injectable, PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { ProblemFieldError, ValidationErrorLiteral } from '../errors/problem';
import { ValidationProblem } from '../errors/problem.exception';
import { WIRE_ALIASES } from './wire-member.decorator';
import { TRANSFORM_OPTIONS, WireSchema } from './wire-schema';

const LITERALS: Record<string, ValidationErrorLiteral> = {
  isDefined: 'required',
  isNotEmpty: 'required',
  maxLength: 'max-length',
  minLength: 'min-length',
  min: 'out-of-range',
  max: 'out-of-range',
  isIn: 'unknown-enum',
  isEnum: 'unknown-enum',
};

/**
 * Validates bodies and query strings by their wire (kebab-case) names: unknown
 * members are rejected rather than dropped, aliases are folded into their
 * canonical member, and every failure is reported with the wire name as tag.
 */
@Injectable()
export class WireValidationPipe implements PipeTransform {
  private readonly schemas = new Map<Type<unknown>, WireSchema>();

  /** `expectedType` for parameters whose declared type a generic hides from reflection. */
  constructor(private readonly expectedType?: Type<unknown>) {}

  transform(value: unknown, { type, metatype: declared }: ArgumentMetadata): unknown {
    const metatype = this.expectedType ?? declared;
    if ((type !== 'body' && type !== 'query') || !metatype) return value;
    const schema = this.schemaOf(metatype);
    if (schema.byWire.size === 0) return value;
    return validateWire(metatype, schema, value, type);
  }

  private schemaOf(metatype: Type<unknown>): WireSchema {
    let schema = this.schemas.get(metatype);
    if (!schema) this.schemas.set(metatype, (schema = new WireSchema(metatype as Type<object>)));
    return schema;
  }
}

function validateWire<T>(metatype: Type<T>, schema: WireSchema, value: unknown, type: 'body' | 'query'): T {
  const { byWire: names, byProperty: wireOf } = schema;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (type === 'query' && value === undefined) value = {};
    else throw new ValidationProblem([{ tag: 'body', error: 'invalid-format', message: 'The body must be a JSON object' }]);
  }
  const errors: ProblemFieldError[] = [];
  const input: Record<string, unknown> = {};
  const place = type === 'body' ? 'member of this body' : 'parameter of this operation';
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const alias = WIRE_ALIASES[key];
    const canonical = names.has(key) ? key : alias && names.has(alias) ? alias : undefined;
    if (!canonical) {
      errors.push({ tag: key, error: 'not-allowed', message: `'${key}' is not a ${place}` });
    } else if (type === 'query' && Array.isArray(raw)) {
      errors.push({ tag: key, error: 'invalid-format', message: `'${key}' must be given once` });
    } else if (canonical in input) {
      errors.push({ tag: key, error: 'not-allowed', message: `'${key}' and '${canonical}' name the same ${type === 'body' ? 'member' : 'parameter'}` });
    } else {
      // Every member and parameter is a scalar, so a nested value fails on its type alone. Only its
      // shape goes on: class-transformer recurses into values, and a 10,000-deep one overflows the stack.
      input[canonical] = raw !== null && typeof raw === 'object' ? (Array.isArray(raw) ? [] : {}) : raw;
    }
  }
  if (errors.length === 0) {
    const accepted = schema.accept(input);
    if (accepted) return accepted as T;
  }
  // Something is wrong (or the schema could not be compiled): the libraries themselves say what.
  const instance = plainToInstance(metatype, input, TRANSFORM_OPTIONS);
  const reported = new Set(errors.map((error) => error.tag));
  for (const failure of validateSync(instance as object, { forbidUnknownValues: false, stopAtFirstError: true })) {
    const tag = wireOf.get(failure.property) ?? failure.property;
    if (!reported.has(tag)) errors.push(describe(failure, tag));
  }
  if (errors.length > 0) throw new ValidationProblem(errors);
  return instance;
}

function describe(failure: ValidationError, tag: string): ProblemFieldError {
  const [constraint, text] = Object.entries(failure.constraints ?? {})[0] ?? ['invalid', 'is invalid'];
  const error = LITERALS[constraint] ?? 'invalid-format';
  if (error === 'required') return { tag, error, message: `'${tag}' is required` };
  const subject = [tag, failure.property].find((name) => text.startsWith(`${name} `));
  const message = subject ? `'${tag}'${text.slice(subject.length)}` : `'${tag}': ${text}`;
  return { tag, error, message };
}
