import { ValidationProblem } from '../../common/errors/problem.exception';
import { decodeCursor, encodeCursor, queryFingerprint } from './page-cursor';

describe('page cursors', () => {
  it('round-trip the page, direction, sort key and query', () => {
    const cursor = { page: 5001, direction: 'after' as const, key: ['2014-10-10T12:34:36.690Z', 258242], query: queryFingerprint(['1400269']) };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each([['not-base64!'], [Buffer.from('[1,"x",[1],"q"]').toString('base64url')], [Buffer.from('{"page":1}').toString('base64url')], [Buffer.from('[0,"a",[1],"q"]').toString('base64url')]])(
    'refuse %p with a 400 naming cursor',
    (text) => {
      expect(() => decodeCursor(text)).toThrow(ValidationProblem);
    },
  );

  it('fingerprint queries stably and apart', () => {
    expect(queryFingerprint(['a', 20])).toBe(queryFingerprint(['a', 20]));
    expect(queryFingerprint(['a', 20])).not.toBe(queryFingerprint(['a', 21]));
  });
});
