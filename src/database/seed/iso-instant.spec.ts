import { isoDate, isoInstant } from './iso-instant';
import { SeededRandom } from './seeded-random';

describe('isoInstant', () => {
  it('writes what Date#toISOString writes, across days, centuries and the edges of a day', () => {
    const random = new SeededRandom(11);
    const instants = [0, -1, 1, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(0, 0, 1) - 1e10, 253_402_300_799_999];
    for (let index = 0; index < 200_000; index++) instants.push(Math.floor((random.next() - 0.3) * 4e12));
    const mismatch = instants.find((instant) => isoInstant(instant) !== new Date(instant).toISOString());
    expect(mismatch === undefined ? undefined : [mismatch, isoInstant(mismatch)]).toBeUndefined();
  });

  it('leaves years outside 0000-9999, fractions of a millisecond and invalid instants to Date', () => {
    for (const instant of [253_402_300_800_000, -62_198_755_200_001, 8.64e15, 1.5, -0.5, 1_700_000_000_000.999]) expect(isoInstant(instant)).toBe(new Date(instant).toISOString());
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
    expect(() => isoInstant(8.64e15 + 1)).toThrow(RangeError);
  });

  it('gives the UTC date of an instant', () => {
    expect(isoDate(Date.UTC(2025, 2, 30, 23, 30))).toBe('2025-03-30');
    expect(isoDate(Date.UTC(2025, 2, 31, 0, 0))).toBe('2025-03-31');
  });
});
