const MS_PER_DAY = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));

/** `YYYY-MM-DDT` by day number since the epoch. The seed's instants fall on about 1,100 days; the bound only guards other callers. */
const dayPrefixes = new Map<number, string>();
const MAX_REMEMBERED_DAYS = 100_000;

/**
 * `Date#toISOString()` of an epoch millisecond, with each day's date part made
 * once: the seed writes tens of millions of instants over about a thousand
 * days, and a Date and its full formatting per instant were a tenth of the
 * benchmark generator's time. Years outside 0000-9999 (six-digit ISO years),
 * fractions of a millisecond and invalid instants go through Date itself.
 */
export function isoInstant(epochMs: number): string {
  if (!Number.isInteger(epochMs)) return new Date(epochMs).toISOString();
  const day = Math.floor(epochMs / MS_PER_DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const full = new Date(epochMs).toISOString();
    if (full.length !== 24) return full;
    if (dayPrefixes.size >= MAX_REMEMBERED_DAYS) dayPrefixes.clear();
    dayPrefixes.set(day, (prefix = full.slice(0, 11)));
  }
  let rest = epochMs - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}

/** `YYYY-MM-DD` (UTC) of an epoch millisecond. */
export function isoDate(epochMs: number): string {
  return isoInstant(epochMs).slice(0, 10);
}
