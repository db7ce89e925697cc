import { ListEventsQuery, ShapeQuery } from '../../events/core/dto/list-events.query';
import { ValidationProblem } from '../errors/problem.exception';
import { Member } from './wire-member.decorator';
import { WireValidationPipe } from './wire-validation.pipe';

class ExampleQuery {
  @Member('page-number', { format: 'integer', min: 1, default: 1 })
  pageNumber: number = 1;

  @Member('sort-order', { enum: ['asc', 'desc'], default: 'desc' })
  sortOrder: string = 'desc';
}

class ExampleBody {
  @Member('customer-number', { required: true, maxLength: 8 })
  customerNumber: string;

  @Member('return-address', { maxLength: 5 })
  returnAddress?: string;

  @Member('amount', { format: 'amount' })
  amount?: string;

  @Member('booking-date', { format: 'date' })
  bookingDate?: string;
}

describe('WireValidationPipe', () => {
  const pipe = new WireValidationPipe();
  const body = (value: unknown) => pipe.transform(value, { type: 'body', metatype: ExampleBody });
  const query = (value: unknown) => pipe.transform(value, { type: 'query', metatype: ExampleQuery });
  const errorsOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationProblem);
      return (error as ValidationProblem).errors;
    }
    throw new Error('expected a validation problem');
  };

  it('maps wire names to properties and applies defaults', () => {
    expect(body({ 'customer-number': '42', 'return-address': 'abc' })).toMatchObject({ customerNumber: '42', returnAddress: 'abc' });
    expect(query({})).toMatchObject({ pageNumber: 1, sortOrder: 'desc' });
  });

  it.each([
    ['an example query', ExampleQuery],
    ['the list query', ListEventsQuery],
    ['the shape query', ShapeQuery],
  ])('answers an empty query string of %s with a fresh instance of its defaults every time', (_, metatype) => {
    const fresh = new WireValidationPipe();
    const validated = fresh.transform({}, { type: 'query', metatype });
    const known = fresh.transform(undefined, { type: 'query', metatype });
    expect(known).toBeInstanceOf(metatype);
    expect(known).toEqual(validated);
    expect(known).not.toBe(validated);
  });

  it('reads query integers and the page alias, and lower-cases enums', () => {
    expect(query({ page: '3', 'sort-order': 'ASC' })).toMatchObject({ pageNumber: 3, sortOrder: 'asc' });
  });

  it('reports every offending member by wire name with its literal', () => {
    expect(errorsOf(() => body({ 'return-address': 'too long', amount: '1,5', 'booking-date': '2024-02-30' }))).toEqual([
      { tag: 'customer-number', error: 'required', message: "'customer-number' is required" },
      expect.objectContaining({ tag: 'return-address', error: 'max-length' }),
      expect.objectContaining({ tag: 'amount', error: 'invalid-format' }),
      expect.objectContaining({ tag: 'booking-date', error: 'invalid-format' }),
    ]);
  });

  it('rejects unknown members, camelCase spellings included, instead of dropping them', () => {
    expect(errorsOf(() => body({ 'customer-number': '1', customerNumber: '1', extra: true }))).toEqual([
      expect.objectContaining({ tag: 'customerNumber', error: 'not-allowed' }),
      expect.objectContaining({ tag: 'extra', error: 'not-allowed' }),
    ]);
  });

  it('rejects repeated query parameters, both spellings of one parameter, and non-object bodies', () => {
    expect(errorsOf(() => query({ 'page-number': ['1', '2'] }))).toEqual([expect.objectContaining({ tag: 'page-number', error: 'invalid-format' })]);
    expect(errorsOf(() => query({ 'page-number': '1', page: '2' }))).toEqual([expect.objectContaining({ tag: 'page', error: 'not-allowed' })]);
    expect(errorsOf(() => body([1, 2]))).toEqual([expect.objectContaining({ tag: 'body' })]);
    expect(errorsOf(() => body('text'))).toEqual([expect.objectContaining({ tag: 'body' })]);
  });

  it('rejects NUL characters, which neither PostgreSQL text nor XML can hold', () => {
    expect(errorsOf(() => body({ 'customer-number': 'a\u0000b' }))).toEqual([expect.objectContaining({ tag: 'customer-number', error: 'invalid-format' })]);
  });

  it('leaves parameters of classes without wire members alone', () => {
    expect(pipe.transform('42', { type: 'param', metatype: String })).toBe('42');
    expect(pipe.transform({ a: 1 }, { type: 'body', metatype: Object })).toEqual({ a: 1 });
  });
});
