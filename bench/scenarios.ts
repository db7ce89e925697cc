import { DatasetFacts } from './facts';

/** The list filter of the "kind and date range" scenario: one kind, the middle 70% of the big customer's history, odd hours. */
export function kindAndDateFilter(facts: DatasetFacts): string {
  const [first, last] = facts.bigCustomerSpan.map((iso) => Date.parse(iso));
  const hour = 3_600_000;
  const from = Math.floor((first + 0.15 * (last - first)) / hour) * hour + 17 * 60_000;
  const to = Math.floor((last - 0.15 * (last - first)) / hour) * hour + 43 * 60_000;
  return `event-kind=accounting-transaction&date-from=${new Date(from).toISOString()}&date-to=${new Date(to).toISOString()}`;
}

/**
 * The deep page of the big customer: 5,000 as the issue says when there are
 * more pages than that, else the middle page (small sets). `share` is the
 * part of the customer's events the filter keeps (about).
 */
export function deepPage(facts: DatasetFacts, share = 1, pageSize = 20): number {
  const pages = Math.floor((facts.bigCustomerEvents * share) / pageSize);
  return pages > 5000 ? 5000 : Math.max(1, Math.floor(pages / 2));
}

/** About the share of the big customer's events kindAndDateFilter keeps (accounting transactions are ~22%, 70% of the time). */
export const FILTER_SHARE = 0.12;

export const API = '/customer-event';
