import { Inject, Injectable } from '@nestjs/common';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { appConfig, type AppConfig } from '../../config';
import { ValidationProblem } from '../../common/errors/problem.exception';

export interface XmlKeyValue {
  parentKey: string | null;
  key: string;
  value: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * Key-values as stored beside the payload (`event_data_key_values`): runs of
 * consecutive entries under one parent, each `[parentKey, key, value, key,
 * value, ...]`. Document order survives, and a parent is written once per
 * run rather than once per entry (a payload's entries mostly share one).
 */
export type KeyValueRuns = (string | null)[][];

/** The entries as runs, for storage; `unpackKeyValues` gives them back in the same order. */
export function packKeyValues(entries: readonly XmlKeyValue[]): KeyValueRuns {
  const runs: KeyValueRuns = [];
  let run: (string | null)[] | undefined;
  for (const { parentKey, key, value } of entries) {
    if (!run || run[0] !== parentKey) runs.push((run = [parentKey]));
    run.push(key, value);
  }
  return runs;
}

export function unpackKeyValues(runs: KeyValueRuns): XmlKeyValue[] {
  const entries: XmlKeyValue[] = [];
  for (const run of runs) {
    for (let index = 1; index < run.length; index += 2) entries.push({ parentKey: run[0], key: run[index] as string, value: run[index + 1] as string });
  }
  return entries;
}

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';
const ATTRIBUTE_PREFIX = '@';

/**
 * Parses event payloads safely and flattens them into key-values.
 *
 * Safety: payloads are bounded in size and depth before parsing, and a
 * DOCTYPE is refused outright, so no DTD or external entity is ever resolved
 * and no entity can expand; only XML's five predefined entities and
 * character references are decoded.
 */
@Injectable()
export class EventXmlFlattener {
  private readonly parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: ATTRIBUTE_PREFIX,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    cdataPropName: CDATA,
    commentPropName: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Entities are checked in assertValid and decoded here, by XML's rules only.
    processEntities: false,
  });

  constructor(@Inject(appConfig.KEY) private readonly config: Pick<AppConfig, 'xmlMaxBytes' | 'xmlMaxDepth'>) {}

  /** Throws a 400 problem naming `event-data-xml` unless the payload is safe, well-formed XML. */
  assertValid(xml: string, tag = 'event-data-xml'): void {
    const fail = (error: 'max-length' | 'invalid-format', message: string) => {
      throw new ValidationProblem([{ tag, error, message: `'${tag}' ${message}` }]);
    };
    if (Buffer.byteLength(xml, 'utf8') > this.config.xmlMaxBytes) fail('max-length', `must be at most ${this.config.xmlMaxBytes} bytes`);
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) fail('invalid-format', 'must not contain a DOCTYPE or entity declarations');
    if (NOT_XML_CHAR.test(xml)) fail('invalid-format', 'must contain only characters XML allows (no control characters or unpaired surrogates)');
    const depth = maxDepth(xml);
    if (depth > this.config.xmlMaxDepth) fail('invalid-format', `must not nest elements deeper than ${this.config.xmlMaxDepth} levels`);
    const undefinedEntity = unknownEntity(xml);
    if (undefinedEntity) fail('invalid-format', `uses an undefined entity reference '${undefinedEntity.slice(0, 20)}'`);
    const fault = markupFault(xml);
    if (fault) fail('invalid-format', `is not well-formed XML: it ${fault}`);
    const verdict = XMLValidator.validate(xml, { allowBooleanAttributes: false });
    if (verdict !== true) fail('invalid-format', `is not well-formed XML: ${verdict.err.msg} (line ${verdict.err.line})`);
  }

  /**
   * One entry per leaf value in document order. A leaf is an element without
   * child elements, or an attribute (key `@name`); its parent key is the
   * element that directly contains it. Repeated elements give repeated entries.
   */
  flatten(xml: string | null): XmlKeyValue[] {
    if (!xml) return [];
    let document: OrderedNode[];
    try {
      document = this.parser.parse(xml) as OrderedNode[];
    } catch {
      return []; // stored payloads were validated on write; an old malformed one shows no key-values
    }
    const entries: XmlKeyValue[] = [];
    for (const node of document) visit(node, null, entries);
    return entries;
  }
}

