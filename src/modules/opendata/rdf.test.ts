// The Turtle and JSON-LD writers against the test's own readers: strings with quotes, backslashes,
// newlines, control characters and non-BMP characters survive; IRIs with forbidden characters are
// percent-encoded; nested named nodes are written once; both formats carry the same triples.
import { describe, expect, it } from 'vitest';
import { Graph, jsonLdTriples, literalKey, parseTurtle } from '../../../test/support/rdf';
import { iri, integer, text, toJsonLd, toTurtle, turtleIri, turtleString, typed, type RdfNode } from './rdf';

const NASTY = ['say "hi"', 'back\\slash', 'two\nlines\r\n', 'tab\there', 'bell\u0007 and del\u007f', 'nul\u0000', '한국어 텍스트', 'emoji 🎉 𝄞', 'line\u2028separator', '"""', "it's", '@prefix x: <y> .', '#not a comment'];

function sample(strings: string[]): RdfNode[] {
  const shared: RdfNode = { id: 'https://example.org/agents/1', types: ['foaf:Agent'], properties: [['foaf:name', [text('Agency', 'en')]]] };
  return [
    {
      id: 'https://example.org/datasets/a b<c>',
      types: ['dcat:Dataset'],
      properties: [
        ['dct:title', strings.map((s, i) => text(s, i % 2 ? 'en' : 'ko'))],
        ['dct:description', strings.map((s) => text(s))],
        ['dct:publisher', [shared]],
        ['dct:creator', [shared]],
        ['dct:issued', [typed('2026-01-02', 'xsd:date')]],
        ['hydra:totalItems', [integer(42)]],
        ['dcat:landingPage', [iri('https://example.org/p?q=1&r="2"')]],
        ['dct:temporal', [{ types: ['dct:PeriodOfTime'], properties: [['dcat:startDate', [typed('2020-01-01', 'xsd:date')]], ['dcat:endDate', []]] }]],
      ],
    },
  ];
}

describe('Turtle writer', () => {
  it('escapes every string so it reads back exactly', () => {
    const triples = parseTurtle(toTurtle(sample(NASTY)));
    const titles = triples.filter((t) => t.predicate === 'http://purl.org/dc/terms/description').map((t) => t.object);
    expect(titles.sort()).toEqual(NASTY.map((s) => literalKey(s)).sort());
  });

  it('writes literals on one line and IRIs without forbidden characters', () => {
    expect(turtleString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(turtleString('\u0001')).toBe('"\\u0001"');
    expect(turtleIri('https://example.org/a b<c>"{}|^`\\')).toBe('<https://example.org/a%20b%3Cc%3E%22%7B%7D%7C%5E%60%5C>');
  });

  it('writes a named node nested twice once, and the same triples as JSON-LD', () => {
    const turtle = toTurtle(sample(NASTY));
    expect(turtle.match(/^<https:\/\/example.org\/agents\/1>$/gm)).toHaveLength(1);
    const fromTurtle = new Graph(parseTurtle(turtle));
    const fromJsonLd = new Graph(jsonLdTriples(JSON.parse(JSON.stringify(toJsonLd(sample(NASTY))))));
    expect(fromTurtle.signature()).toEqual(fromJsonLd.signature());
    expect(fromTurtle.objects('https://example.org/datasets/a%20b%3Cc%3E', 'http://www.w3.org/ns/hydra/core#totalItems')).toEqual([literalKey('42', undefined, 'http://www.w3.org/2001/XMLSchema#integer')]);
  });

  it('the test parser refuses broken Turtle (so the checks above mean something)', () => {
    expect(() => parseTurtle('@prefix a: <http://x/> .\n<http://s> a:p "unterminated .')).toThrow();
    expect(() => parseTurtle('<http://s> b:p "x" .')).toThrow(/undeclared prefix/);
    expect(() => parseTurtle('<http://s> <http://p> "x"')).toThrow();
    expect(() => parseTurtle('<http://s> <http://p> "bad \\q escape" .')).toThrow();
  });
});

describe('JSON-LD writer', () => {
  it('uses a prefix-only @context with the DCAT-AP namespaces', () => {
    const document = toJsonLd(sample(['x']));
    expect(document['@context']).toMatchObject({
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      vcard: 'http://www.w3.org/2006/vcard/ns#',
      adms: 'http://www.w3.org/ns/adms#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    });
    const triples = jsonLdTriples(document);
    expect(triples.find((t) => t.predicate === 'http://purl.org/dc/terms/issued')?.object).toBe(literalKey('2026-01-02', undefined, 'http://www.w3.org/2001/XMLSchema#date'));
  });
});
