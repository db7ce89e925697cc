import { transformSync } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { dropInferableNames } from './inferable-names';

/** Runs a script that leaves `names` (label -> function) behind, and reads each function's name. */
const namesAfter = (code: string): Record<string, string> =>
  runInNewContext(`${code}\n;Object.fromEntries(Object.entries(names).map(([label, fn]) => [label, fn.name]))`, {}) as Record<string, string>;

/** The source as esbuild's keepNames writes it (with its own `__name` helper), as the bundler does. */
const keepNames = (source: string) => transformSync(source, { keepNames: true, minifyWhitespace: true, format: 'cjs' }).code;

const HELPER = 'var __defProp = Object.defineProperty; var __name = (target, value) => __defProp(target, "name", { value, configurable: true });';

describe('dropInferableNames', () => {
  it('drops the wrappers where the language names the function, and every name stays the same', () => {
    const source = `
      const names = {};
      const context = { switchToHttp() { return { getRequest: () => 1, 'get-response': function () { return 2; } }; } };
      const arrow = (x) => (x, 1);
      let assigned;
      assigned = async () => 0;
      function outer() { function inner() {} class Inner {} return [inner, Inner]; }
      class Outer {}
      const [inner, Inner] = outer();
      Object.assign(names, { getRequest: context.switchToHttp().getRequest, getResponse: context.switchToHttp()['get-response'], arrow, assigned, inner, Inner, Outer });
    `;
    const bundled = keepNames(source);
    const { text, dropped } = dropInferableNames(bundled);

    expect(namesAfter(text)).toEqual(namesAfter(bundled));
    expect(namesAfter(text)).toEqual({ getRequest: 'getRequest', getResponse: 'get-response', arrow: 'arrow', assigned: 'assigned', inner: 'inner', Inner: 'Inner', Outer: 'Outer' });
    expect(bundled.match(/__name\(/g)!.length).toBeGreaterThan(7);
    // Left: the inner function esbuild renamed (it collides with the outer const), and the classes' static blocks.
    expect(text.match(/__name\([^)]*\)/g)).toEqual(['__name(inner2,"inner")', '__name(this,"Inner")', '__name(this,"Outer")']);
    // Each wrapper removed counts once: all of esbuild's but the three left.
    expect(dropped).toBe(bundled.match(/__name\(/g)!.length - 3);
    expect(text).toHaveLength(bundled.length);
  });

  it('keeps every wrapper whose name the language would not give', () => {
    const kept = `${HELPER}
      const names = {};
      const key = 'computed';
      function parse7() {} __name(parse7, "parse");
      const holder = {};
      holder.member = __name(() => 1, "member");
      Object.assign(names, {
        renamed: parse7,
        otherName: { a: __name(() => 1, "b") }.a,
        namedExpression: { a: __name(function b() {}, "a") }.a,
        computedKey: { [key]: __name(() => 1, "computed") }.computed,
        member: holder.member,
        compound: (() => { let c = () => 0; c ||= __name(() => 1, "c"); return c; })(),
      });
    `;
    const { text, dropped } = dropInferableNames(kept);

    expect(dropped).toBe(0);
    expect(text).toBe(kept);
    expect(namesAfter(text)).toEqual({ renamed: 'parse', otherName: 'b', namedExpression: 'a', computedKey: 'computed', member: 'member', compound: 'c' });
  });

  it('keeps the columns of everything it leaves, so the source map stays right', () => {
    const bundled = keepNames('const o = { getRequest: () => this.getArgByIndex(0) }; const after = 1;');
    const { text } = dropInferableNames(bundled);

    expect(text.indexOf('()=>this.getArgByIndex(0)')).toBe(bundled.indexOf('()=>this.getArgByIndex(0)'));
    expect(text.indexOf('const after')).toBe(bundled.indexOf('const after'));
  });
});
