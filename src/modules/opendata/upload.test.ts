import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FileRejected, convertRows, decodeFile, describeProblem, inferTypes, parseCsv, readTable, type FileProblem } from './upload';

function problemsOf(work: () => unknown): FileProblem[] {
  try {
    work();
  } catch (error) {
    if (error instanceof FileRejected) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('decoding', () => {
  it('reads CP949 extended syllables that a plain EUC-KR decoder drops', () => {
    const bytes = iconv.encode('이름,동네\n똠양꿍,햏동\n', 'cp949');
    // Node's TextDecoder('euc-kr') turns 똠 and 햏 into replacement characters; ours must not.
    const decoded = decodeFile(bytes, 'auto');
    expect(decoded.encoding).toBe('cp949');
    expect(decoded.text).toBe('이름,동네\n똠양꿍,햏동\n');
    expect(decodeFile(bytes, 'cp949').text).toContain('햏동');
  });

  it('strips a UTF-8 byte-order mark and says it was there', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('지역,값\n서울,1\n')]);
    const decoded = decodeFile(bytes);
    expect(decoded).toEqual({ text: '지역,값\n서울,1\n', encoding: 'utf-8-bom' });
  });

  it('refuses bytes that are not UTF-8 when UTF-8 is declared, naming the line', () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n'), iconv.encode('3,똠\n', 'cp949')]);
    const [problem] = problemsOf(() => decodeFile(bytes, 'utf-8'));
    expect(problem).toMatchObject({ kind: 'encoding', line: 3 });
  });
});

describe('RFC 4180 parsing', () => {
  it('keeps commas, doubled quotes and line breaks inside quoted fields, with the line each record starts on', () => {
    const records = parseCsv('name,note\r\n"Kim, Minji","said ""hi""\r\nthen left"\r\nLee,plain\r\n');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['name', 'note']],
      [2, ['Kim, Minji', 'said "hi"\r\nthen left']],
      [4, ['Lee', 'plain']],
    ]);
  });

  it('reports an unterminated quote at the line where the field starts', () => {
    expect(problemsOf(() => parseCsv('a,b\n1,"open\n2,3\n'))).toEqual([{ kind: 'unterminated-quote', line: 2 }]);
  });

  it('rejects a file whose records have the wrong number of fields, naming every such line', () => {
    const problems = problemsOf(() => readTable(Buffer.from('region,count\nSeoul,1\nBusan\nJeju,3,4\nDaegu,5\n'), 'csv'));
    expect(problems.map((p) => describeProblem('en', p))).toEqual(['line 3, expected 2 fields but found 1', 'line 4, expected 2 fields but found 3']);
  });

  it('checks headers: empty, duplicate (ignoring case) and reserved names', () => {
    const problems = problemsOf(() => readTable(Buffer.from('id,,ID,_secret\n1,2,3,4\n'), 'csv'));
    expect(problems.map((p) => p.kind)).toEqual(['header-empty', 'header-duplicate', 'header-invalid']);
  });
});

describe('types', () => {
  const table = readTable(
    Buffer.from('count,share,open,day,at,name\n1,0.5,true,2024-01-05,2024-01-05 10:00:00,가\n-2,3,false,2024.02.29,2024-01-05T11:30,나\n,1e3,yes,,,\n'),
    'csv',
  );

  it('infers integer, number, boolean, date, timestamp and text from every value', () => {
    expect(inferTypes(table)).toEqual(['integer', 'number', 'boolean', 'date', 'timestamp', 'text']);
  });

  it('falls back to text when one value does not fit, and an override to a narrower type fails with line and column', () => {
    const mixed = readTable(Buffer.from('count\n1\n2\nabc\n'), 'csv');
    expect(inferTypes(mixed)).toEqual(['text']);
    const problems = problemsOf(() => convertRows(mixed, ['integer']));
    expect(describeProblem('en', problems[0]!)).toBe("line 4, column 'count': 'abc' is not an integer");
    expect(describeProblem('ko', problems[0]!)).toBe("4번째 줄, 열 'count': 'abc'은(는) 정수이(가) 아닙니다");
  });

  it('converts to COPY text: normalised dates, booleans as t/f, empty as null', () => {
    const rows = convertRows(table, inferTypes(table));
    expect(rows[1]).toEqual(['-2', '3', 'f', '2024-02-29', '2024-01-05T11:30:00', '나']);
    expect(rows[2]).toEqual([null, '1e3', 't', null, null, null]);
  });

  it('does not take an impossible date for a date', () => {
    expect(inferTypes(readTable(Buffer.from('d\n2023-02-29\n'), 'csv'))).toEqual(['text']);
  });
});

describe('JSON files', () => {
  it('reads an array of flat objects and names the record of a key the first one lacks', () => {
    const table = readTable(Buffer.from(JSON.stringify([{ a: 1, b: 'x' }, { a: 2, b: null }])), 'json');
    expect(table.headers).toEqual(['a', 'b']);
    expect(table.rows.map((r) => r.values)).toEqual([['1', 'x'], ['2', null]]);
    const problems = problemsOf(() => readTable(Buffer.from(JSON.stringify([{ a: 1 }, { a: 2, c: 3 }, { a: { deep: true } }])), 'json'));
    expect(problems.map((p) => describeProblem('en', p, 'json'))).toEqual(["record 2, key 'c' is not in the first record", "record 3, column 'a': nested values are not allowed"]);
  });
});
