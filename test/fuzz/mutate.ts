// Seeded mutations of real networks for the fuzz harness: byte flips, token deletion and duplication,
// line splices between corpus files, huge and negative numbers, deep nesting, long names and strings,
// invalid UTF-8, NUL. Input `index` of seed `seed` is always the same text, so any failure reproduces
// from (seed, index) alone.
import { seededRandom } from '../../server/src/energy/fit/rng';

export interface CorpusFile {
  name: string;
  text: string;
}

export interface FuzzInput {
  index: number;
  source: string;
  mutations: string[];
  text: string;
}

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (random: Random, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

/** Numbers past every limit Caffe or a double has, and the edge cases around them. */
const EXTREME_NUMBERS = [
  '1e308',
  '1e309',
  '-1e309',
  '-1',
  '-2147483649',
  '2147483647',
  '2147483648',
  '4294967295',
  '4294967296',
  '99999999999',
  '9007199254740993',
  '0',
  '-0',
  '1.5',
  '0.0000001',
  'nan',
  'inf',
  '-inf',
  '0x7fffffff',
  '1e-400',
];

/** Roughly the prototxt tokens: strings, punctuation, words and numbers, whitespace runs. */
const TOKEN = /"(?:[^"\\\n]|\\.)*"|\s+|[{}:;,[\]<>]|[^\s{}:;,[\]<>"]+/g;

function tokenRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m[0].length === 0) {
      TOKEN.lastIndex++;
      continue;
    }
    if (!/^\s+$/.test(m[0])) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

const splice = (text: string, at: number, remove: number, insert: string): string => text.slice(0, at) + insert + text.slice(at + remove);

type Mutation = (text: string, random: Random, corpus: readonly CorpusFile[]) => string;

const MUTATIONS: Record<string, Mutation> = {
  byteFlip: (text, random) => {
    let out = text;
    for (let n = between(random, 1, 8); n > 0 && out.length > 0; n--) {
      const at = Math.floor(random() * out.length);
      out = splice(out, at, 1, String.fromCharCode(Math.floor(random() * 128)));
    }
    return out;
  },
  tokenDelete: (text, random) => {
    const tokens = tokenRanges(text);
    if (tokens.length === 0) return text;
    const [start] = pick(random, tokens);
    const last = tokens[Math.min(tokens.length - 1, tokens.findIndex((t) => t[0] === start) + between(random, 0, 3))];
    return splice(text, start, last[1] - start, '');
  },
  tokenDuplicate: (text, random) => {
    const tokens = tokenRanges(text);
    if (tokens.length === 0) return text;
    const [start, end] = pick(random, tokens);
    const times = random() < 0.1 ? between(random, 100, 20_000) : between(random, 1, 4);
    return splice(text, end, 0, ` ${text.slice(start, end)}`.repeat(times));
  },
  lineSplice: (text, random, corpus) => {
    const other = pick(random, corpus).text.split('\n');
    const from = Math.floor(random() * other.length);
    const lines = text.split('\n');
    lines.splice(Math.floor(random() * (lines.length + 1)), 0, ...other.slice(from, from + between(random, 1, 40)));
    return lines.join('\n');
  },
  extremeNumber: (text, random) => {
    const numbers = tokenRanges(text).filter(([s, e]) => /^[-+]?\d/.test(text.slice(s, e)));
    if (numbers.length === 0) return text;
    let out = text;
    for (let n = between(random, 1, 4); n > 0; n--) {
      const [s, e] = pick(random, numbers);
      if (e <= out.length) out = splice(out, s, e - s, pick(random, EXTREME_NUMBERS).padEnd(e - s, ' '));
    }
    return out;
  },
  deepNesting: (text, random) => {
    const depth = random() < 0.3 ? between(random, 2_000, 20_000) : between(random, 10, 300);
    const field = pick(random, ['convolution_param', 'layer', 'shape', 'x', 'input_shape']);
    const at = Math.floor(random() * (text.length + 1));
    const closed = random() < 0.7;
    return splice(text, at, 0, `${`${field} { `.repeat(depth)}${closed ? '} '.repeat(depth) : ''}`);
  },
  longName: (text, random) => {
    const length = pick(random, [1_000, 10_000, 60_000, 200_000]);
    const strings = tokenRanges(text).filter(([s]) => text[s] === '"');
    const body = pick(random, ['a', 'x_', '9', '\\"', ' ', '.-']).repeat(length).slice(0, length);
    if (strings.length > 0 && random() < 0.6) {
      const [s, e] = pick(random, strings);
      return splice(text, s, e - s, `"${body}"`);
    }
    return splice(text, Math.floor(random() * (text.length + 1)), 0, random() < 0.5 ? body.replace(/[^\w]/g, 'n') : `"${body}`);
  },
  invalidUtf8: (text, random) => {
    const at = Math.floor(random() * (text.length + 1));
    if (random() < 0.5) {
      // What a decoder makes of invalid bytes (U+FFFD), as a file read from disk would give.
      const bytes = Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xe2, 0x82]),
        Buffer.from(text.slice(at)),
      ]);
      return bytes.toString('utf8');
    }
    // Lone surrogates, which an editor buffer may hold.
    return splice(text, at, 0, pick(random, ['\ud800', '\udfff', '\ud83d', 'a\udc00b']));
  },
  nul: (text, random) => splice(text, Math.floor(random() * (text.length + 1)), 0, '\u0000'.repeat(between(random, 1, 3))),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** Inputs start from at most this much of a corpus file (5 % of them from the whole file). */
export const DEFAULT_WINDOW_CHARS = 8_000;

/** A window of a large file (its head, where the input shape is, plus a run of lines), so inputs stay quick. */
function window(text: string, random: Random, maxChars: number): string {
  if (text.length <= maxChars || random() < 0.05) return text;
  const lines = text.split('\n');
  const head = lines.slice(0, 25);
  const start = between(random, 25, Math.max(25, lines.length - 1));
  const out = [...head];
  for (let i = start, size = head.join('\n').length; i < lines.length && size < maxChars; i++) {
    out.push(lines[i]);
    size += lines[i].length + 1;
  }
  return out.join('\n');
}

/** Seed-and-index hash: each input has its own stream, independent of the others. */
function inputSeed(seed: number, index: number): number {
  let h = (seed ^ 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ index, 0xcc9e2d51) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x1b873593) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

export function fuzzInput(seed: number, index: number, corpus: readonly CorpusFile[], maxChars = DEFAULT_WINDOW_CHARS): FuzzInput {
  const random = seededRandom(inputSeed(seed, index));
  const source = pick(random, corpus);
  let text = window(source.text, random, maxChars);
  const mutations: string[] = [];
  for (let n = between(random, 1, 3); n > 0; n--) {
    const name = pick(random, MUTATION_NAMES);
    mutations.push(name);
    text = MUTATIONS[name](text, random, corpus);
  }
  return { index, source: source.name, mutations, text };
}
