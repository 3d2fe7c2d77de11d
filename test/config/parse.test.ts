import { describe, it, expect } from 'vitest';
import { parseConfigText, scanJsonError } from '../../src/config/parse.js';
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

  it.each(['', '   \n\t\n', '\ufeff'])('rejects an empty file %j', (text) => {
    const e = badJson(text);
    expect([e.code, e.path, e.reason]).toEqual(['BAD_JSON', 'run.json', 'file is empty']);
  });

  // [text, line, column, reason fragment]
  it.each([
    ['{"a": 1,}', 1, 9, 'Expected double-quoted property name'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "Expected ',' or '}' after property value"],
    ['{\n  "a" 1\n}', 2, 7, "Expected ':' after property name"],
    ['[1, 2', 1, 6, "Expected ',' or ']' after array element"],
    ['{"a": 1}}', 1, 9, 'Unexpected non-whitespace character after JSON'],
    ['{"a": {', 1, 8, "Expected property name or '}'"],
    ['{"a": "x', 1, 9, 'Unterminated string'],
    // Node 20 gives no position for these: the fallback scanner finds it
    ['{"a": tru}', 1, 10, "Unexpected token '}'"],
    ['{\n  "lr": NaN\n}', 2, 9, "Unexpected token 'N'"],
    ['{"problem": {"rank": 3, "target": [[1,2],[3,4]]},\n "optimizer": x}', 2, 15, "Unexpected token 'x'"],
  ])('%j → line %i, column %i', (text, line, column, reason) => {
    const e = badJson(text);
    expect(e.code).toBe('BAD_JSON');
    expect(e.path).toBe('run.json');
    expect(e.reason).toMatch(new RegExp(`^invalid JSON at line ${line}, column ${column}: `));
    expect(e.reason).toContain(reason);
    expect(e.reason).not.toMatch(/position|is not valid JSON/);
    expect(e.details).toMatchObject({ line, column });
  });

  it.each([
    ['{\n  "a": [1, 2', 2, 13],
    ['{"a": tr', 1, 9],
    ['{"a":\n', 2, 1],
  ])('points at the end of the truncated text %j', (text, line, column) => {
    const e = badJson(text);
    expect(e.code).toBe('BAD_JSON');
    expect(e.reason).toMatch(new RegExp(`^invalid JSON at line ${line}, column ${column}: `));
    expect(e.details).toMatchObject({ position: text.length });
  });
});

describe('scanJsonError (fallback position finder)', () => {
  // Wherever V8 reports a position, the scanner must agree with it.
  it.each([
    '{"a":1,}',
    '{"a" 1}',
    '{"a":1',
    '[1,2',
    '{"a":1}}',
    '"abc',
    '{"a":"\\u00zz"}',
    '{"a":01}',
    '{"a": 1e}',
    '{"a": -}',
    '{"a": 1.}',
    '{"a": "x\ty"}',
    '{,}',
    '{"a":1 "b":2}',
    '[[[[1]]]]]',
    '  {"a": [true, false, null, {"b": "\\n"}]} x',
  ])('%j', (text) => {
    let message = '';
    try {
      JSON.parse(text);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    const m = /at position (\d+)/.exec(message);
    const want = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    if (want === undefined) throw new Error(`no position in ${JSON.stringify(message)}`);
    expect(scanJsonError(text)).toBe(want);
  });

  it.each([
    ['{"a": tru}', 9],
    ['{"a": NaN}', 6],
    ['x', 0],
    ["{'a': 1}", 1],
    ['[1,,2]', 3],
    ['[,]', 1],
  ])('%j → %i', (text, pos) => {
    expect(scanJsonError(text)).toBe(pos);
  });

  it('handles deep nesting without recursion', () => {
    const text = '['.repeat(100_000) + ']'.repeat(99_999) + '}';
    expect(scanJsonError(text)).toBe(text.length - 1);
  });
});
