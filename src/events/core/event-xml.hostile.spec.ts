/**
 * The hostile XML corpus (test/fixtures/hostile-xml) against the flattener
 * itself: every hostile payload is refused with a 400 problem naming
 * event-data-xml, or (the well-formed `inert-` files) accepted without
 * resolving or expanding anything. No timing is asserted: a quadratic or
 * exponential path shows as a jest timeout.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationProblem } from '../../common/errors/problem.exception';
import { EventXmlFlattener, maxDepth } from './event-xml';

const CORPUS = join(__dirname, '../../../test/fixtures/hostile-xml');
const files = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.xml'))
  .sort();
const read = (name: string) => readFileSync(join(CORPUS, name), 'utf8');

/** The settings the service starts with (XML_MAX_BYTES, XML_MAX_DEPTH defaults). */
const flattener = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 });
/** The largest XML_MAX_BYTES the configuration allows: the scans must stay linear there too. */
const roomy = new EventXmlFlattener({ xmlMaxBytes: 10 * 1024 * 1024, xmlMaxDepth: 32 });

/** The first error of the ValidationProblem thrown, or undefined when the payload is accepted; anything else thrown fails. */
function verdict(xml: string, subject = flattener) {
  try {
    subject.assertValid(xml);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationProblem)) throw error;
    expect(error.status).toBe(400);
    expect(error.errors).toHaveLength(1);
    return error.errors![0];
  }
}

/** No file contents, no entity expansion: every key and value appears literally in the payload. */
function expectInert(xml: string): void {
  const entries = flattener.flatten(xml);
  const text = JSON.stringify(entries);
  expect(text).not.toMatch(/root:x?:0:0|daemon:|lollol/);
  for (const entry of entries) {
    expect(xml).toContain(entry.key.replace(/^@/, ''));
    expect(entry.value.length).toBeLessThanOrEqual(xml.length);
  }
}

describe('EventXmlFlattener against the hostile XML corpus', () => {
  const refused = files.filter((name) => !name.startsWith('inert-'));
  const inert = files.filter((name) => name.startsWith('inert-'));

  it('has the corpus', () => {
    expect(refused).toEqual(
      expect.arrayContaining([
        'billion-laughs.xml',
        'quadratic-blowup.xml',
        'external-entity-file.xml',
        'external-entity-http.xml',
        'external-dtd.xml',
        'parameter-entities.xml',
        'deep-nesting.xml',
        'unclosed-tags.xml',
        'mismatched-tags.xml',
        'utf16-declaration.xml',
      ]),
    );
    expect(inert).toContain('inert-xinclude.xml');
  });

  it.each(refused)('refuses %s', (name) => {
    expect(verdict(read(name))).toEqual({
      tag: 'event-data-xml',
      error: expect.stringMatching(/^(invalid-format|max-length)$/),
      message: expect.stringMatching(/^'event-data-xml' /),
    });
  });

  it.each(inert)('accepts the well-formed %s, and flattening it resolves nothing', (name) => {
    const xml = read(name);
    expect(verdict(xml)).toBeUndefined();
    expectInert(xml);
  });


  it('never resolves XInclude: the href stays a literal attribute value', () => {
    expect(flattener.flatten(read('inert-xinclude.xml'))).toContainEqual({ parentKey: 'xi:include', key: '@href', value: 'file:///etc/passwd' });
  });

  it('refuses a 10 MB document by size, before anything else', () => {
    expect(verdict(`<a>${'<b>lol</b>'.repeat(1024 * 1024)}</a>`)).toMatchObject({ error: 'max-length' });
  });

  it('measures 10,000-deep nesting exactly, and refuses it by depth even where the size would pass', () => {
    const deep = read('deep-nesting.xml');
    expect(maxDepth(deep)).toBe(10_000);
    expect(verdict(deep, roomy)).toMatchObject({ error: 'invalid-format', message: expect.stringContaining('deeper than 32') });
    const deeper = '<a>'.repeat(1_000_000) + '</a>'.repeat(1_000_000);
    expect(maxDepth(deeper)).toBe(1_000_000);
  });

  describe('stays linear on megabytes of unclosed constructs (each once took a lazy regex quadratic time)', () => {
    const megabytes = (unit: string, prefix = '') => prefix + unit.repeat(Math.floor((2 * 1024 * 1024) / unit.length));
    it.each([
      ['unclosed comments', megabytes('<!--', '<a>')],
      ['unclosed tags', megabytes('<a')],
      ['unclosed CDATA sections', megabytes('<![CDATA[', '<a>')],
      ['unclosed processing instructions', megabytes('<?', '<a>')],
      ['unclosed closing tags', megabytes('</', '<a>')],
      ['stray less-than signs', megabytes('< ', '<a>')],
      ['declarations', megabytes('<!x', '<a>')],
      ['unterminated references', megabytes('&a', '<a>')],
      ['unterminated attributes', megabytes(' b="', '<a')],
    ])('%s', (_name, xml) => {
      expect(verdict(xml, roomy)).toMatchObject({ tag: 'event-data-xml', error: 'invalid-format' });
    });

    it('and on a wide, well-formed document of megabytes', () => {
      const wide = `<a>${'<b c="1">x</b><!-- c --><![CDATA[d]]>'.repeat(50_000)}</a>`;
      expect(verdict(wide, roomy)).toBeUndefined();
      expect(roomy.flatten(wide)).toHaveLength(150_000); // @c, b and the CDATA text per repetition
    });
  });

  it('refuses characters XML does not allow, literally or by reference, and keeps those it does', () => {
    for (const bad of ['\u0001', '\u0008', '\u000B', '\u000C', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00', '&#0;', '&#1;', '&#x1F;', '&#xD800;', '&#xFFFE;', '&#x110000;']) {
      expect({ bad, verdict: verdict(`<a>${bad}</a>`) }).toEqual({ bad, verdict: expect.objectContaining({ error: 'invalid-format' }) });
    }
    for (const good of ['\t', '\n', '\r', ' ', '\u00A0', '\uD83C\uDFE6', '\uFEFF', '&#9;', '&#x10FFFF;', '&#xE000;']) {
      expect({ good, verdict: verdict(`<a>${good}</a>`) }).toEqual({ good, verdict: undefined });
    }
  });

  it('property: any mix of XML tokens is either refused with a 400 problem or flattened without throwing', () => {
    const token = fc.oneof(
      fc.constantFrom('<a>', '</a>', '<b>', '</b>', '<c/>', '<a x="1">', "<b y='&amp;'>", '<!-- c -->', '<![CDATA[ <x> ]]>', '<?pi x?>', '<?xml version="1.0"?>'),
      fc.constantFrom('<', '>', '&', ';', '"', "'", '/', '=', '<!', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '&lt;', '&#65;', '&#x0;', '&xxe;', '<!DOCTYPE a>', '<!ENTITY x "y">'),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const xml = tokens.join('');
        if (verdict(xml) === undefined) expect(Array.isArray(flattener.flatten(xml))).toBe(true);
      }),
      { seed: 20141010, numRuns: 2000 },
    );
  });
});
