// Resident-facing search over the catalogue, in Korean and English, without a search engine.
//
// Korean is matched on syllable bigrams of the text with every non-Hangul character removed, so
// spacing never matters ("아동 수당" = "아동수당") and a query is found inside compounds
// ("출산" in "출산지원금"). A trailing particle ("아동수당을") is dropped when only the stem occurs in
// the catalogue. One wrong syllable ("아동수단") is forgiven by an approximate-substring match
// (edit distance over syllables) against names and keywords. English is matched per word, with
// prefixes ("vacc") and edit distance with transpositions ("alowance", "basci").
//
// Score: each query unit (a bigram or an English word) takes its best weighted match over the
// fields, weighted as the caller's SearchFields say (services: name > keywords > life event >
// agency > description > legal basis); the score is their mean, plus a bonus when the name field
// contains the whole query. A document is a hit when at least half of the units match somewhere,
// or a typo-tolerant field matches the query with a typo.
import { AppError } from '../../core/errors';

export const MAX_QUERY_LENGTH = 200;

/**
 * What an index searches: its documents' fields, each with a weight (a match in a heavier field
 * ranks higher), the field that holds a document's name (a query equal to it, or inside it, gets a
 * bonus), and the short, distinctive fields where a one-syllable typo in a Korean query is forgiven.
 */
export interface SearchFields<F extends string> {
  weights: Readonly<Record<F, number>>;
  name: F;
  typoTolerant: readonly F[];
}

export interface SearchDocument<F extends string = string> {
  id: string;
  fields: Record<F, string>;
}

export interface SearchHit {
  id: string;
  score: number;
}

const HANGUL_SYLLABLE = /[\uAC00-\uD7A3]/;
const NOT_HANGUL = /[^\uAC00-\uD7A3]/g;
// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// Longest first, so "에서" is tried before "서"-less forms.
const PARTICLES = ['에서', '에게', '으로', '까지', '부터', '이나', '은', '는', '이', '가', '을', '를', '에', '의', '와', '과', '로'];
const KOREAN_FILLER = new Set(['방법', '어떻게', '하는법', '받는법', '알려줘', '알려주세요', '어디서', '언제', '무엇', '뭐', '좀', '궁금해요', '싶어요']);
const ENGLISH_STOPWORDS = new Set([
  'a', 'an', 'the', 'for', 'of', 'to', 'and', 'or', 'in', 'on', 'at', 'my', 'i', 'me', 'we', 'our', 'how', 'do', 'does', 'can',
  'apply', 'get', 'want', 'with', 'is', 'are', 'what', 'when', 'where', 'who', 'about', 'need', 'please',
]);

/**
 * Refuses what no resident types: more than 200 characters or control characters. Throws a
 * VALIDATION_FAILED problem naming `field` (a JSON pointer such as /querystring/q).
 */
export function assertSearchable(query: string, field = '/querystring/q'): void {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `The search text is longer than ${MAX_QUERY_LENGTH} characters.`, [
      { field, message: `must be at most ${MAX_QUERY_LENGTH} characters` },
    ]);
  }
  if (CONTROL.test(query)) {
    throw new AppError('VALIDATION_FAILED', 'The search text contains control characters.', [{ field, message: 'must not contain control characters' }]);
  }
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Hangul syllables only: spacing, punctuation, digits and Latin letters removed. */
export function hangulCompact(text: string): string {
  return fold(text).replace(NOT_HANGUL, '');
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Latin words and numbers, lower-cased, plural -s dropped. */
export function latinWords(text: string): string[] {
  return (fold(text).replace(/'s\b/g, '').match(/[a-z0-9]+/g) ?? []).map(stem);
}

function ngrams(compact: string, size: number): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + size <= compact.length; i++) grams.add(compact.slice(i, i + size));
  return grams;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > cap) return cap + 1;
  }
  return d[a.length]![b.length]!;
}

