import { FlatminError } from '../errors.js';

/**
 * Config file text → unknown JSON value, or a BAD_JSON FlatminError whose path is the file name
 * and whose message gives the line and column of the problem:
 *   `invalid JSON at line 3, column 5: Expected ',' or '}' after property value`
 *
 * The position comes from V8's message (`… in JSON at position N`); `Unexpected end of JSON input`
 * points at the end of the text. Node 20 reports some errors without a position
 * (`Unexpected token '}', "{"a": tru}" is not valid JSON`); for those a small JSON scanner finds
 * the offending character. A leading byte-order mark is ignored, as editors hide it.
 */
export function parseConfigText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new FlatminError('BAD_JSON', file, 'file is empty');
  try {
    return JSON.parse(body);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const pos = errorPosition(raw, body);
    const { line, column } = lineColumn(body, pos);
    throw new FlatminError('BAD_JSON', file, `invalid JSON at line ${line}, column ${column}: ${errorReason(raw)}`, {
      position: pos,
      line,
      column,
    });
  }
}

/** Character offset of a JSON.parse error in `text`. */
function errorPosition(message: string, text: string): number {
  const m = /\bat position (\d+)/.exec(message);
  if (m) return Math.min(Number(m[1]), text.length);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return scanJsonError(text);
}

/** V8's reason without the position / source-snippet part. */
function errorReason(message: string): string {
  // "… in JSON at position 42 (line 3 column 5)" / "… after JSON at position 8" → "… in JSON" / "… after JSON"
  let r = message.replace(/\s+at position \d+.*$/s, '').replace(/\s+in JSON$/, '');
  // "Unexpected token 'x', "…source…" is not valid JSON" → "Unexpected token 'x'"
  const tok = /^(Unexpected token '.{1,2}?'), .*is not valid JSON$/su.exec(r);
  if (tok) r = tok[1];
  return r.trim() || 'syntax error';
}

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

/**
 * Offset of the first character at which `text` stops being valid JSON (text.length when it ends
 * too early). Iterative, so deep nesting cannot overflow the stack. Only used when the engine's
 * message carries no position.
 */
export function scanJsonError(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  /** Scans a string starting at `"`; returns false at the offending character. */
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        i++;
        if (i >= n) return false;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n || !/[0-9a-fA-F]/.test(text[i + k])) {
              i += k;
              return false;
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) i++;
        else return false;
      } else i++;
    }
    return false;
  };
  const num = (): boolean => {
    if (text[i] === '-') i++;
    if (i >= n) return false;
    if (text[i] === '0') i++;
    else if (isDigit(text.charCodeAt(i))) while (i < n && isDigit(text.charCodeAt(i))) i++;
    else return false;
    if (text[i] === '.') {
      i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) return false;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) return false;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    return true;
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
    return true;
  };
  /** Scans one scalar or opens a container; false at the offending character. */
  const stack: Array<'[' | '{'> = [];
  /** True right after a container was opened (its first element or its close comes next). */
  let opened = false;
  const value = (): boolean => {
    ws();
    if (i >= n) return false;
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      opened = true;
      i++;
      return true;
    }
    if (c === '"') return str();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || isDigit(text.charCodeAt(i))) return num();
    return false;
  };
  // States: expecting a value (possibly the first of an empty container), or after a value.
  if (!value()) return i;
  for (;;) {
    const top = stack[stack.length - 1];
    const justOpened = opened;
    opened = false;
    ws();
    if (top === undefined) return i < n ? i : n; // trailing garbage (or none: no error found)
    if (justOpened) {
      if (text[i] === (top === '[' ? ']' : '}')) {
        i++;
        stack.pop();
        continue;
      }
      if (top === '{') {
        if (text[i] !== '"' || !str()) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
      }
      if (!value()) return i;
      continue;
    }
    // After a value inside a container.
    if (i >= n) return n;
    const close = top === '[' ? ']' : '}';
    if (text[i] === close) {
      i++;
      stack.pop();
      continue;
    }
    if (text[i] !== ',') return i;
    i++;
    if (top === '{') {
      ws();
      if (text[i] !== '"' || !str()) return i;
      ws();
      if (text[i] !== ':') return i;
      i++;
    }
    if (!value()) return i;
  }
}
