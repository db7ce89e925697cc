import { EventXmlFlattener, EventXmlRenderer, markupFault, maxDepth, packKeyValues, unpackKeyValues, XmlKeyValue } from './event-xml';
import { ValidationProblem } from '../../common/errors/problem.exception';

const TUTORIAL_XML =
  '<customer-login><customer-id>1400269</customer-id><event-id>a65ebbb2-5f23-42de-b0b2-b2362a03b392</event-id><occured-on>2014-10-10T12:34:28.203063+02:00</occured-on><user-id>8001186336</user-id><login-type>authorization-code</login-type><channel>mobile</channel></customer-login>';

describe('EventXmlFlattener', () => {
  const flattener = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 });
  const entries = (xml: string) => flattener.flatten(xml).map((entry) => [entry.parentKey, entry.key, entry.value]);

  it("reproduces the tutorial's customer-login example exactly, in document order", () => {
    expect(entries(TUTORIAL_XML)).toEqual([
      ['customer-login', 'customer-id', '1400269'],
      ['customer-login', 'event-id', 'a65ebbb2-5f23-42de-b0b2-b2362a03b392'],
      ['customer-login', 'occured-on', '2014-10-10T12:34:28.203063+02:00'],
      ['customer-login', 'user-id', '8001186336'],
      ['customer-login', 'login-type', 'authorization-code'],
      ['customer-login', 'channel', 'mobile'],
    ]);
  });

  it('names the directly containing element as parent key when nested', () => {
    expect(entries('<a><b><c>1</c></b><d>2</d></a>')).toEqual([
      ['b', 'c', '1'],
      ['a', 'd', '2'],
    ]);
  });

  it('gives attributes as @name leaves of their element, before its content', () => {
    expect(entries('<tx id="7"><amount currency="EUR">12.50</amount></tx>')).toEqual([
      ['tx', '@id', '7'],
      ['amount', '@currency', 'EUR'],
      ['tx', 'amount', '12.50'],
    ]);
  });

  it('gives repeated elements repeated entries', () => {
    expect(entries('<l><i>1</i><i>2</i><i>1</i></l>')).toEqual([
      ['l', 'i', '1'],
      ['l', 'i', '2'],
      ['l', 'i', '1'],
    ]);
  });

  it('reads CDATA as text and decodes the predefined entities', () => {
    expect(entries('<a><b><![CDATA[x < y & z]]></b><c>&lt;p&gt; &amp; &#65;</c></a>')).toEqual([
      ['a', 'b', 'x < y & z'],
      ['a', 'c', '<p> & A'],
    ]);
  });

  it('keeps prefixed names as written and leaves namespace declarations out', () => {
    expect(entries('<ns:a xmlns:ns="urn:x" ns:k="v"><ns:b>1</ns:b></ns:a>')).toEqual([
      ['ns:a', '@ns:k', 'v'],
      ['ns:a', 'ns:b', '1'],
    ]);
  });

  it('gives empty elements an empty value, and a lone root element a null parent', () => {
    expect(entries('<a><b/><c></c></a>')).toEqual([
      ['a', 'b', ''],
      ['a', 'c', ''],
    ]);
    expect(entries('<a>1</a>')).toEqual([[null, 'a', '1']]);
  });

  it('keeps text beside child elements as #text entries', () => {
    expect(entries('<a>hello <b>1</b> world</a>')).toEqual([
      ['a', '#text', 'hello '],
      ['a', 'b', '1'],
      ['a', '#text', ' world'],
    ]);
  });

  describe('assertValid', () => {
    const rejection = (xml: string) => {
      try {
        flattener.assertValid(xml);
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationProblem);
        return (error as ValidationProblem).errors?.[0];
      }
    };

    it('accepts the tutorial payload', () => {
      expect(rejection(TUTORIAL_XML)).toBeUndefined();
    });

    it.each([
      ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>'],
      ['external entity', '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'],
      ['external DTD', '<!DOCTYPE foo SYSTEM "http://127.0.0.1/evil.dtd"><foo/>'],
      ['lower-case doctype', '<!doctype foo><foo/>'],
    ])('refuses a DOCTYPE (%s)', (_, xml) => {
      expect(rejection(xml)).toMatchObject({ tag: 'event-data-xml', error: 'invalid-format' });
    });

    it('refuses nesting deeper than the limit before parsing', () => {
      const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
      expect(maxDepth(deep)).toBe(10_000);
      expect(rejection(deep)).toMatchObject({ error: 'invalid-format' });
    });

    it('refuses a payload over the size limit', () => {
      expect(rejection(`<a>${'x'.repeat(300 * 1024)}</a>`)).toMatchObject({ error: 'max-length' });
    });

    it.each([['<a><b></a>'], ['not xml'], ['<a>&undefined;</a>'], ['<a>&#0;</a>'], ['<a>AT&T</a>'], ['<a></a><b></b>'], ['']])('refuses malformed XML %p', (xml) => {
      expect(rejection(xml)).toMatchObject({ tag: 'event-data-xml' });
    });
  });
});