/** The fewest edits turning `pattern` into some substring of `text` (Sellers' algorithm). */
export function substringDistance(pattern: string, text: string): number {
  let previous = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= pattern.length; i++) {
    const current = new Array<number>(text.length + 1);
    current[0] = i;
    for (let j = 1; j <= text.length; j++) {
      const cost = pattern[i - 1] === text[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return Math.min(...previous);
}

/** Edits forgiven in an English word of this length. */
function allowedEdits(length: number): number {
  if (length >= 8) return 2;
  if (length >= 4) return 1;
  return 0;
}

/** Syllable edits forgiven in a Korean query of this many syllables. */
function allowedSyllableEdits(length: number): number {
  if (length >= 7) return 2;
  if (length >= 3) return 1;
  return 0;
}

interface IndexedField {
  bigrams: Set<string>;
  syllables: Set<string>;
  compact: string;
  words: Set<string>;
}

interface IndexedDocument<F extends string> {
  id: string;
  position: number;
  fields: Record<F, IndexedField>;
  nameKey: string;
}

export interface ParsedQuery {
  /** Korean units: syllable bigrams of the compacted query (single syllables for a one-syllable query). */
  hangul: string[];
  hangulCompact: string;
  /** English units: words. */
  words: string[];
}

function indexField(text: string): IndexedField {
  const compact = hangulCompact(text);
  return { bigrams: ngrams(compact, 2), syllables: ngrams(compact, 1), compact, words: new Set(latinWords(text)) };
}

export class SearchIndex<F extends string> {
  private readonly documents: IndexedDocument<F>[];
  private readonly fieldNames: readonly F[];
  /** Every indexed Korean text, for deciding whether a trailing syllable is a particle. */
  private readonly vocabulary: string;

  constructor(
    documents: readonly SearchDocument<F>[],
    private readonly schema: SearchFields<F>,
  ) {
    const fieldNames = Object.keys(schema.weights) as F[];
    this.fieldNames = fieldNames;
    this.documents = documents.map((document, position) => {
      const fields = Object.fromEntries(fieldNames.map((field) => [field, indexField(document.fields[field])])) as Record<F, IndexedField>;
      const name = fields[schema.name];
      return { id: document.id, position, fields, nameKey: name.compact + [...name.words].join('') };
    });
    this.vocabulary = this.documents.map((d) => fieldNames.map((f) => d.fields[f].compact).join('|')).join('|');
  }

  /** The query as units to match; Korean particles and filler words dropped. */
  parse(query: string): ParsedQuery {
    const tokens = fold(query).split(/\s+/).filter(Boolean);
    const korean = tokens
      .map((token) => (/^[\uAC00-\uD7A3]+$/.test(token) ? this.withoutParticle(token) : token))
      .filter((token, _i, all) => !(KOREAN_FILLER.has(token) && all.some((other) => !KOREAN_FILLER.has(other))));
    const compact = hangulCompact(korean.join(' '));
    const hangul = compact.length === 1 ? [compact] : [...ngrams(compact, 2)];
    // A query of only stop words ("the", "how to apply") has nothing to rank by: no units, no hits.
    const words = latinWords(query).filter((word) => !ENGLISH_STOPWORDS.has(word));
    return { hangul, hangulCompact: compact, words: [...new Set(words)] };
  }

  private withoutParticle(token: string): string {
    if (token.length < 3 || this.vocabulary.includes(token)) return token;
    for (const particle of PARTICLES) {
      const stemmed = token.slice(0, -particle.length);
      if (token.endsWith(particle) && stemmed.length >= 2 && this.vocabulary.includes(stemmed)) return stemmed;
    }
    return token;
  }

  /** Ranked hits, best first (ties in catalogue order); empty for a query with nothing to match. */
  search(query: string): SearchHit[] {
    assertSearchable(query);
    const parsed = this.parse(query);
    const unitCount = parsed.hangul.length + parsed.words.length;
    if (unitCount === 0) return [];
    const hits: Array<SearchHit & { position: number }> = [];
    for (const document of this.documents) {
      const scored = this.score(document, parsed, unitCount);
      if (scored !== null) hits.push({ id: document.id, score: Math.round(scored * 1000) / 1000, position: document.position });
    }
    hits.sort((a, b) => b.score - a.score || a.position - b.position);
    return hits.map(({ id, score }) => ({ id, score }));
  }

  private score(document: IndexedDocument<F>, query: ParsedQuery, unitCount: number): number | null {
    let total = 0;
    let matched = 0;
    for (const unit of query.hangul) {
      let best = 0;
      for (const field of this.fieldNames) {
        const indexed = document.fields[field];
        const present = unit.length === 1 ? indexed.syllables.has(unit) : indexed.bigrams.has(unit);
        if (present) best = Math.max(best, this.schema.weights[field]);
      }
      total += best;
      if (best > 0) matched++;
    }
    for (const word of query.words) {
      let best = 0;
      for (const field of this.fieldNames) {
        const quality = wordQuality(word, document.fields[field].words);
        best = Math.max(best, quality * this.schema.weights[field]);
      }
      total += best;
      if (best > 0) matched++;
    }
    let score = total / unitCount;

    // A Korean query with a wrong syllable still finds the name or keyword it was meant to be.
    let typoMatch = false;
    const length = query.hangulCompact.length;
    const allowed = allowedSyllableEdits(length);
    if (allowed > 0 && length <= 20) {
      for (const field of this.schema.typoTolerant) {
        const distance = substringDistance(query.hangulCompact, document.fields[field].compact);
        if (distance <= allowed) {
          typoMatch = true;
          // Squared, so a typo in a name ranks below an exact match in the keywords.
          score = Math.max(score, this.schema.weights[field] * (1 - distance / length) ** 2 * (query.hangul.length / unitCount));
        }
      }
    }

    if (matched * 2 < unitCount && !typoMatch) return null;
    if (matched === 0 && !typoMatch) return null;
    const queryKey = query.hangulCompact + query.words.join('');
    if (queryKey.length >= 2 && document.nameKey.includes(queryKey)) score += document.nameKey === queryKey ? 5 : 2;
    return score;
  }
}

/** How well an English query word matches a field's words: exact 1, prefix 0.8, one or two typos 0.75/0.5. */
function wordQuality(word: string, words: Set<string>): number {
  if (words.has(word)) return 1;
  let best = 0;
  const cap = allowedEdits(word.length);
  for (const candidate of words) {
    if (word.length >= 3 && candidate.startsWith(word)) best = Math.max(best, 0.8);
    if (cap > 0 && /[a-z]/.test(word)) {
      const distance = editDistance(word, candidate, cap);
      if (distance <= cap) best = Math.max(best, 1 - distance * 0.25);
    }
    if (best >= 0.8) break;
  }
  return best;
}

export function containsHangul(text: string): boolean {
  return HANGUL_SYLLABLE.test(text);
}
