// Reading an agency's uploaded file into a checked table, with no database involved: decoding
// (UTF-8 with or without BOM, or EUC-KR/CP949 through iconv-lite, because Node's TextDecoder
// ('euc-kr') silently drops CP949's extended syllables such as 똠 and 햏), RFC 4180 CSV parsing
// (quoted fields, doubled quotes, embedded commas and line breaks), JSON arrays of flat objects,
// header checks, column type inference and the conversion of every value to its confirmed type.
// Every problem names the line (CSV) or record (JSON) and column, so an official can fix the file;
// callers reject the whole file when any problem is found.
import iconv from 'iconv-lite';
import { defineMessages, t, type Locale } from '../../core/i18n';

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_COLUMNS = 200;
export const MAX_ROWS = 500_000;
export const MAX_HEADER_LENGTH = 63;
/** Problems reported at most; the file is rejected whole either way. */
export const MAX_REPORTED_PROBLEMS = 100;

export const ENCODINGS = ['auto', 'utf-8', 'cp949'] as const;
export type DeclaredEncoding = (typeof ENCODINGS)[number];
export type DetectedEncoding = 'utf-8' | 'utf-8-bom' | 'cp949';

export const FILE_FORMATS = ['csv', 'json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const COLUMN_TYPES = ['integer', 'number', 'boolean', 'date', 'timestamp', 'text'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** One problem in a file. `line` is the CSV line (1-based, the header is line 1) or the JSON record number. */
export interface FileProblem {
  kind:
    | 'encoding'
    | 'empty'
    | 'syntax'
    | 'unterminated-quote'
    | 'field-count'
    | 'header-empty'
    | 'header-duplicate'
    | 'header-invalid'
    | 'too-many-columns'
    | 'too-many-rows'
    | 'not-records'
    | 'unknown-key'
    | 'nested-value'
    | 'value';
  line: number | null;
  column?: string;
  value?: string;
  expected?: number | ColumnType;
  got?: number;
  detail?: string;
}

export interface ParsedRow {
  /** Where the record starts in the file (CSV line, or JSON record number). */
  line: number;
  /** Raw text per column; null for an empty field. */
  values: Array<string | null>;
}

export interface ParsedTable {
  format: FileFormat;
  encoding: DetectedEncoding;
  headers: string[];
  rows: ParsedRow[];
  /** The whole file, decoded. */
  text: string;
}

/** Thrown with every problem found; nothing from the file may be used. */
export class FileRejected extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(`The file was rejected: ${problems.length} problem(s)`);
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Decodes the bytes as declared, or detects UTF-8 (with or without BOM) and falls back to CP949. */
export function decodeFile(bytes: Buffer, declared: DeclaredEncoding = 'auto'): { text: string; encoding: DetectedEncoding } {
  const hasBom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  if (hasBom) return { text: strictUtf8(bytes.subarray(3)), encoding: 'utf-8-bom' };
  if (declared === 'utf-8') return { text: strictUtf8(bytes), encoding: 'utf-8' };
  if (declared === 'cp949') return { text: strictCp949(bytes), encoding: 'cp949' };
  try {
    return { text: strictUtf8(bytes), encoding: 'utf-8' };
  } catch {
    try {
      return { text: strictCp949(bytes), encoding: 'cp949' };
    } catch {
      throw new FileRejected([{ kind: 'encoding', line: null, detail: 'neither UTF-8 nor CP949' }]);
    }
  }
}

function strictUtf8(bytes: Buffer): string {
  try {
    return checkText(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), 'UTF-8');
  } catch (error) {
    if (error instanceof FileRejected) throw error;
    throw new FileRejected([{ kind: 'encoding', line: lineAtByte(bytes, firstInvalidUtf8(bytes)), detail: 'UTF-8' }]);
  }
}

function strictCp949(bytes: Buffer): string {
  const text = iconv.decode(bytes, 'cp949');
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) throw new FileRejected([{ kind: 'encoding', line: text.slice(0, bad).split('\n').length, detail: 'CP949' }]);
  return checkText(text, 'CP949');
}

