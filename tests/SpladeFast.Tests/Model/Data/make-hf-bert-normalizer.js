// Writes the Hugging Face reference files of BertNormalizerTests, from Hugging Face's own Rust tokenizers through
// its Node binding (npm install tokenizers@0.23.2; node make-hf-bert-normalizer.js path/to/bert-base-uncased/tokenizer.json).
//
// hf-bert-normalizer.txt: every code point (surrogates aside) through BertNormalizer (clean_text and
// handle_chinese_chars on) in three configurations, as runs "FIRST LAST KIND" (hex): = unchanged, - removed,
// _ a space, c the character between spaces, c XXXX that code point between spaces, h the Hangul syllable's
// jamo, +D the code point plus D, +D/2 the code point plus D at FIRST, FIRST+2, ... with those between
// unchanged, > XXXX YYYY ... that text.
// hf-bert-strings.json: texts with what the three configurations and strip_accents alone make of them, and the
// ids of the whole bert-base-uncased tokenizer ([CLS] ... [SEP]).
const t = require('tokenizers');
const fs = require('fs');

const configurations = {
  uncased: { lowercase: true },
  cased: { lowercase: false, stripAccents: false },
  'lowercase-only': { lowercase: true, stripAccents: false },
  'strip-only': { lowercase: false, stripAccents: true },
};
const normalizers = Object.fromEntries(Object.entries(configurations).map(([name, options]) =>
  [name, t.bertNormalizer({ cleanText: true, handleChineseChars: true, ...options })]));
const hex = cp => cp.toString(16).toUpperCase().padStart(4, '0');
const codePoints = s => [...s].map(c => c.codePointAt(0));
// JSON in ASCII, every other character escaped, so that no tool in between can touch the edge characters.
const asciiJson = value => JSON.stringify(value).replace(/[\u007F-\uFFFF]/g, c => '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'));

function kindOf(cp, out) {
  const s = String.fromCodePoint(cp);
  const outs = codePoints(out);
  if (out === s) return '=';
  if (out === '') return '-';
  if (out === ' ') return '_';
  if (out === ' ' + s + ' ') return 'c';
  if (outs.length === 3 && outs[0] === 32 && outs[2] === 32) return 'c ' + hex(outs[1]);
  if (cp >= 0xAC00 && cp <= 0xD7A3) {
    const index = cp - 0xAC00;
    const jamo = [0x1100 + Math.floor(index / 588), 0x1161 + Math.floor((index % 588) / 28)];
    if (index % 28) jamo.push(0x11A7 + index % 28);
    if (jamo.join() === outs.join()) return 'h';
  }
  if (outs.length === 1) return '+' + (outs[0] - cp);
  return '> ' + outs.map(hex).join(' ');
}

const lines = [];
for (const name of ['uncased', 'cased', 'lowercase-only']) {
  lines.push('# ' + name);
  const runs = [];
  for (let cp = 0; cp <= 0x10FFFF; cp++) {
    if (cp === 0xD800) cp = 0xE000;
    const kind = kindOf(cp, normalizers[name].normalizeString(String.fromCodePoint(cp)));
    const last = runs[runs.length - 1];
    const next = last && (last.last === cp - 1 || (last.last === 0xD7FF && cp === 0xE000));
    if (next && kind === last.kind && kind[0] !== '>' && !kind.startsWith('c ')) last.last = cp;
    else runs.push({ first: cp, last: cp, kind });
  }
  // A single +D, an unchanged one, a single +D, ... (upper and lower case alternating) becomes +D/2.
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i];
    if (r.kind[0] !== '+' || r.first !== r.last)
      continue;
    let j = i;
    while (j + 2 < runs.length && runs[j + 1].kind === '=' && runs[j + 1].first === runs[j].last + 1 && runs[j + 1].last === runs[j + 1].first
           && runs[j + 2].kind === r.kind && runs[j + 2].first === runs[j].last + 2 && runs[j + 2].last === runs[j + 2].first)
      j += 2;
    if (j > i) {
      r.last = runs[j].last;
      r.kind += '/2';
      runs.splice(i + 1, j - i);
    }
  }
  for (const r of runs)
    lines.push(`${hex(r.first)} ${hex(r.last)} ${r.kind}`);
}
fs.writeFileSync('hf-bert-normalizer.txt', lines.join('\n') + '\n');

