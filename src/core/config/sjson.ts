/**
 * Stingray's SJSON ("simplified JSON"), the text format of `.network_config` and other resources:
 *
 *   - the top level is an object without braces (braces are allowed too);
 *   - keys may be bare words (`reliable_send_buffer_size`) or quoted strings;
 *   - `key = value` or `key: value`; commas between entries and array items are optional;
 *   - `//` line comments and `/* *\/` block comments;
 *   - strings are double-quoted with JSON escapes, or raw between `"""` and `"""`;
 *   - numbers, `true`, `false`, `null`, `[a b c]` arrays and nested `{}` objects.
 *
 * Every value keeps the line and column where it starts, so configuration errors can point at it.
 */

export class SjsonError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'SjsonError';
  }
}

interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SjsonEntry extends Position {
  /** The key as written (unquoted). Its line and column are those of the key. */
  readonly key: string;
  readonly value: SjsonValue;
}

export type SjsonValue =
  | (Position & { readonly kind: 'object'; readonly entries: readonly SjsonEntry[] })
  | (Position & { readonly kind: 'array'; readonly items: readonly SjsonValue[] })
  | (Position & { readonly kind: 'string'; readonly value: string })
  | (Position & { readonly kind: 'number'; readonly value: number })
  | (Position & { readonly kind: 'boolean'; readonly value: boolean })
  | (Position & { readonly kind: 'null' });

export type SjsonObject = Extract<SjsonValue, { kind: 'object' }>;

const enum Char {
  Tab = 9,
  LineFeed = 10,
  CarriageReturn = 13,
  Space = 32,
  Quote = 34,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Colon = 58,
  Equals = 61,
  Star = 42,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  OpenBrace = 123,
  CloseBrace = 125,
}

const NUMBER_PATTERN = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
/** A bare word (key, `true`, `false`, `null`); possibly empty. */
const WORD_PATTERN = /[0-9A-Za-z_.-]*/y;
/** The body of a string with no escape and no line break, up to its closing quote. */
const PLAIN_STRING_PATTERN = /[^"\\\n]*"/y;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === Char.Minus || c === Char.Dot;
}

/** Parse SJSON text; `file` names the source in error messages. Returns the top-level object. */
export function parseSjson(text: string, file: string): SjsonObject {
  return new SjsonParser(text, file).parseDocument();
}

/**
 * Objects and arrays nested deeper than this are refused (file:line:column): the parser and what
 * reads its tree recurse, and a hostile or broken file must not exhaust the stack.
 */
export const MAX_SJSON_DEPTH = 64;

/**
 * Configs are parsed once, at start-up, mostly by V8's interpreter: the scanning is done by sticky
 * regular expressions (native code) and positions are kept as numbers, not objects, so the parse
 * runs few bytecodes and allocates little more than the tree.
 */
