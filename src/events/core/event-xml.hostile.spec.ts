import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventXmlFlattener } from './event-xml';

const DIR = join(__dirname, '../../../test/fixtures/hostile-xml');
it('probe', () => {
  const f = new EventXmlFlattener({ xmlMaxBytes: 256 * 1024, xmlMaxDepth: 32 });
  const out: string[] = [];
  for (const name of readdirSync(DIR).sort()) {
    const xml = readFileSync(join(DIR, name), 'utf8');
    try { f.assertValid(xml); out.push(`${name}: ACCEPTED ${JSON.stringify(f.flatten(xml)).slice(0, 200)}`); } catch (e: any) { out.push(`${name}: ${e.constructor.name} ${JSON.stringify(e.errors?.[0]?.message ?? e.message).slice(0, 150)}`); }
  }
  console.log(out.join('\n'));
});
