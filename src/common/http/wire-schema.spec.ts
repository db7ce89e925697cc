import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, IsString, validateSync, ValidateNested } from 'class-validator';
import { CreateGenericEventDto } from '../../events/core/dto/create-event.dto';
import { ListEventsQuery, ShapeQuery } from '../../events/core/dto/list-events.query';
import { EVENT_KINDS } from '../../events/event-kinds';
import { Member } from './wire-member.decorator';
import { TRANSFORM_OPTIONS, WireSchema } from './wire-schema';

/** Raw values a client may send for a member: valid and invalid for each format the DTOs use. */
const TEXT_VALUES = [
  '', ' ', 'abc', 'ABC', 'x'.repeat(33), 'x'.repeat(1001), '1400269', 'WI-1', 'a b', '<a>b</a>', 'é', 'tab\there',
  '\u0000', '\u0007', '\ud800', '\ud83d\ude00',
  '0', '1', '-1', '+5', ' 5', '1.5', '20', '100', '101', '10000000', '10000001', '99999999999999999',
  'asc', 'DESC', ' asc ', 'desc ', 'creation-datetime', 'Event-Kind', 'sideways',
  'communication', 'communication,arrangement', 'a,,b', '*', 'event-data-xml,event-data-key-values', 'eyJhIjoxfQ',
  '2014-10-10', '2024-02-29', '2023-02-29', '2014-13-01',
  '2014-10-10T12:34:36.690Z', '2014-10-10T12:34:36+02:00', '2014-10-10T12:34:36 02:00', '2014-10-10T25:00:00Z', '2014-10-10 12:34:36Z',
  'EUR', 'eur', 'EURO', '125.40', '-0.5', '1.23456', '1e3',
  'http://bank.example/x', 'https://bank.example', 'ftp://x', 'SecurtyEvent', 'securtyEvent', 'LoginEvent',
];
const JSON_ONLY_VALUES = [5, 0, -1, 1.5, 1e300, true, false, null, {}, []];

/** A small deterministic generator, so a failure names a reproducible input. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** The canonical values of the DTO's enum members, and each in upper case with spaces around (accepted, folded). */
function enumValuesOf(type: Type<object>): string[] {
  const canonical = getMetadataStorage()
    .getTargetValidationMetadatas(type, '', false, false)
    .filter((metadata) => metadata.name === 'isIn')
    .flatMap((metadata) => metadata.constraints[0] as string[]);
  return [...canonical, ...canonical.map((value) => ` ${value.toUpperCase()} `)];
}

function reference(type: Type<object>, input: Record<string, unknown>) {
  const instance = plainToInstance(type, input, TRANSFORM_OPTIONS);
  return { instance, valid: validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true }).length === 0 };
}

/** A body (or query) the libraries accept: each member takes the first value that leaves it without an error. */
function acceptedBase(type: Type<object>, schema: WireSchema, values: unknown[]): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const [wire, property] of schema.byWire) {
    const fine = (input: Record<string, unknown>) =>
      !validateSync(plainToInstance(type, input, TRANSFORM_OPTIONS), { forbidUnknownValues: false }).some((error) => error.property === property);
    if (fine(base)) continue;
    const value = values.find((candidate) => fine({ ...base, [wire]: candidate }));
    if (value === undefined) throw new Error(`no value in the corpus is valid for ${type.name}.${wire}`);
    base[wire] = value;
  }
  expect(reference(type, base).valid).toBe(true);
  return base;
}

const REQUEST_DTOS: [string, Type<object>, 'body' | 'query'][] = [
  ['ListEventsQuery', ListEventsQuery, 'query'],
  ['ShapeQuery', ShapeQuery, 'query'],
  ['CreateGenericEventDto', CreateGenericEventDto, 'body'],
  ...EVENT_KINDS.map((kind): [string, Type<object>, 'body'] => [kind.createDto.name, kind.createDto, 'body']),
];

describe('WireSchema', () => {
  describe.each(REQUEST_DTOS)('%s', (_, type, place) => {
    const schema = new WireSchema(type);
    const values = [...TEXT_VALUES, ...enumValuesOf(type), ...(place === 'query' ? [] : JSON_ONLY_VALUES)];

    it('is compiled', () => {
      expect(schema.compiled).toBe(true);
    });

    it('accepts exactly what class-transformer and class-validator accept, with the same instance', () => {
      const base = acceptedBase(type, schema, values);
      const inputs: Record<string, unknown>[] = [{}, base];
      for (const wire of schema.byWire.keys()) {
        const { [wire]: _, ...without } = base;
        inputs.push(without);
        for (const value of values) inputs.push({ ...base, [wire]: value }, { [wire]: value });
      }
      const next = random(inputs.length);
      const wires = [...schema.byWire.keys()];
      for (let round = 0; round < 500; round++) {
        const input: Record<string, unknown> = {};
        for (const wire of wires) if (next() < 0.5) input[wire] = next() < 0.5 ? base[wire] : values[Math.floor(next() * values.length)];
        inputs.push(input);
      }

      let accepted = 0;
      for (const input of inputs) {
        const expected = reference(type, input);
        const actual = schema.accept(input);
        if (expected.valid) {
          accepted += 1;
          expect({ input, actual }).toEqual({ input, actual: expected.instance });
          expect(actual).toBeInstanceOf(type);
        } else {
          expect({ input, actual }).toEqual({ input, actual: undefined });
        }
      }
      // Both outcomes are exercised, so neither half of the comparison passes vacuously.
      expect(accepted).toBeGreaterThan(wires.length);
      expect(inputs.length - accepted).toBeGreaterThan(wires.length);
    });
  });

  it('keeps defaults of absent members and converts what the transforms convert', () => {
    const query = new WireSchema(ListEventsQuery).accept({ 'page-size': '50', 'sort-order': ' ASC ' });
    expect(query).toEqual(Object.assign(new ListEventsQuery(), { pageSize: 50, sortOrder: 'asc', pageNumber: 1, sortBy: 'creation-datetime' }));
  });

  it('is not compiled for a DTO with rules it does not reproduce, and then accepts nothing', () => {
    class Inner {
      @IsString()
      name!: string;
    }
    class Nested {
      @Member('label')
      label?: string;

      @ValidateNested()
      inner?: Inner;
    }
    const schema = new WireSchema(Nested);
    expect(schema.compiled).toBe(false);
    expect(schema.accept({ label: 'fine' })).toBeUndefined();
    expect(schema.byWire).toEqual(new Map([['label', 'label']]));
  });
});
