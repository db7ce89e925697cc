import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ValidationProblem } from '../../common/errors/problem.exception';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The optional `Idempotency-Key` request header: 1-255 visible ASCII characters. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | null => {
  const value = context.switchToHttp().getRequest().headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new ValidationProblem([
      { tag: IDEMPOTENCY_KEY_HEADER, error: 'invalid-format', message: `'${IDEMPOTENCY_KEY_HEADER}' must be 1 to 255 visible ASCII characters` },
    ]);
  }
  return value;
});

export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: 'Makes a retry safe: the same key and body register one event; the same key with another body is 409',
    schema: { type: 'string', maxLength: 255 },
  });