function checkText(text: string, encoding: string): string {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw new FileRejected([{ kind: 'encoding', line: text.slice(0, nul).split('\n').length, detail: `${encoding} (NUL character)` }]);
  return text;
}

function firstInvalidUtf8(bytes: Buffer): number {
  // Binary search for the shortest prefix that fails to decode; good enough to name a line.
  const decoder = () => new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      decoder().decode(bytes.subarray(0, mid), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return Math.max(0, lo - 1);
}

function lineAtByte(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * RFC 4180: records end with CRLF (a bare LF is accepted too), fields are separated by commas, a
 * field in double quotes may hold commas, line breaks and doubled quotes. Blank lines are skipped.
 * Returns each record with the line it starts on.
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[]; quoted: boolean[] }> {
  const records: Array<{ line: number; fields: string[]; quoted: boolean[] }> = [];
  const problems: FileProblem[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let endOfRecord = false;
    let failed = false;
    while (!endOfRecord) {
      if (text[i] === '"') {
        let value = '';
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        if (!closed) {
          problems.push({ kind: 'unterminated-quote', line: startLine });
          throw new FileRejected(problems);
        }
        fields.push(value);
        quoted.push(true);
        // After a closing quote only a separator or the end of the record may follow.
        if (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          problems.push({ kind: 'syntax', line, detail: 'text after a closing quote' });
          failed = true;
          while (i < n && text[i] !== '\n') i++;
        }
      } else {
        let end = i;
        while (end < n && text[end] !== ',' && text[end] !== '\n' && !(text[end] === '\r' && text[end + 1] === '\n')) end++;
        const value = text.slice(i, end);
        if (value.includes('"')) {
          problems.push({ kind: 'syntax', line, detail: 'a quote inside an unquoted field' });
          failed = true;
        }
        fields.push(value);
        quoted.push(false);
        i = end;
      }
      if (i >= n) endOfRecord = true;
      else if (text[i] === ',') i++;
      else {
        i += text[i] === '\r' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
      if (problems.length >= MAX_REPORTED_PROBLEMS) throw new FileRejected(problems);
    }
    const blank = fields.length === 1 && fields[0] === '' && !quoted[0];
    if (!blank && !failed) records.push({ line: startLine, fields, quoted });
  }
  if (problems.length) throw new FileRejected(problems);
  return records;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Header names must be non-empty, unique (ignoring case), printable, not start with '_' (reserved, as in CKAN), and at most 63 characters. */
export function checkHeaders(headers: readonly string[], line: number): FileProblem[] {
  const problems: FileProblem[] = [];
  if (headers.length > MAX_COLUMNS) problems.push({ kind: 'too-many-columns', line, expected: MAX_COLUMNS, got: headers.length });
  const seen = new Set<string>();
  headers.forEach((name, index) => {
    if (name === '') problems.push({ kind: 'header-empty', line, got: index + 1 });
    else if (CONTROL.test(name) || name.startsWith('_') || [...name].length > MAX_HEADER_LENGTH || name.includes('"')) {
      problems.push({ kind: 'header-invalid', line, column: name });
    } else if (seen.has(name.toLowerCase())) problems.push({ kind: 'header-duplicate', line, column: name });
    seen.add(name.toLowerCase());
  });
  return problems;
}

function tableFromCsv(text: string, encoding: DetectedEncoding): ParsedTable {
  const records = parseCsv(text);
  if (records.length === 0) throw new FileRejected([{ kind: 'empty', line: null }]);
  const [header, ...body] = records;
  const headers = header!.fields.map((name) => name.trim());
  const problems = checkHeaders(headers, header!.line);
  if (body.length > MAX_ROWS) problems.push({ kind: 'too-many-rows', line: null, expected: MAX_ROWS, got: body.length });
  if (problems.length) throw new FileRejected(problems);
  const rows: ParsedRow[] = [];
  for (const record of body) {
    if (record.fields.length !== headers.length) {
      problems.push({ kind: 'field-count', line: record.line, expected: headers.length, got: record.fields.length });
      if (problems.length >= MAX_REPORTED_PROBLEMS) break;
      continue;
    }
    rows.push({ line: record.line, values: record.fields.map((value, i) => (value === '' && !record.quoted[i] ? null : value)) });
  }
  if (problems.length) throw new FileRejected(problems);
  return { format: 'csv', encoding, headers, rows, text };
}

/** A JSON array of flat objects (or CKAN's {"records": [...]}); keys of the first record are the columns. */
function tableFromJson(text: string, encoding: DetectedEncoding): ParsedTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FileRejected([{ kind: 'syntax', line: null, detail: (error as Error).message.slice(0, 200) }]);
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Array.isArray((parsed as { records?: unknown }).records)) parsed = (parsed as { records: unknown[] }).records;
  if (!Array.isArray(parsed)) throw new FileRejected([{ kind: 'not-records', line: null }]);
  if (parsed.length === 0) throw new FileRejected([{ kind: 'empty', line: null }]);
  if (parsed.length > MAX_ROWS) throw new FileRejected([{ kind: 'too-many-rows', line: null, expected: MAX_ROWS, got: parsed.length }]);
  const first = parsed[0];
  if (!first || typeof first !== 'object' || Array.isArray(first)) throw new FileRejected([{ kind: 'not-records', line: 1 }]);
  const headers = Object.keys(first).map((key) => key.trim());
  const problems = checkHeaders(headers, 1);
  if (problems.length) throw new FileRejected(problems);
  const index = new Map(Object.keys(first).map((key, i) => [key, i]));
  const rows: ParsedRow[] = [];
  parsed.forEach((record: unknown, i) => {
    const line = i + 1;
    if (problems.length >= MAX_REPORTED_PROBLEMS) return;
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      problems.push({ kind: 'not-records', line });
      return;
    }
    const values: Array<string | null> = headers.map(() => null);
    for (const [key, value] of Object.entries(record)) {
      const column = index.get(key);
      if (column === undefined) {
        problems.push({ kind: 'unknown-key', line, column: key });
        continue;
      }
      if (value === null || value === undefined) continue;
      if (typeof value === 'object') {
        problems.push({ kind: 'nested-value', line, column: headers[column]! });
        continue;
      }
      values[column] = String(value);
    }
    rows.push({ line, values });
  });
  if (problems.length) throw new FileRejected(problems);
  return { format: 'json', encoding, headers, rows, text };
}