describe('EventXmlRenderer', () => {
  it('renders one child per member under a root named after the kind, escaping values and skipping absent ones', () => {
    const xml = new EventXmlRenderer().render('communication-event', [
      ['customer-number', '1400269'],
      ['title', 'Q&A <1>'],
      ['to', null],
    ]);
    expect(xml).toBe('<communication-event><customer-number>1400269</customer-number><title>Q&amp;A &lt;1&gt;</title></communication-event>');
  });

  describe('keyValues', () => {
    const renderer = new EventXmlRenderer();
    const flattener = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 });
    const awkward = ['', ' ', '  padded  ', 'Q&A <1> "quoted" \'apostrophe\'', '&amp; already escaped', 'tab\tand\nnewline', 'ünïcödé €', '😀 astral', '0', 42, 0, true, 12.5];

    it.each([
      ['one member', [['customer-number', '1400269']]],
      ['absent members skipped', [['a', null], ['b', 'x'], ['c', undefined], ['d', '']]],
      ['no members at all', [['a', null]]],
      ['nothing', []],
      ...awkward.map((value) => [`the value ${JSON.stringify(value)}`, [['first', 'x'], ['value', value]]]),
    ] as [string, [string, unknown][]][])('gives what flattening the rendered XML gives: %s', (_, members) => {
      const xml = renderer.render('communication-event', members);
      expect(renderer.keyValues('communication-event', members)).toEqual(flattener.flatten(xml));
    });

    it('gives the same for random members (500 seeded draws)', () => {
      let state = 7;
      const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
      const alphabet = ['a', 'Z', '0', ' ', '&', '<', '>', '"', "'", '\t', '\n', 'é', '€', '😀', ';', '#'];
      for (let draw = 0; draw < 500; draw++) {
        const members: [string, unknown][] = Array.from({ length: next() % 6 }, (_, index) => [
          `m${index}`,
          next() % 5 === 0 ? null : Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join(''),
        ]);
        expect(renderer.keyValues('k', members)).toEqual(flattener.flatten(renderer.render('k', members)));
      }
    });
  });
});

describe('packKeyValues / unpackKeyValues', () => {
  const entry = (parentKey: string | null, key: string, value: string): XmlKeyValue => ({ parentKey, key, value });

  it('writes a parent once per run of entries under it, and gives the entries back in order', () => {
    const entries = [entry('a', 'x', '1'), entry('a', 'y', ''), entry('b', '@id', '2'), entry('b', 'z', '3'), entry('a', 'x', '4'), entry(null, 'root', '')];
    const runs = packKeyValues(entries);
    expect(runs).toEqual([['a', 'x', '1', 'y', ''], ['b', '@id', '2', 'z', '3'], ['a', 'x', '4'], [null, 'root', '']]);
    expect(unpackKeyValues(JSON.parse(JSON.stringify(runs)))).toEqual(entries);
  });

  it('packs no entries as no runs', () => {
    expect(packKeyValues([])).toEqual([]);
    expect(unpackKeyValues([])).toEqual([]);
  });

  it("round-trips the tutorial's payload", () => {
    const flattened = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 }).flatten(TUTORIAL_XML);
    expect(packKeyValues(flattened)).toHaveLength(1);
    expect(unpackKeyValues(packKeyValues(flattened))).toEqual(flattened);
  });
});

describe('markupFault (what the validator lets through)', () => {
  it.each([
    ['<a>x ]]> y</a>', "']]>'"],
    ['<a/>text', 'outside the root'],
    ['<![CDATA[x]]><a/>', 'CDATA section outside'],
    ['<a><!-- x -- y --></a>', "'--'"],
    ['<a id="<b>"/>', "'<' inside an attribute"],
    ['<a><?xml version="1.0"?></a>', 'XML declaration'],
    ['<a/><b/>', 'more than one root'],
  ])('finds the fault in %p', (xml, words) => {
    expect(markupFault(xml)).toContain(words);
  });

  it.each([['<?xml version="1.0"?>\n<a x="1 > 0">t<!-- ok --><b/><![CDATA[ ]] ]]></a>\n'], ['\uFEFF<?xml version="1.0"?><a/>'], ['<a>1</a>']])('passes well-formed %p', (xml) => {
    expect(markupFault(xml)).toBeUndefined();
  });
});
