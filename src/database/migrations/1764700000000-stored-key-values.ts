import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event's key-values, flattened once at registration instead of on every
 * read (parsing the XML was about 16 µs of a detail request's 350). Payloads
 * never change after registration, so the stored entries cannot go stale.
 * The JSON is kept as text: only the service reads it, always whole, so the
 * database never needs to parse, check or convert it.
 * Nullable with no default: adding it rewrites nothing, and events from
 * before it are flattened on read as before.
 */
export class StoredKeyValues1764700000000 implements MigrationInterface {
  name = 'StoredKeyValues1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "customer_event" ADD COLUMN "event_data_key_values" text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "customer_event" DROP COLUMN "event_data_key_values"');
  }
}