// Texts: hand-picked edges, then random mixtures of the characters that tables and order decide.
const texts = [
  'a\u{10A01}b', 'A\u{10A01}B \u{1D167}x\u{E0100}y', 'İstanbul İ i\u0307', 'ŞEHİR', 'Åström café naïve', 'ΣΊΣΥΦΟΣ', 'Straße STRASSE',
  'x\uFFFEy\u0301z', 'e\u0301\u0327\u0316', 'e\u0316\u0301', 'a\u034F\u0301b', '\u{105C9}\u0301', '\u{11938}\u0301', '\u{1D15F}\u{1D165}\u{1D16D}',
  'a\u200Bb a\u00ADb a\u2060b a\u{E0041}b a\u{110CD}b a\u08E2b', 'a\u0085b a\u000Bb a\u000Cb a\u001Cb', 'a\u2028b\u2029c\u3000d\u00A0e\u1680f',
  'a\tb\nc\rd', '中文字\u{2B820}\u{2B91F}\u{2B920}\u{2CEAF}\u{2CEB0}\uF900\u{2F800}', '한국어 조선글', 'Ǆemal ǅ ǆ', '\u1E9E \u2126 \u212A \u212B',
  'a\u{1E944}b', 'a\u2E43b a\u{1E95E}b', 'x\u{10D50}y \uA7CB \u1C89', 'a\uE000b a\u{F0000}b a\u{10FFFD}b', 'a\u0378b a\u{E0080}b',
  'a\uFFFDb a\u0000b', 'a\uFFFFb', '😀 a😀b 👍🏽 🇫🇷', 'Ǎ ǎ ǅ Ḝ ḝ ẞ', 'ΐ ΰ \u0390', 'Ἀθῆναι', 'Tiếng Việt có dấu', 'ÀÉÎÕÜ àéîõü',
];
const pool = [
  ...'aBzZ09 .,-', 'é', 'Ö', 'ß', 'İ', 'ı', 'Σ', 'ς', 'Ǆ', 'ǅ', '\u0301', '\u0316', '\u0327', '\u034F', '\u0345', '\u0F71', '\u0F72', '\u1AB0',
  '\u{10A01}', '\u{10A0D}', '\u{1D167}', '\u{1D165}', '\u{1D16D}', '\u{E0100}', '\u{1E944}', '\u{11F00}', '\u08D3', '\u200B', '\u00AD', '\u{E0041}',
  '\u{110CD}', '\u08E2', '\u0085', '\u000B', '\t', '\n', '\u2028', '\u3000', '\u00A0', '\u4E2D', '\u{2B820}', '\u{2B920}', '\uF900', '\u{2F800}',
  '\uAC00', '\uD7A3', '\u1100', '\u1161', '\u11A8', '\uFFFE', '\uFFFF', '\u{105C9}', '\u{11938}', '\u{16121}', '\u2E43', '\u{1E95E}', '\u{10D50}',
  '\uA7CB', '\u1C89', '\uE000', '\u0378', '\u{1F600}', '\u{1F3FD}', '\u212B', '\u2126', '\u1E9E', '\u0390', '\u1F08', '\u1FB7', 'ǰ', 'ΐ',
];
let seed = 20261130;
const random = () => { seed = (seed + 0x6D2B79F5) | 0; let x = Math.imul(seed ^ (seed >>> 15), 1 | seed); x ^= x + Math.imul(x ^ (x >>> 7), 61 | x); return ((x ^ (x >>> 14)) >>> 0) / 4294967296; };
for (let i = 0; i < 100; i++) {
  let s = '';
  const length = 1 + Math.floor(random() * 12);
  for (let k = 0; k < length; k++) s += pool[Math.floor(random() * pool.length)];
  texts.push(s);
}
const tokenizer = t.Tokenizer.fromFile(process.argv[2]);
(async () => {
  const cases = [];
  for (const text of texts) {
    const entry = { text };
    for (const [name, normalizer] of Object.entries(normalizers)) entry[name] = normalizer.normalizeString(text);
    entry.ids = (await tokenizer.encode(text)).getIds();
    cases.push(entry);
  }
  fs.writeFileSync('hf-bert-strings.json', '[\n' + cases.map(asciiJson).join(',\n') + '\n]\n');
  console.log(lines.length, cases.length);
})();
