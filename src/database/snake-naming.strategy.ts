import { DefaultNamingStrategy, Table } from 'typeorm';

/** `returnAddress` is stored as `return_address`: entities name properties, the schema stays SQL-cased. */
export class SnakeNamingStrategy extends DefaultNamingStrategy {
  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    return customName ?? [...prefixes, propertyName].map(toSnake).join('_');
  }

  override primaryKeyName(tableOrName: Table | string): string {
    return `pk_${tableName(tableOrName)}`;
  }

  override foreignKeyName(tableOrName: Table | string): string {
    return `fk_${tableName(tableOrName)}_event`;
  }
}

const tableName = (tableOrName: Table | string) => (typeof tableOrName === 'string' ? tableOrName : tableOrName.name).split('.').pop();

const toSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
