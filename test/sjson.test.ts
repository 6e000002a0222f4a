import test from 'ava';
import { parseSjson, SjsonError, type SjsonValue } from '../src/core/sjson.js';

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

test('Stingray SJSON: = or :, optional commas, comments, quoted keys, nested tables and arrays', (t) => {
  const doc = parseSjson(
    `// a line comment
     size = 32768
     name: "global" /* a block
     comment */
     "quoted key" = -1.5e2,
     flags = [true false, null]
     nested = { a = [1 2 3] b = { c = "x\\"y\\n\\u0041" } }
     raw = """no \\escapes here"""`,
    'test.sjson',
  );
  t.deepEqual(plain(doc), {
    size: 32768,
    name: 'global',
    'quoted key': -150,
    flags: [true, false, null],
    nested: { a: [1, 2, 3], b: { c: 'x"y\nA' } },
    raw: 'no \\escapes here',
  });
});

test('values keep the line they start on', (t) => {
  const doc = parseSjson('a = 1\n\nb = {\n  c = [\n    2\n  ]\n}\n', 'f');
  const b = doc.entries[1]!;
  t.is(doc.entries[0]!.line, 1);
  t.is(b.line, 3);
  t.is(b.value.kind === 'object' ? b.value.entries[0]!.line : 0, 4);
});

test('a document may be wrapped in braces', (t) => {
  t.deepEqual(plain(parseSjson('{ a = 1, b = "two" }', 'f')), { a: 1, b: 'two' });
});

for (const [name, text, where] of [
  ['a missing value separator', 'a 1', /^bad\.sjson:1:3: expected '=' or ':' after key 'a', found '1'$/],
  ['an unterminated string', 'a = "abc\nb = 2', /^bad\.sjson:1:5: unterminated string \(line break inside quotes\)$/],
  ['an unquoted word', 'kind = int', /^bad\.sjson:1:8: unquoted value 'int' \(strings must be in double quotes: "int"\)$/],
  ['a missing closing brace', 'a = {\n  b = 1\n', /^bad\.sjson:3:1: unexpected end of file: missing '}'$/],
  ['a missing closing bracket', 'a = [1 2', /^bad\.sjson:1:5: unexpected end of file: missing '\]'$/],
  ['an unterminated comment', 'a = 1 /* never closed', /^bad\.sjson:1:7: unterminated \/\* comment$/],
  ['a malformed number', 'a = 12abc', /^bad\.sjson:1:5: malformed number '12abc'$/],
  ['a bad escape', 'a = "\\q"', /^bad\.sjson:1:6: unknown escape '\\q' in string$/],
  ['text after the document', '{ a = 1 } }', /^bad\.sjson:1:11: unexpected '}' after the end of the document$/],
] as const) {
  test(`syntax errors name file, line and column: ${name}`, (t) => {
    const error = t.throws(() => parseSjson(text, 'bad.sjson'), { instanceOf: SjsonError });
    t.regex(error!.message, where);
  });
}
