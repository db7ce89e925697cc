import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationProblem } from '../errors/problem.exception';

/** `{event-id}` path segments: a positive int64 that JSON numbers carry exactly. */
@Injectable()
export class EventIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,16}$/.test(value)) {
      throw new ValidationProblem([{ tag: 'event-id', error: 'invalid-format', message: `'event-id' must be a positive integer` }]);
    }
    const id = Number(value);
    if (id < 1 || id > Number.MAX_SAFE_INTEGER) {
      throw new ValidationProblem([{ tag: 'event-id', error: 'out-of-range', message: `'event-id' must be between 1 and ${Number.MAX_SAFE_INTEGER}` }]);
    }
    return id;
  }
}
