import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { FlatminError } from '../errors.js';
import { setOwn } from './plain.js';

/**
 * Config file text → unknown JSON value. Config files are JSONC — JSON with `//` and `/* *\/`
 * comments and trailing commas, as the README's examples and editors' JSON-with-comments mode
 * write them — parsed by Microsoft's jsonc-parser (the parser behind VS Code's settings files).
 * A syntax error is a BAD_JSON FlatminError whose path is the file name and whose message gives
 * the line and column of the first problem:
 *   `invalid JSON at line 3, column 5: expected a comma`
 * A leading byte-order mark is ignored, as editors hide it.
 */
export function parseConfigText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new FlatminError('BAD_JSON', file, 'file is empty');
  // Plain JSON first: the engine's parser makes the same value without jsonc-parser's token
  // strings, which for a config carrying large factors (MBs of numbers) were most of the CLI's
  // garbage before step 1. Comments, trailing commas and every error go on to jsonc-parser.
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // not plain JSON: JSONC, or an error jsonc-parser locates
  }
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length === 0 && tree) return valueOf(tree);
  const { error, offset } = errors[0];
  const { line, column } = lineColumn(body, offset);
  throw new FlatminError('BAD_JSON', file, `invalid JSON at line ${line}, column ${column}: ${REASONS[printParseErrorCode(error)] ?? printParseErrorCode(error)}`, {
    position: offset,
    line,
    column,
  });
}

/**
 * A parse tree's value with JSON.parse's semantics: every key an own property (jsonc-parser's own
 * parse assigns keys, so `"__proto__": {…}` would become the object's prototype: plain.ts setOwn).
 */
function valueOf(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [key, value] of node.children!.map((p) => p.children!)) setOwn(o, key.value as string, valueOf(value));
      return o;
    }
    case 'array':
      return node.children!.map(valueOf);
    default:
      return node.value;
  }
}

declare module '../errors.js' {
  interface FlatminErrorDetailsByCode {
    /** Where a config text stops being JSON (0-based character offset, 1-based line and column); absent for an empty file or a sweep's own records. */
    BAD_JSON: { position?: number; line?: number; column?: number };
  }
}

/** jsonc-parser's error codes in words. */
const REASONS: Record<string, string> = {
  InvalidSymbol: 'unexpected character (not a JSON value: NaN, Infinity and unquoted words are not JSON)',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between entries",
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the array",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** 1-based line and column (in UTF-16 units) of offset `pos`. */
function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}
