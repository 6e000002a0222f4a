import test from 'ava';
import { MAX_SJSON_DEPTH, parseSjson, SjsonError, type SjsonValue } from '../src/core/config/sjson.js';

/** The parsed value as plain data, for comparisons. */
function plain(value: SjsonValue): unknown {
  switch (value.kind) {
    case 'object':
      return Object.fromEntries(value.entries.map((e) => [e.key, plain(e.value)]));
    case 'array':
      return value.items.map(plain);
    case 'null':
      return null;
    default:
      return value.value;
  }
}

const parse = (text: string): unknown => plain(parseSjson(text, 'test.sjson'));

test('Stingray SJSON: = or :, optional commas, comments, quoted keys, nested tables and arrays', (t) => {
  t.deepEqual(
    parse(`// a line comment
     size = 32768
     name: "global" /* a block
     comment */
     "quoted key" = -1.5e2,
     flags = [true false, null]
     nested = { a = [1 2 3] b = { c = "x\\"y\\n\\u0041" } }
     raw = """no \\escapes "here" """`),
    {
      size: 32768,
      name: 'global',
      'quoted key': -150,
      flags: [true, false, null],
      nested: { a: [1, 2, 3], b: { c: 'x"y\nA' } },
      raw: 'no \\escapes "here" ',
    },
  );
});

test('the same document written in JSON style, SJSON style and mixed parses the same', (t) => {
  const expected = { types: { count: { type: 'int', min: 0, max: 10 } }, args: ['count', 'count'] };
  t.deepEqual(parse('{ "types": { "count": { "type": "int", "min": 0, "max": 10 } }, "args": ["count", "count"] }'), expected);
  t.deepEqual(parse('types = {\n\tcount = { type = "int" min = 0 max = 10 }\n}\nargs = [ "count" "count" ]\n'), expected);
  t.deepEqual(parse('types: { count = { type: "int", min = 0 max: 10, } }, args = ["count","count",]'), expected);
  t.deepEqual(parse('types={count={type="int"min=0 max=10}}args=["count""count"]'), expected);
  t.deepEqual(parse('types = {\r\n  count = { type = "int" min = 0 max = 10 } // CRLF\r\n}\r\nargs = [\r\n "count"\r\n "count"\r\n]\r\n'), expected);
});

test('numbers, words and keys', (t) => {
  t.deepEqual(parse('a = 1.25 b = -0.5 c = .5 d = 1e3 e = -2E-2 f = +7 g = 0'), { a: 1.25, b: -0.5, c: 0.5, d: 1000, e: -0.02, f: 7, g: 0 });
  t.deepEqual(parse('snake_case = 1 with-dash = 2 with.dot = 3 "with space" = 4 "" = 5'), { snake_case: 1, 'with-dash': 2, 'with.dot': 3, 'with space': 4, '': 5 });
  t.deepEqual(parse(''), {});
  t.deepEqual(parse('// nothing but a comment'), {});
  t.deepEqual(parse('empty = {} none = [] nested = [[1 [2]] {} [{a = []}]]'), { empty: {}, none: [], nested: [[1, [2]], {}, [{ a: [] }]] });
});

test('string escapes', (t) => {
  t.deepEqual(parse(String.raw`s = "\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`), { s: '" \\ / \b \f \n \r \t é 😀' });
  t.deepEqual(parse('s = "unicode é and // not a comment /* nor this */"'), { s: 'unicode é and // not a comment /* nor this */' });
  t.deepEqual(parse('s = """two\nlines"""'), { s: 'two\nlines' });
  t.deepEqual(parse('a = "" b = """""" c = "x\\"" d = "\\"y" "" = 1'), { a: '', b: '', c: 'x"', d: '"y', '': 1 });
});

test('entries and values keep their line and column, past multi-line comments and raw strings', (t) => {
  const doc = parseSjson('a = 1\n/* one\ntwo */\nb = {\n  c = [\n    2\n  ]\n}\nd = """x\ny"""  e = true\n', 'f');
  const [a, b, d, e] = doc.entries;
  t.like(a!, { key: 'a', line: 1, column: 1 });
  t.like(b!, { key: 'b', line: 4, column: 1 });
  t.like(b!.value, { line: 4, column: 5 });
  const c = b!.value.kind === 'object' ? b!.value.entries[0]! : undefined;
  t.like(c!, { key: 'c', line: 5, column: 3 });
  t.like(c!.value.kind === 'array' ? c!.value.items[0]! : {}, { line: 6, column: 5 });
  t.like(d!, { key: 'd', line: 9 });
  t.like(e!, { key: 'e', line: 10, column: 7 });
});

