import { createHash } from 'node:crypto';

/**
 * A statement of the request path: its text depends only on the shape of a
 * request (which filters, which sort), never on values, so PostgreSQL can
 * prepare it once per connection under `name` and skip parsing and planning
 * on every later execution.
 */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

const known = new Map<string, SqlStatement>();

/** The statement for this text, named by a digest of it (the same text always gets the same name). */
export function sqlStatement(text: string): SqlStatement {
  let statement = known.get(text);
  if (!statement) {
    statement = { name: `ce_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text };
    // Shapes are few (filters x sorts x directions); the bound only guards against a bug making them many.
    if (known.size >= 10_000) known.clear();
    known.set(text, statement);
  }
  return statement;
}

/**
 * Collects a statement's values and hands out their placeholders, so a value
 * used in several places (the customer in the count and in the page) is bound once.
 */
export class SqlValues {
  readonly values: unknown[] = [];

  /** `$n` for a new value, cast when PostgreSQL cannot infer its type from the context. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