function visit(node: OrderedNode, parentKey: string | null, entries: XmlKeyValue[]): void {
  const name = Object.keys(node).find((key) => key !== ATTRIBUTES);
  if (!name || name === TEXT || name === CDATA) return;
  for (const [attribute, value] of Object.entries(node[ATTRIBUTES] ?? {})) {
    const bare = attribute.slice(ATTRIBUTE_PREFIX.length);
    if (bare === 'xmlns' || bare.startsWith('xmlns:')) continue; // namespace declarations are not data
    entries.push({ parentKey: name, key: attribute, value: decodeEntities(String(value)) });
  }
  const children = (node[name] as OrderedNode[]) ?? [];
  const hasElements = children.some((child) => isElement(child));
  if (!hasElements) {
    entries.push({ parentKey, key: name, value: children.map(textOf).join('') });
    return;
  }
  for (const child of children) {
    if (isElement(child)) visit(child, name, entries);
    else {
      const text = textOf(child);
      if (text.trim() !== '') entries.push({ parentKey: name, key: TEXT, value: text });
    }
  }
}

function isElement(node: OrderedNode): boolean {
  return Object.keys(node).some((key) => key !== ATTRIBUTES && key !== TEXT && key !== CDATA);
}

function textOf(node: OrderedNode): string {
  if (TEXT in node) return decodeEntities(String(node[TEXT]));
  if (CDATA in node) return (node[CDATA] as OrderedNode[]).map(textOf).join('');
  return '';
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g;

/** XML's five predefined entities and character references; nothing else exists without a DTD. */
export function decodeEntities(text: string): string {
  return text.replace(REFERENCE, (_, name: string) =>
    name.startsWith('#') ? String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)) : PREDEFINED[name],
  );
}

/** The first `&...` outside CDATA and comments that is not a predefined entity or a reference to a character XML allows. */
function unknownEntity(xml: string): string | undefined {
  for (const match of withoutCdataAndComments(xml).matchAll(/&[^;&<\s]{0,32};?/g)) {
    const reference = /^&(lt|gt|amp|quot|apos|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));$/.exec(match[0]);
    if (!reference) return match[0];
    const code = reference[2] ? parseInt(reference[2], 10) : reference[3] ? parseInt(reference[3], 16) : undefined;
    if (code !== undefined && !isXmlChar(code)) return match[0];
  }
  return undefined;
}

/**
 * What fast-xml-parser's validator lets through but XML 1.0 forbids: ']]>' in
 * text, text or CDATA outside the root, '--' in a comment, '<' in an
 * attribute value, an XML declaration after the start, a second root. One
 * linear pass with indexOf; an unclosed construct is left to the validator.
 */
export function markupFault(xml: string): string | undefined {
  const start = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  let depth = 0;
  let rootClosed = false;
  let position = 0;
  for (;;) {
    const open = xml.indexOf('<', position);
    const text = xml.slice(position, open === -1 ? undefined : open);
    if (text.includes(']]>')) return "has ']]>' outside a CDATA section";
    if (depth === 0 && text.trim() !== '') return 'has text outside the root element';
    if (open === -1) return undefined;
    const [closer, from] = xml.startsWith('<!--', open) ? ['-->', open + 4] : xml.startsWith('<![CDATA[', open) ? [']]>', open + 9] : xml.startsWith('<?', open) ? ['?>', open + 2] : ['', open + 1];
    if (closer) {
      const close = xml.indexOf(closer, from);
      if (close === -1) return undefined;
      if (closer === '-->' && (xml.slice(from, close).includes('--') || xml[close - 1] === '-')) return "has '--' inside a comment";
      if (closer === ']]>' && depth === 0) return 'has a CDATA section outside the root element';
      if (closer === '?>' && /^<\?xml[\s?]/i.test(xml.slice(open, open + 6)) && open !== start) return 'has an XML declaration after the start of the document';
      position = close + closer.length;
      continue;
    }
    let end = from;
    let quote = '';
    for (; end < xml.length; end++) {
      const char = xml[end];
      if (quote) {
        if (char === quote) quote = '';
        else if (char === '<') return "has '<' inside an attribute value";
      } else if (char === '"' || char === "'") quote = char;
      else if (char === '>' || char === '<') break;
    }
    if (end >= xml.length || xml[end] === '<') return undefined;
    if (xml[open + 1] === '/') {
      if (--depth === 0) rootClosed = true;
    } else if (xml[open + 1] !== '!') {
      if (depth === 0 && rootClosed) return 'has more than one root element';
      if (xml[end - 1] === '/') rootClosed ||= depth === 0;
      else depth++;
    }
    position = end + 1;
  }
}

