import type { DataSource } from 'typeorm';
import { MetricsService, REQUEST_BATCH } from './metrics.service';

const DETAIL = '/customer-event/events/:eventId';

/** The series of http_request_duration_seconds in the text exposition, by name and labels. */
async function requestSeries(metrics: MetricsService): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(http_request_duration_seconds_\w+)\{(.*)\} (\S+)$/.exec(line);
    if (match) series.set(`${match[1]}{${match[2]}}`, Number(match[3]));
  }
  return series;
}

describe('MetricsService', () => {
  const pool = { totalCount: 3, idleCount: 2, waitingCount: 0 };
  let metrics: MetricsService;

  beforeEach(() => {
    metrics = new MetricsService({ driver: { master: pool } } as unknown as DataSource);
  });

  it('shows every request answered before a scrape, with its route, method, status and duration', async () => {
    const answered = 2 * REQUEST_BATCH + 7;
    for (let index = 0; index < answered; index++) metrics.observeRequest('GET', DETAIL, 200, index % 2 === 0 ? 0.004 : 0.03);
    metrics.observeRequest('GET', DETAIL, 404, 0.001);
    metrics.observeRequest('POST', '/customer-event/events', 200, 0.2);

    const series = await requestSeries(metrics);
    const ok = `method="GET",route="${DETAIL}",status="200"`;
    expect(series.get(`http_request_duration_seconds_count{${ok}}`)).toBe(answered);
    expect(series.get(`http_request_duration_seconds_bucket{le="0.005",${ok}}`)).toBe(Math.ceil(answered / 2));
    expect(series.get(`http_request_duration_seconds_bucket{le="0.05",${ok}}`)).toBe(answered);
    expect(series.get(`http_request_duration_seconds_sum{${ok}}`)).toBeCloseTo(Math.ceil(answered / 2) * 0.004 + Math.floor(answered / 2) * 0.03, 6);
    expect(series.get(`http_request_duration_seconds_count{method="GET",route="${DETAIL}",status="404"}`)).toBe(1);
    expect(series.get(`http_request_duration_seconds_bucket{le="0.25",method="POST",route="/customer-event/events",status="200"}`)).toBe(1);
  });

  it('counts each request once over several scrapes', async () => {
    metrics.observeRequest('GET', DETAIL, 200, 0.01);
    const key = `http_request_duration_seconds_count{method="GET",route="${DETAIL}",status="200"}`;
    expect((await requestSeries(metrics)).get(key)).toBe(1);
    expect((await requestSeries(metrics)).get(key)).toBe(1);
    metrics.observeRequest('GET', DETAIL, 200, 0.01);
    expect((await requestSeries(metrics)).get(key)).toBe(2);
  });

  it('shows the database pool', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toContain('db_pool_connections{state="in_use"} 1');
    expect(text).toContain('db_pool_connections{state="idle"} 2');
  });
});
