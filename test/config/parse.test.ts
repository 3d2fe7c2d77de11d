import { describe, it, expect } from 'vitest';
import { parseConfigText } from '../../src/config/parse.js';
import { FlatminError } from '../../src/errors.js';

function badJson(text: string): FlatminError {
  try {
    parseConfigText(text, 'run.json');
  } catch (e) {
    expect(e).toBeInstanceOf(FlatminError);
    return e as FlatminError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseConfigText', () => {
  it('parses valid JSON', () => {
    expect(parseConfigText('{"a": [1, 2.5, null], "b": "x"}', 'f.json')).toEqual({ a: [1, 2.5, null], b: 'x' });
  });

  it('ignores a leading byte-order mark', () => {
    expect(parseConfigText('\ufeff{"a": 1}', 'f.json')).toEqual({ a: 1 });
  });

  it('reads JSONC: line and block comments, trailing commas (the README writes configs so)', () => {
    const text = '// a run\n{\n  "a": 1, // one\n  /* two */ "b": [1, 2,],\n}\n';
    expect(parseConfigText(text, 'f.jsonc')).toEqual({ a: 1, b: [1, 2] });
  });

  // JSON.parse's semantics in both: a "__proto__" key is a key (the validator then names it as unknown),
  // never the object's prototype, through which its fields would read as the config's own.
  it.each([
    ['JSON', '{"__proto__": {"seed": 5}, "a": [{"__proto__": 1}]}'],
    ['JSONC', '{"__proto__": {"seed": 5}, "a": [{"__proto__": 1},], // a comment\n}'],
  ])('%s: a "__proto__" key is an own key, not the prototype', (_, text) => {
    const v = parseConfigText(text, 'f.json') as Record<string, unknown> & { a: object[] };
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(v.seed).toBeUndefined();
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ seed: 5 });
    expect(Object.keys(v.a[0])).toEqual(['__proto__']);
  });

  it.each(['', '   \n\t\n', '\ufeff'])('rejects an empty file %j', (text) => {
    const e = badJson(text);
    expect([e.code, e.path, e.reason]).toEqual(['BAD_JSON', 'run.json', 'file is empty']);
  });

  // [text, line, column, reason fragment]
  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' between entries"],
    ['{\n  "a" 1\n}', 2, 7, "expected ':' after the property name"],
    ['[1, 2', 1, 6, "expected ']' to close the array"],
    ['{"a": 1}}', 1, 9, 'unexpected text after the end of the JSON value'],
    ['{"a": {', 1, 8, "expected '}' to close the object"],
    ['{"a": "x', 1, 7, 'unterminated string'],
    ['{"a": tru}', 1, 7, 'unexpected character'],
    ['{\n  "lr": NaN\n}', 2, 9, 'NaN, Infinity and unquoted words are not JSON'],
    ['{"problem": {"rank": 3, "target": [[1,2],[3,4]]},\n "optimizer": x}', 2, 15, 'unexpected character'],
    ['{\n  "a": [1, 2', 2, 13, "expected ']' to close the array"],
    ['{"a":\n', 2, 1, 'expected a value'],
    ['{"a": 1 /* open', 1, 9, 'unterminated comment'],
  ])('%j → line %i, column %i', (text, line, column, reason) => {
    const e = badJson(text);
    expect(e.code).toBe('BAD_JSON');
    expect(e.path).toBe('run.json');
    expect(e.reason).toMatch(new RegExp(`^invalid JSON at line ${line}, column ${column}: `));
    expect(e.reason).toContain(reason);
    expect(e.details).toMatchObject({ line, column });
  });
});