/** Outside XML 1.0's Char production: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; unpaired surrogates. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/*
 * The two scans below use indexOf, never a lazy regex such as /<!--[\s\S]*?-->/:
 * from every unclosed opener such a regex rescans to the end of the text, so
 * '<!--' or '<a' repeated 60,000 times took tens of seconds of blocked event
 * loop. Both stop at the first unclosed comment, CDATA section, processing
 * instruction or tag: that document is not well-formed, and the
 * well-formedness check after them refuses it.
 */

/** The text with CDATA sections and comments cut out. */
function withoutCdataAndComments(xml: string): string {
  let text = '';
  let from = 0;
  for (let open = xml.indexOf('<!', from); open !== -1; open = xml.indexOf('<!', from)) {
    const [closer, skip] = xml.startsWith('<!--', open) ? ['-->', 4] : xml.startsWith('<![CDATA[', open) ? [']]>', 9] : [undefined, 2];
    if (!closer) {
      text += xml.slice(from, open + skip);
      from = open + skip;
      continue;
    }
    text += xml.slice(from, open);
    const close = xml.indexOf(closer, open + skip);
    if (close === -1) return text;
    from = close + closer.length;
  }
  return text + xml.slice(from);
}

/** Element nesting depth by a linear scan, so a 10,000-deep document is refused before any parser recurses. */
export function maxDepth(xml: string): number {
  let depth = 0;
  let deepest = 0;
  for (let open = xml.indexOf('<'); open !== -1; ) {
    const [closer, skip] = xml.startsWith('<!--', open)
      ? ['-->', 4]
      : xml.startsWith('<![CDATA[', open)
        ? [']]>', 9]
        : xml.startsWith('<?', open)
          ? ['?>', 2]
          : ['>', 1];
    const closing = closer === '>' && xml[open + 1] === '/';
    const name = open + (closing ? 2 : 1);
    if (closer === '>' && (name >= xml.length || /[\s>/!?]/.test(xml[name]))) {
      open = xml.indexOf('<', open + 1); // a stray '<' or a declaration, not a tag
      continue;
    }
    const close = xml.indexOf(closer, closer === '>' ? name + 1 : open + skip);
    if (close === -1) break;
    if (closing) depth--;
    else if (closer === '>' && xml[close - 1] !== '/') deepest = Math.max(deepest, ++depth);
    open = xml.indexOf('<', close + closer.length);
  }
  return deepest;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Renders a registration without a payload as XML: a root named after the kind, one child per member. */
@Injectable()
export class EventXmlRenderer {
  render(root: string, members: Iterable<[string, unknown]>): string {
    let xml = `<${root}>`;
    for (const [name, value] of members) {
      if (value === null || value === undefined) continue;
      xml += `<${name}>${escapeXml(String(value))}</${name}>`;
    }
    return `${xml}</${root}>`;
  }

  /**
   * What `EventXmlFlattener.flatten` gives for `render(root, members)`, without
   * parsing it: the seed generator stores key-values for millions of events
   * (event-xml.spec.ts holds the two to the same answers).
   */
  keyValues(root: string, members: Iterable<[string, unknown]>): XmlKeyValue[] {
    const entries: XmlKeyValue[] = [];
    for (const [name, value] of members) {
      if (value !== null && value !== undefined) entries.push({ parentKey: root, key: name, value: String(value) });
    }
    // A root without children is itself the one leaf.
    return entries.length > 0 ? entries : [{ parentKey: null, key: root, value: '' }];
  }
}

const NEEDS_ESCAPING = /[&<>"']/;

export function escapeXml(text: string): string {
  // Most values have nothing to escape: skip the replace and its allocation (the seed renders millions).
  return NEEDS_ESCAPING.test(text) ? text.replace(/[&<>"']/g, (char) => ESCAPES[char]) : text;
}
