import { createHash } from 'node:crypto';
import { ValidationProblem } from '../../common/errors/problem.exception';

/**
 * A keyset continuation carried in `next`/`prev` links: the sort key of the
 * row a page starts after (or ends before), the page it leads to, and a hash
 * of the query it belongs to. Following such a link seeks straight to the row
 * instead of skipping OFFSET rows. A cursor for another page or another query
 * is ignored (the page is then found by offset); a garbled one is a 400.
 */
export interface PageCursor {
  page: number;
  direction: 'after' | 'before';
  key: (string | number)[];
  query: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.page, cursor.direction === 'after' ? 'a' : 'b', cursor.key, cursor.query])).toString('base64url');
}

export function decodeCursor(text: string): PageCursor {
  try {
    const [page, direction, key, query] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    const valid =
      Number.isInteger(page) &&
      page >= 1 &&
      (direction === 'a' || direction === 'b') &&
      Array.isArray(key) &&
      key.length >= 1 &&
      key.length <= 3 &&
      key.every((part: unknown) => typeof part === 'string' || Number.isSafeInteger(part)) &&
      typeof query === 'string';
    if (valid) return { page, direction: direction === 'a' ? 'after' : 'before', key, query };
  } catch {
    // fall through to the 400
  }
  throw invalidCursor();
}

/** The one answer to a cursor the service did not issue, garbled or tampered. */
export function invalidCursor(): ValidationProblem {
  return new ValidationProblem([{ tag: 'cursor', error: 'invalid-format', message: "'cursor' is not a cursor this service issued; follow the navigation links as given" }]);
}

/** Identifies a list query (filters, scope, sort, page size) so a cursor is only used with its own. */
export function queryFingerprint(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}
