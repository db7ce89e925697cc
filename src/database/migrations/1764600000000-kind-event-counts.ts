import { MigrationInterface, QueryRunner } from 'typeorm';
import { DAILY_DECREMENT, DAILY_UPSERT } from './1764500000000-daily-event-counts';

/**
 * Events per (customer, kind) over all time, kept by the same statement
 * triggers as the daily counts: a list without a date range (the usual one,
 * and every deep page of a busy customer) counts a handful of rows instead of
 * one per day. Daily counts still serve date ranges. Same write cost shape:
 * one more grouped upsert per INSERT or DELETE statement, taken after the
 * daily rows, in key order (no deadlocks between registrations).
 */
export class KindEventCounts1764600000000 implements MigrationInterface {
  name = 'KindEventCounts1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "customer_event_kind_count" (
        "customer_number" varchar(32) NOT NULL,
        "event_kind" varchar(64) NOT NULL,
        "event_count" bigint NOT NULL,
        CONSTRAINT "pk_customer_event_kind_count" PRIMARY KEY ("customer_number", "event_kind")
      )`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION customer_event_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${DAILY_UPSERT}
        INSERT INTO customer_event_kind_count (customer_number, event_kind, event_count)
          SELECT customer_number, event_kind, count(*) FROM inserted_events GROUP BY 1, 2
          ORDER BY 1, 2
        ON CONFLICT (customer_number, event_kind)
          DO UPDATE SET event_count = customer_event_kind_count.event_count + EXCLUDED.event_count;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION customer_event_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${DAILY_DECREMENT}
        UPDATE customer_event_kind_count AS kinds SET event_count = kinds.event_count - gone.removed
          FROM (SELECT customer_number, event_kind, count(*) AS removed FROM deleted_events GROUP BY 1, 2) AS gone
          WHERE kinds.customer_number = gone.customer_number AND kinds.event_kind = gone.event_kind;
        RETURN NULL;
      END $$`);
    // Events that existed before this migration, from the daily counts that already hold them.
    await queryRunner.query(`
      INSERT INTO customer_event_kind_count (customer_number, event_kind, event_count)
        SELECT customer_number, event_kind, sum(event_count) FROM customer_event_daily_count GROUP BY 1, 2`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION customer_event_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${DAILY_UPSERT}
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION customer_event_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${DAILY_DECREMENT}
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP TABLE "customer_event_kind_count"');
  }
}
