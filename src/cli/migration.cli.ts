import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MigrationExecutor } from 'typeorm';
import { CliDatabase, executedMigrations, openCliDatabase } from './cli-data-source';

const USAGE = `Usage:
  npm run migration:run                 apply every pending migration
  npm run migration:revert              undo the most recently applied migration
  npm run migration:generate -- <Name>  write src/database/migrations/<timestamp>-<name>.ts from the
                                        difference between the entities and the database schema

Works on DATABASE_URL, or on the embedded PostgreSQL in DATA_DIR when DATABASE_URL is unset
(the service must not be running on that folder).`;

const MIGRATIONS_DIR = resolve(__dirname, '../database/migrations');

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'run' || command === 'revert') {
    if (rest.length > 0) throw new UsageError(`'${command}' takes no arguments`);
    await withDatabase((db) => (command === 'run' ? run(db) : revert(db)));
    return;
  }
  if (command === 'generate') {
    if (rest.length !== 1) throw new UsageError('generate needs exactly one migration name, such as AddCaseIndex');
    const name = parseName(rest[0]);
    await withDatabase((db) => generate(db, name));
    return;
  }
  throw new UsageError(command ? `Unknown command '${command}'` : 'No command given');
}

async function withDatabase(work: (db: CliDatabase) => Promise<void>): Promise<void> {
  const db = await openCliDatabase();
  try {
    out(`Database: ${db.target}`);
    await work(db);
  } finally {
    await db.close();
  }
}

async function run({ dataSource }: CliDatabase): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length === 0) out('No pending migrations: the schema is up to date.');
  for (const migration of applied) out(`Applied ${migration.name}`);
}

async function revert({ dataSource }: CliDatabase): Promise<void> {
  const [last] = await executedMigrations(dataSource);
  if (!last) {
    out('No applied migrations: nothing to revert.');
    return;
  }
  await dataSource.undoLastMigration({ transaction: 'each' });
  out(`Reverted ${last.name}`);
}

/**
 * Diffs the entities against the live schema. Pending migrations are refused
 * rather than applied: their changes would show up as drift and be generated
 * a second time.
 */
async function generate({ dataSource }: CliDatabase, name: MigrationName): Promise<void> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length > 0) {
    throw new Error(
      `${pending.length} migration(s) not yet applied (${pending.map((m) => m.name).join(', ')}): run 'npm run migration:run' first`,
    );
  }
  const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
  if (upQueries.length === 0) {
    out('No changes: the entities match the database schema.');
    return;
  }
  const timestamp = Date.now();
  const file = join(MIGRATIONS_DIR, `${timestamp}-${name.kebab}.ts`);
  const className = `${name.pascal}${timestamp}`;
  writeFileSync(file, migrationSource(className, upQueries, [...downQueries].reverse()), { flag: 'wx' });
  const shown = relative(process.cwd(), file);
  out(`Wrote ${shown} (${upQueries.length} statement(s)); review it, then list ${className} in src/database/migrations/index.ts`);
  out(`  (migrations are listed explicitly): import { ${className} } from './${timestamp}-${name.kebab}';`);
}

interface Query {
  query: string;
  parameters?: unknown[];
}

function migrationSource(className: string, up: Query[], down: Query[]): string {
  const statements = (queries: Query[]) =>
    queries
      .map(({ query, parameters }) => {
        const args = parameters?.length ? `, ${JSON.stringify(parameters)}` : '';
        return `    await queryRunner.query(\`${escapeTemplateLiteral(query)}\`${args});`;
      })
      .join('\n');
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

/** Generated from the entities by migration:generate: replace this line with why the schema changes. */
export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${statements(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${statements(down)}
  }
}
`;
}

/** SQL from the schema (defaults, comments) must not break out of, or interpolate into, the template literal. */
function escapeTemplateLiteral(sql: string): string {
  return sql.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
}

interface MigrationName {
  pascal: string;
  kebab: string;
}

function parseName(raw: string): MigrationName {
  if (!/^[A-Za-z][A-Za-z0-9]*([-_ ][A-Za-z0-9]+)*$/.test(raw)) {
    throw new UsageError(`'${raw}' is not a usable migration name: use letters and digits, such as AddCaseIndex or add-case-index`);
  }
  const words = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_ ]+/)
    .map((word) => word.toLowerCase());
  return {
    pascal: words.map((word) => word[0].toUpperCase() + word.slice(1)).join(''),
    kebab: words.join('-'),
  };
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  const usage = error instanceof UsageError;
  process.stderr.write(usage ? `${error.message}\n\n${USAGE}\n` : `Migration failed: ${error.message}\n`);
  process.exitCode = usage ? 2 : 1;
});
