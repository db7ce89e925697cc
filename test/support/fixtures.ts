import { DataSource } from 'typeorm';
import { TestApp } from './test-app';

/**
 * Inserts `count` generic events for a customer straight into the table: a
 * fixture for list tests, far faster than registering them one by one.
 * `sameMillisecondEvery` > 1 makes runs of events share one timestamp.
 */
export async function insertEvents(
  api: TestApp,
  customer: string,
  count: number,
  options: { start?: Date; stepMs?: number; sameMillisecondEvery?: number; kinds?: string[] } = {},
): Promise<void> {
  const start = options.start ?? new Date('2014-10-10T12:00:00.000Z');
  const kinds = options.kinds ?? ['SecurtyEvent'];
  await api.app.get(DataSource).query(
    `INSERT INTO customer_event (customer_number, event_kind, creation_datetime, description, event_data_xml)
     SELECT $1::varchar, ($2::varchar[])[1 + (g % array_length($2::varchar[], 1))],
            $3::timestamptz + ((g / $5::int) * $4::bigint) * interval '1 millisecond', NULL,
            '<customer-login><customer-id>' || $1::varchar || '</customer-id><n>' || g || '</n></customer-login>'
     FROM generate_series(0, $6::int - 1) AS g`,
    [customer, kinds, start.toISOString(), options.stepMs ?? 1000, options.sameMillisecondEvery ?? 1, count],
  );
}
