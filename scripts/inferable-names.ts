import { parse } from 'acorn';

/** The acorn (ESTree) nodes this pass looks at; everything else is walked through. */
interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const HELPER = '__name';

/**
 * esbuild's keepNames wraps every named function it emits in `__name(fn,
 * "name")`, also where the language names the function itself: an anonymous
 * function or arrow written as a property value (`{ getRequest: () => ... }`),
 * a variable's initializer or the right side of an assignment to a variable
 * (ECMA-262 NamedEvaluation), and function and class declarations, whose name
 * is their identifier. There the helper only costs: for a closure made on every
 * request (Nest's `switchToHttp` makes three per call) it redefines `name`,
 * which V8 keeps as a native accessor until then.
 *
 * This removes those wrappers and nothing else: a wrapper whose name differs
 * from the one the language would give (esbuild renamed `parse` to `parse7` to
 * avoid a collision) stays. The wrapped function keeps its parentheses and the
 * text keeps its length, so the linked source map stays right.
 */
export function dropInferableNames(source: string): { text: string; dropped: number } {
  const program = parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true }) as unknown as Node;
  const edits: Edit[] = [];
  let dropped = 0;
  walk(program, (node, parent) => {
    if (parent && isNameCall(node)) {
      const [fn, name] = node.arguments as [Node, Node & { value: string }];
      if (isAnonymousFunction(fn) && namedBySyntax(node, parent) === name.value) {
        edits.push(...unwrap(node, fn));
        dropped++;
      }
    }
    for (const statements of statementLists(node)) {
      const blanked = redundantDeclarationNames(statements);
      edits.push(...blanked);
      dropped += blanked.length;
    }
  });
  return { text: applyEdits(source, edits), dropped };
}

function isNameCall(node: Node): node is Node & { arguments: Node[] } {
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as Node & { name?: string };
  const args = node.arguments as (Node & { value?: unknown })[];
  return callee.type === 'Identifier' && callee.name === HELPER && args.length === 2 && args[1].type === 'Literal' && typeof args[1].value === 'string';
}

/** A function or arrow without a name of its own: the one place NamedEvaluation gives a name. */
function isAnonymousFunction(node: Node): boolean {
  return node.type === 'ArrowFunctionExpression' || (node.type === 'FunctionExpression' && node.id === null);
}

/** The name the language gives an anonymous function standing as `node` in `parent`, if any. */
function namedBySyntax(node: Node, parent: Node): string | undefined {
  const identifier = (candidate: unknown) => ((candidate as Node).type === 'Identifier' ? ((candidate as Node).name as string) : undefined);
  switch (parent.type) {
    case 'Property': {
      if (parent.value !== node || parent.computed || parent.kind !== 'init' || parent.method || parent.shorthand) return undefined;
      const key = parent.key as Node & { value?: unknown };
      return key.type === 'Identifier' ? (key.name as string) : key.type === 'Literal' && typeof key.value === 'string' ? key.value : undefined;
    }
    case 'VariableDeclarator':
      return parent.init === node ? identifier(parent.id) : undefined;
    case 'AssignmentExpression':
      return parent.right === node && parent.operator === '=' ? identifier(parent.left) : undefined;
    default:
      return undefined;
  }
}

/** `__name(` becomes `      (` and `,"name")` becomes `       )`: the function stays, parenthesized, where it was. */
function unwrap(call: Node, fn: Node): Edit[] {
  return [
    { start: call.start, end: fn.start, text: `${' '.repeat(fn.start - call.start - 1)}(` },
    { start: fn.end, end: call.end, text: `${' '.repeat(call.end - fn.end - 1)})` },
  ];
}

/** `__name(f, "f");` beside `function f() {}` or `class f {}` in the same statement list: blanked. */
function redundantDeclarationNames(statements: Node[]): Edit[] {
  const declared = new Set<string>();
  for (const statement of statements) {
    if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) declared.add((statement.id as Node).name as string);
  }
  const edits: Edit[] = [];
  for (const statement of statements) {
    const call = statement.expression as Node | undefined;
    if (statement.type !== 'ExpressionStatement' || !call || !isNameCall(call)) continue;
    const [target, name] = call.arguments as [Node, Node & { value: string }];
    if (target.type === 'Identifier' && target.name === name.value && declared.has(name.value)) {
      edits.push({ start: statement.start, end: statement.end, text: ' '.repeat(statement.end - statement.start) });
    }
  }
  return edits;
}

function statementLists(node: Node): Node[][] {
  if (node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock') return [node.body as Node[]];
  if (node.type === 'SwitchCase') return [node.consequent as Node[]];
  return [];
}

function walk(root: Node, visit: (node: Node, parent: Node | undefined) => void): void {
  const stack: [Node, Node | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    visit(node, parent);
    for (const key in node) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) stack.push([child, node]);
      } else if (isNode(value)) {
        stack.push([value, node]);
      }
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

function applyEdits(source: string, edits: Edit[]): string {
  edits.sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const edit of edits) {
    if (edit.start < at) throw new Error('dropInferableNames: overlapping edits');
    parts.push(source.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(source.slice(at));
  const text = parts.join('');
  if (text.length !== source.length) throw new Error('dropInferableNames: the text changed length');
  return text;
}