/** Decodes and parses a whole file; throws FileRejected with every problem found. */
export function readTable(bytes: Buffer, format: FileFormat, declared: DeclaredEncoding = 'auto'): ParsedTable {
  if (bytes.length === 0) throw new FileRejected([{ kind: 'empty', line: null }]);
  const { text, encoding } = decodeFile(bytes, declared);
  return format === 'csv' ? tableFromCsv(text, encoding) : tableFromJson(text, encoding);
}

// ---- types -------------------------------------------------------------------------------------

const INTEGER = /^[+-]?\d{1,19}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/;
const BOOLEAN_TRUE = new Set(['true', 't', 'yes', 'y']);
const BOOLEAN_FALSE = new Set(['false', 'f', 'no', 'n']);
const DATE = /^(\d{4})[-./](\d{2})[-./](\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const BIGINT_MAX = 9223372036854775807n;

function validDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The value as Postgres COPY text for the column type, or null when it is not of that type. Dates
 * are written YYYY-MM-DD; timestamps with a zone are turned into UTC (the column is `timestamp`).
 */
export function convertValue(type: ColumnType, raw: string): string | null {
  const value = type === 'text' ? raw : raw.trim();
  switch (type) {
    case 'integer': {
      if (!INTEGER.test(value)) return null;
      const big = BigInt(value);
      return big > BIGINT_MAX || big < -BIGINT_MAX ? null : big.toString();
    }
    case 'number':
      return NUMBER.test(value) && Number.isFinite(Number(value)) ? value : null;
    case 'boolean': {
      const lower = value.toLowerCase();
      return BOOLEAN_TRUE.has(lower) ? 't' : BOOLEAN_FALSE.has(lower) ? 'f' : null;
    }
    case 'date': {
      const m = DATE.exec(value);
      return m && validDate(m[1]!, m[2]!, m[3]!) ? `${m[1]}-${m[2]}-${m[3]}` : null;
    }
    case 'timestamp': {
      const m = TIMESTAMP.exec(value);
      if (!m || !validDate(m[1]!, m[2]!, m[3]!) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
      const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}`;
      if (!m[8]) return local;
      const zone = m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].slice(-2)}`;
      const instant = new Date(`${local}${zone}`);
      return Number.isNaN(instant.getTime()) ? null : instant.toISOString().replace('Z', '');
    }
    case 'text':
      return raw;
  }
}

/** The narrowest type every non-empty value of the column fits; text when there is none. */
export function inferTypes(table: ParsedTable): ColumnType[] {
  return table.headers.map((_, column) => {
    let candidates: ColumnType[] = ['integer', 'number', 'boolean', 'date', 'timestamp'];
    let seen = false;
    for (const row of table.rows) {
      const value = row.values[column];
      if (value === null || value === undefined) continue;
      seen = true;
      candidates = candidates.filter((type) => convertValue(type, value) !== null);
      if (candidates.length === 0) return 'text';
    }
    if (!seen) return 'text';
    // integer before number; a column of 0/1 stays integer rather than boolean.
    return candidates[0]!;
  });
}

/** Every value converted to its confirmed type, or FileRejected naming each failing line and column. */
export function convertRows(table: ParsedTable, types: readonly ColumnType[]): Array<Array<string | null>> {
  const problems: FileProblem[] = [];
  const out: Array<Array<string | null>> = [];
  for (const row of table.rows) {
    const converted: Array<string | null> = [];
    row.values.forEach((value, column) => {
      if (value === null) {
        converted.push(null);
        return;
      }
      const result = convertValue(types[column]!, value);
      if (result === null && problems.length < MAX_REPORTED_PROBLEMS) {
        problems.push({ kind: 'value', line: row.line, column: table.headers[column]!, value: value.length > 60 ? `${value.slice(0, 60)}…` : value, expected: types[column]! });
      }
      converted.push(result);
    });
    out.push(converted);
  }
  if (problems.length) throw new FileRejected(problems);
  return out;
}

// ---- messages ----------------------------------------------------------------------------------

const TYPE_NAMES: Record<ColumnType, { ko: string; en: string }> = {
  integer: { ko: '정수', en: 'an integer' },
  number: { ko: '숫자', en: 'a number' },
  boolean: { ko: '참/거짓 값', en: 'a boolean (true/false)' },
  date: { ko: '날짜(YYYY-MM-DD)', en: 'a date (YYYY-MM-DD)' },
  timestamp: { ko: '일시(YYYY-MM-DD HH:MM:SS)', en: 'a timestamp (YYYY-MM-DD HH:MM:SS)' },
  text: { ko: '텍스트', en: 'text' },
};

export const COLUMN_TYPE_LABELS: Record<ColumnType, { ko: string; en: string }> = {
  integer: { ko: '정수', en: 'Integer' },
  number: { ko: '숫자', en: 'Number' },
  boolean: { ko: '참/거짓', en: 'Boolean' },
  date: { ko: '날짜', en: 'Date' },
  timestamp: { ko: '일시', en: 'Timestamp' },
  text: { ko: '텍스트', en: 'Text' },
};

const messages = defineMessages({
  line: { ko: '{line}번째 줄', en: 'line {line}' },
  record: { ko: '{line}번째 레코드', en: 'record {line}' },
  encoding: { ko: '문자 인코딩을 읽을 수 없습니다({detail}). UTF-8 또는 EUC-KR(CP949)로 저장해 주세요', en: 'the text cannot be decoded ({detail}); save the file as UTF-8 or EUC-KR (CP949)' },
  empty: { ko: '파일에 데이터가 없습니다', en: 'the file holds no data' },
  syntax: { ko: '형식 오류: {detail}', en: 'malformed: {detail}' },
  unterminatedQuote: { ko: '큰따옴표로 시작한 값이 끝나지 않습니다', en: 'a quoted value is never closed' },
  fieldCount: { ko: '열이 {expected}개여야 하는데 {got}개입니다', en: 'expected {expected} fields but found {got}' },
  headerEmpty: { ko: '{got}번째 열의 제목이 비어 있습니다', en: 'the header of column {got} is empty' },
  headerDuplicate: { ko: "열 제목 '{column}'이(가) 중복됩니다", en: "the header '{column}' appears more than once" },
  headerInvalid: {
    ko: "열 제목 '{column}'을(를) 쓸 수 없습니다(63자 이하, 밑줄(_)로 시작하지 않고, 큰따옴표와 제어 문자 없이)",
    en: "the header '{column}' is not allowed (at most 63 characters, not starting with '_', no quotes or control characters)",
  },
  tooManyColumns: { ko: '열은 {expected}개까지입니다({got}개)', en: 'at most {expected} columns are allowed (found {got})' },
  tooManyRows: { ko: '행은 {expected}개까지입니다({got}개)', en: 'at most {expected} rows are allowed (found {got})' },
  notRecords: { ko: 'JSON은 평평한 객체들의 배열이어야 합니다', en: 'JSON must be an array of flat objects' },
  unknownKey: { ko: "첫 레코드에 없는 키 '{column}'", en: "key '{column}' is not in the first record" },
  nestedValue: { ko: "열 '{column}': 중첩된 값은 쓸 수 없습니다", en: "column '{column}': nested values are not allowed" },
  value: { ko: "열 '{column}': '{value}'은(는) {type}이(가) 아닙니다", en: "column '{column}': '{value}' is not {type}" },
});

/** The problem in words, e.g. "line 17, column 'count': 'abc' is not an integer". */
export function describeProblem(locale: Locale, problem: FileProblem, format: FileFormat = 'csv'): string {
  const where = problem.line === null ? '' : `${t(locale, format === 'json' ? messages.record : messages.line, { line: problem.line })}, `;
  const p = { column: problem.column ?? '', value: problem.value ?? '', expected: String(problem.expected ?? ''), got: problem.got ?? 0, detail: problem.detail ?? '' };
  let text: string;
  switch (problem.kind) {
    case 'encoding':
      text = t(locale, messages.encoding, p);
      break;
    case 'empty':
      text = t(locale, messages.empty);
      break;
    case 'syntax':
      text = t(locale, messages.syntax, p);
      break;
    case 'unterminated-quote':
      text = t(locale, messages.unterminatedQuote);
      break;
    case 'field-count':
      text = t(locale, messages.fieldCount, p);
      break;
    case 'header-empty':
      text = t(locale, messages.headerEmpty, p);
      break;
    case 'header-duplicate':
      text = t(locale, messages.headerDuplicate, p);
      break;
    case 'header-invalid':
      text = t(locale, messages.headerInvalid, p);
      break;
    case 'too-many-columns':
      text = t(locale, messages.tooManyColumns, p);
      break;
    case 'too-many-rows':
      text = t(locale, messages.tooManyRows, p);
      break;
    case 'not-records':
      text = t(locale, messages.notRecords);
      break;
    case 'unknown-key':
      text = t(locale, messages.unknownKey, p);
      break;
    case 'nested-value':
      text = t(locale, messages.nestedValue, p);
      break;
    case 'value':
      text = t(locale, messages.value, { ...p, type: TYPE_NAMES[problem.expected as ColumnType]?.[locale] ?? p.expected });
      break;
  }
  return `${where}${text}`;
}
