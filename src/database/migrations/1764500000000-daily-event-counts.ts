import { MigrationInterface, QueryRunner } from 'typeorm';

/** The trigger functions' statements; a later migration (kind counts) extends the functions with them. */
export const DAILY_UPSERT = `
        INSERT INTO customer_event_daily_count (customer_number, event_kind, day, event_count)
          SELECT customer_number, event_kind, (creation_datetime AT TIME ZONE 'UTC')::date, count(*)
          FROM inserted_events GROUP BY 1, 2, 3
          ORDER BY 1, 2, 3
        ON CONFLICT (customer_number, event_kind, day)
          DO UPDATE SET event_count = customer_event_daily_count.event_count + EXCLUDED.event_count;`;

export const DAILY_DECREMENT = `
        UPDATE customer_event_daily_count AS daily SET event_count = daily.event_count - gone.removed
          FROM (SELECT customer_number, event_kind, (creation_datetime AT TIME ZONE 'UTC')::date AS day, count(*) AS removed
                FROM deleted_events GROUP BY 1, 2, 3) AS gone
          WHERE daily.customer_number = gone.customer_number AND daily.event_kind = gone.event_kind AND daily.day = gone.day;`;

/**
 * Exact list counts without scanning: events per (customer, kind, UTC day),
 * kept by statement-level triggers (one grouped upsert per INSERT or DELETE
 * statement, so bulk loads pay once per statement, not per row). A list's
 * total-count sums whole days here and counts only its partial edge days.
 */
export class DailyEventCounts1764500000000 implements MigrationInterface {
  name = 'DailyEventCounts1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "customer_event_daily_count" (
        "customer_number" varchar(32) NOT NULL,
        "event_kind" varchar(64) NOT NULL,
        "day" date NOT NULL,
        "event_count" bigint NOT NULL,
        CONSTRAINT "pk_customer_event_daily_count" PRIMARY KEY ("customer_number", "event_kind", "day")
      )`);
    await queryRunner.query(`
      CREATE FUNCTION customer_event_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${DAILY_UPSERT}
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION customer_event_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN${DAILY_DECREMENT}
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER customer_event_counted_on_insert AFTER INSERT ON customer_event
        REFERENCING NEW TABLE AS inserted_events FOR EACH STATEMENT EXECUTE FUNCTION customer_event_count_inserted()`);
    await queryRunner.query(`
      CREATE TRIGGER customer_event_counted_on_delete AFTER DELETE ON customer_event
        REFERENCING OLD TABLE AS deleted_events FOR EACH STATEMENT EXECUTE FUNCTION customer_event_count_deleted()`);
    // Events that existed before this migration.
    await queryRunner.query(`
      INSERT INTO customer_event_daily_count (customer_number, event_kind, day, event_count)
        SELECT customer_number, event_kind, (creation_datetime AT TIME ZONE 'UTC')::date, count(*)
        FROM customer_event GROUP BY 1, 2, 3`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER customer_event_counted_on_delete ON customer_event');
    await queryRunner.query('DROP TRIGGER customer_event_counted_on_insert ON customer_event');
    await queryRunner.query('DROP FUNCTION customer_event_count_deleted()');
    await queryRunner.query('DROP FUNCTION customer_event_count_inserted()');
    await queryRunner.query('DROP TABLE "customer_event_daily_count"');
  }
}