test('a document may be wrapped in braces', (t) => {
  t.deepEqual(parse('{ a = 1, b = "two" }'), { a: 1, b: 'two' });
  t.deepEqual(parse('\n// leading comment\n{\n a = 1\n}\n// trailing comment\n'), { a: 1 });
});

test('a key given twice stays twice in the tree (the config builder refuses it with both lines)', (t) => {
  const doc = parseSjson('a = 1\na = 2', 'f');
  t.deepEqual(
    doc.entries.map((e) => [e.key, e.line]),
    [
      ['a', 1],
      ['a', 2],
    ],
  );
});

for (const [name, text, where] of [
  ['a missing value separator', 'a 1', /^bad\.sjson:1:3: expected '=' or ':' after key 'a', found '1'$/],
  ['a key at the end', 'a = 1\nb', /^bad\.sjson:2:2: expected '=' or ':' after key 'b', found end of file$/],
  ['a missing value', 'a =', /^bad\.sjson:1:4: expected a value, found end of file$/],
  ['a value that is not one', 'a = }', /^bad\.sjson:1:5: expected a value, found '\}'$/],
  ['a missing key', 'a = 1\n= 2', /^bad\.sjson:2:1: expected a key, found '='$/],
  ['a doubled comma', 'a = [1,,2]', /^bad\.sjson:1:8: expected a value, found ','$/],
  ['an unterminated string', 'a = "abc\nb = 2', /^bad\.sjson:1:5: unterminated string \(line break inside quotes\)$/],
  ['a string cut by the end of file', 'a = 1\nb = "abc', /^bad\.sjson:2:5: unterminated string$/],
  ['an unterminated raw string', 'a = """abc\n\n', /^bad\.sjson:1:5: unterminated """ string$/],
  ['an unquoted word', 'kind = int', /^bad\.sjson:1:8: unquoted value 'int' \(strings must be in double quotes: "int"\)$/],
  ['a missing closing brace', 'a = {\n  b = 1\n', /^bad\.sjson:3:1: unexpected end of file: missing '}'$/],
  ['a missing closing bracket', 'a = [1 2', /^bad\.sjson:1:5: unexpected end of file: missing '\]'$/],
  ['a stray closing brace', 'a = 1 }', /^bad\.sjson:1:7: expected a key, found '}'$/],
  ['an unterminated comment', 'a = 1 /* never closed', /^bad\.sjson:1:7: unterminated \/\* comment$/],
  ['a malformed number', 'a = 12abc', /^bad\.sjson:1:5: malformed number '12abc'$/],
  ['a number with two points', 'x = 0\na = 1.2.3', /^bad\.sjson:2:5: malformed number '1\.2\.3'$/],
  ['a hex number', 'a = 0x10', /^bad\.sjson:1:5: malformed number '0x10'$/],
  ['a bad escape', 'a = "\\q"', /^bad\.sjson:1:6: unknown escape '\\q' in string$/],
  ['a short \\u escape', 'a = "\\u12"', /^bad\.sjson:1:6: bad \\u escape '\\u12"'$/],
  ['text after the document', '{ a = 1 } }', /^bad\.sjson:1:11: unexpected '}' after the end of the document$/],
  ['an error after a multi-line comment', '/*\n\n*/ a = 1\n\tb = [1 2 x]', /^bad\.sjson:4:11: unquoted value 'x'/],
] as const) {
  test(`syntax errors name file, line and column: ${name}`, (t) => {
    const error = t.throws(() => parseSjson(text, 'bad.sjson'), { instanceOf: SjsonError });
    t.regex(error!.message, where);
    t.like(error!, { file: 'bad.sjson' });
  });
}

test('nesting deeper than MAX_SJSON_DEPTH is refused at the file, line and column where it goes too deep; at the limit it parses', (t) => {
  const nested = (levels: number): string => `a = ${'['.repeat(levels)}${']'.repeat(levels)}`;
  t.notThrows(() => parseSjson(nested(MAX_SJSON_DEPTH - 1), 'ok.sjson'));
  const error = t.throws(() => parseSjson(`x = 1\n${nested(10_000)}`, 'deep.sjson'), { instanceOf: SjsonError });
  t.is(error?.message, `deep.sjson:2:${5 + MAX_SJSON_DEPTH}: nested deeper than ${MAX_SJSON_DEPTH} levels of objects and arrays`);
  t.throws(() => parseSjson(`b = ${'{c = '.repeat(10_000)}1${'}'.repeat(10_000)}`, 'deep.sjson'), { message: /^deep\.sjson:1:\d+: nested deeper than/ });
});