class SjsonParser {
  private pos = 0;
  /** Objects and arrays open around the current position. */
  private depth = 0;
  private line = 1;
  private lineStart = 0;
  /**
   * The entries and items of the objects and arrays open, up to `stackTop`; each object or array
   * takes its own at its close, in an array of the exact length (arrays grown by push are mostly
   * spare capacity, and the tree of a real-size config is held through its whole build).
   */
  private readonly stack: (SjsonEntry | SjsonValue)[] = [];
  private stackTop = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  parseDocument(): SjsonObject {
    const c = this.skipSpace();
    const line = this.line;
    const column = this.column();
    let document: SjsonObject;
    if (c === Char.OpenBrace) {
      document = this.parseObject();
    } else {
      document = { kind: 'object', entries: this.parseEntries(-1), line, column };
    }
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describeHere()} after the end of the document`);
    return document;
  }

  private column(): number {
    return this.pos - this.lineStart + 1;
  }

  private fail(reason: string, line = this.line, column = this.column()): never {
    throw new SjsonError(this.file, line, column, reason);
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'end of file';
    return `'${this.text[this.pos]}'`;
  }

  /** Skip whitespace and comments, counting lines; the code of the character reached (NaN at the end). */
  private skipSpace(): number {
    const { text } = this;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === Char.Space || c === Char.Tab || c === Char.CarriageReturn) {
        pos++;
      } else if (c === Char.LineFeed) {
        pos++;
        this.line++;
        this.lineStart = pos;
      } else if (c === Char.Slash && text.charCodeAt(pos + 1) === Char.Slash) {
        const end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length : end;
      } else if (c === Char.Slash && text.charCodeAt(pos + 1) === Char.Star) {
        this.pos = pos;
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) this.fail('unterminated /* comment');
        this.advanceTo(end + 2);
        pos = this.pos;
      } else {
        this.pos = pos;
        return c;
      }
    }
  }

  /** Move to `target`, counting the line breaks passed over. */
  private advanceTo(target: number): void {
    const { text } = this;
    for (let i = this.pos; i < target; i++) {
      if (text.charCodeAt(i) === Char.LineFeed) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.pos = target;
  }

  /** The end of the (possibly empty) bare word at the current position. */
  private wordEnd(): number {
    WORD_PATTERN.lastIndex = this.pos;
    WORD_PATTERN.test(this.text);
    return WORD_PATTERN.lastIndex;
  }

  /** Entries up to `close` (a closing brace), or to the end of the text when `close` is -1. */
  private parseEntries(close: number): SjsonEntry[] {
    const first = this.stackTop;
    let c = this.skipSpace();
    for (;;) {
      if (close < 0 ? this.pos >= this.text.length : c === close) return this.popFrom(first) as SjsonEntry[];
      if (this.pos >= this.text.length) this.fail("unexpected end of file: missing '}'");
      const line = this.line;
      const column = this.pos - this.lineStart + 1;
      const key = this.parseKey(c);
      const separator = this.skipSpace();
      if (separator !== Char.Equals && separator !== Char.Colon) {
        this.fail(`expected '=' or ':' after key '${key}', found ${this.describeHere()}`);
      }
      this.pos++;
      const value = this.parseValue(this.skipSpace());
      this.stack[this.stackTop++] = { key, value, line, column };
      c = this.skipSpace();
      if (c === Char.Comma) {
        this.pos++;
        c = this.skipSpace();
      }
    }
  }

  /** The key starting at the current position, whose first character is `c`. */
  private parseKey(c: number): string {
    if (c === Char.Quote) return this.parseString();
    const start = this.pos;
    WORD_PATTERN.lastIndex = start;
    WORD_PATTERN.test(this.text);
    const end = WORD_PATTERN.lastIndex;
    if (end === start) this.fail(`expected a key, found ${this.describeHere()}`);
    this.pos = end;
    return this.text.slice(start, end);
  }

  /** The value starting at the current position, whose first character is `c`. */
  private parseValue(c: number): SjsonValue {
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    if (c === Char.OpenBrace) return this.parseObject();
    if (c === Char.OpenBracket) return this.parseArray();
    if (c === Char.Quote) return { kind: 'string', value: this.parseString(), line, column };
    const start = this.pos;
    NUMBER_PATTERN.lastIndex = start;
    if (NUMBER_PATTERN.test(this.text)) {
      this.pos = NUMBER_PATTERN.lastIndex;
      if (this.pos < this.text.length && isWordChar(this.text.charCodeAt(this.pos))) this.fail(`malformed number '${this.text.slice(start, this.wordEnd())}'`, line, column);
      return { kind: 'number', value: Number(this.text.slice(start, this.pos)), line, column };
    }
    if (this.pos >= this.text.length) this.fail('expected a value, found end of file');
    this.pos = this.wordEnd();
    const word = this.text.slice(start, this.pos);
    if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', line, column };
    if (word === 'null') return { kind: 'null', line, column };
    if (word === '') this.fail(`expected a value, found ${this.describeHere()}`);
    this.fail(`unquoted value '${word}' (strings must be in double quotes: "${word}")`, line, column);
  }

  /** The entries or items pushed since `first`, taken off the stack. */
  private popFrom(first: number): (SjsonEntry | SjsonValue)[] {
    const taken = this.stack.slice(first, this.stackTop);
    this.stackTop = first;
    return taken;
  }

  private enter(): void {
    if (++this.depth > MAX_SJSON_DEPTH) this.fail(`nested deeper than ${MAX_SJSON_DEPTH} levels of objects and arrays`);
  }

  private parseObject(): SjsonObject {
    const line = this.line;
    const column = this.column();
    this.enter();
    this.pos++; // {
    const entries = this.parseEntries(Char.CloseBrace);
    this.pos++; // }
    this.depth--;
    return { kind: 'object', entries, line, column };
  }

  private parseArray(): SjsonValue {
    const line = this.line;
    const column = this.column();
    this.enter();
    this.pos++; // [
    const first = this.stackTop;
    let c = this.skipSpace();
    for (;;) {
      if (this.pos >= this.text.length) this.fail("unexpected end of file: missing ']'", line, column);
      if (c === Char.CloseBracket) {
        this.pos++;
        this.depth--;
        return { kind: 'array', items: this.popFrom(first) as SjsonValue[], line, column };
      }
      const item = this.parseValue(c);
      this.stack[this.stackTop++] = item;
      c = this.skipSpace();
      if (c === Char.Comma) {
        this.pos++;
        c = this.skipSpace();
      }
    }
  }

  /** A double-quoted string with JSON escapes, or a raw `"""` string. */
  private parseString(): string {
    const { text } = this;
    const start = this.pos;
    PLAIN_STRING_PATTERN.lastIndex = start + 1;
    if (text.charCodeAt(start + 1) !== Char.Quote && PLAIN_STRING_PATTERN.test(text)) {
      this.pos = PLAIN_STRING_PATTERN.lastIndex;
      return text.slice(start + 1, this.pos - 1);
    }
    const line = this.line;
    const column = this.column();
    if (text.startsWith('"""', start)) {
      const end = text.indexOf('"""', start + 3);
      if (end < 0) this.fail('unterminated """ string', line, column);
      const value = text.slice(start + 3, end);
      this.advanceTo(end + 3);
      return value;
    }
    this.pos++; // opening quote
    let value = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated string', line, column);
      const c = text.charCodeAt(this.pos);
      if (c === Char.Quote) break;
      if (c === Char.LineFeed) this.fail('unterminated string (line break inside quotes)', line, column);
      if (c === Char.Backslash) {
        value += text.slice(chunkStart, this.pos);
        value += this.parseEscape();
        chunkStart = this.pos;
      } else {
        this.pos++;
      }
    }
    value += text.slice(chunkStart, this.pos);
    this.pos++; // closing quote
    return value;
  }

  private parseEscape(): string {
    const line = this.line;
    const column = this.column();
    const escape = this.text[this.pos + 1];
    this.pos += 2;
    switch (escape) {
      case '"':
      case '\\':
      case '/':
        return escape;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad \\u escape '\\u${hex}'`, line, column);
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.fail(`unknown escape '\\${escape ?? ''}' in string`, line, column);
    }
  }
}
