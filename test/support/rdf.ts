// Test-side RDF readers, independent of the code under test: a strict parser for the Turtle subset
// a DCAT serialiser needs (prefixes, IRIs, prefixed names, `a`, string literals with escapes,
// language tags and datatypes, integers, blank nodes `[ … ]`, `;` and `,`), and a JSON-LD reader
// for compact documents whose @context only maps prefixes (nothing is fetched). Both yield the
// same triples, so a test can hold both outputs to the same assertions.
export interface Triple {
  subject: string;
  predicate: string;
  /** An IRI, `_:bN` for a blank node, or a literal as `"value"@lang` / `"value"^^<datatype>`. */
  object: string;
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';

export function literalKey(value: string, lang?: string, datatype?: string): string {
  return `"${value}"${lang ? `@${lang}` : datatype ? `^^<${datatype}>` : ''}`;
}

export function parseTurtle(source: string): Triple[] {
  const prefixes = new Map<string, string>();
  const triples: Triple[] = [];
  let pos = 0;
  let blank = 0;

  const fail = (message: string): never => {
    const line = source.slice(0, pos).split('\n').length;
    throw new Error(`Turtle line ${line}: ${message} near ${JSON.stringify(source.slice(pos, pos + 40))}`);
  };
  const skip = () => {
    for (;;) {
      while (pos < source.length && /\s/.test(source[pos]!)) pos++;
      if (source[pos] === '#') while (pos < source.length && source[pos] !== '\n') pos++;
      else return;
    }
  };
  const expect = (text: string) => {
    skip();
    if (!source.startsWith(text, pos)) fail(`expected ${text}`);
    pos += text.length;
  };
  const iriRef = (): string => {
    expect('<');
    let value = '';
    while (source[pos] !== '>') {
      const c = source[pos];
      if (c === undefined || /[\u0000-\u0020<"{}|^`\\]/.test(c)) fail('bad character in IRI');
      value += c;
      pos++;
    }
    pos++;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) fail(`IRI is not absolute: ${value}`);
    return value;
  };
  const prefixedName = (): string => {
    const match = /^([A-Za-z][\w-]*)?:([A-Za-z0-9_]([\w.-]*[\w-])?)?/.exec(source.slice(pos));
    if (!match) return fail('expected a prefixed name');
    const base = prefixes.get(match[1] ?? '');
    if (base === undefined) fail(`undeclared prefix ${match[1]}`);
    pos += match[0].length;
    return base + (match[2] ?? '');
  };
  const stringLiteral = (): string => {
    expect('"');
    let value = '';
    for (;;) {
      const c = source[pos++];
      if (c === undefined || c === '\n' || c === '\r') fail('unterminated string');
      if (c === '"') return value;
      if (c === '\\') {
        const e = source[pos++];
        const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
        if (e && e in simple) value += simple[e];
        else if (e === 'u' || e === 'U') {
          const length = e === 'u' ? 4 : 8;
          const hex = source.slice(pos, pos + length);
          if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(hex)) fail('bad \\u escape');
          value += String.fromCodePoint(parseInt(hex, 16));
          pos += length;
        } else fail(`bad escape \\${e}`);
      } else value += c;
    }
  };
  const iri = (): string => {
    skip();
    return source[pos] === '<' ? iriRef() : prefixedName();
  };
  const object = (): string => {
    skip();
    const c = source[pos];
    if (c === '[') return blankNode();
    if (c === '"') {
      const value = stringLiteral();
      if (source[pos] === '@') {
        const lang = /^@([a-zA-Z]+(-[a-zA-Z0-9]+)*)/.exec(source.slice(pos));
        if (!lang) fail('bad language tag');
        pos += lang![0].length;
        return literalKey(value, lang![1]);
      }
      if (source.startsWith('^^', pos)) {
        pos += 2;
        return literalKey(value, undefined, iri());
      }
      return literalKey(value);
    }
    const number = /^[+-]?\d+(?![\w.:])/.exec(source.slice(pos));
    if (number) {
      pos += number[0].length;
      return literalKey(number[0], undefined, XSD_INTEGER);
    }
    return iri();
  };
  const predicateObjectList = (subject: string) => {
    for (;;) {
      skip();
      let predicate: string;
      if (source[pos] === 'a' && /[\s<\["]/.test(source[pos + 1] ?? '')) {
        pos++;
        predicate = RDF_TYPE;
      } else predicate = iri();
      for (;;) {
        triples.push({ subject, predicate, object: object() });
        skip();
        if (source[pos] === ',') pos++;
        else break;
      }
      skip();
      if (source[pos] !== ';') return;
      pos++;
      skip();
      if (source[pos] === '.' || source[pos] === ']') return;
    }
  };
  const blankNode = (): string => {
    expect('[');
    const id = `_:b${blank++}`;
    skip();
    if (source[pos] !== ']') predicateObjectList(id);
    expect(']');
    return id;
  };

  for (;;) {
    skip();
    if (pos >= source.length) return triples;
    if (source.startsWith('@prefix', pos)) {
      pos += 7;
      skip();
      const name = /^([A-Za-z][\w-]*)?:/.exec(source.slice(pos));
      if (!name) fail('bad prefix name');
      pos += name![0].length;
      skip();
      prefixes.set(name![1] ?? '', iriRef());
      expect('.');
      continue;
    }
    skip();
    const subject = source[pos] === '[' ? blankNode() : iri();
    predicateObjectList(subject);
    expect('.');
  }
}

/** The triples of a compact JSON-LD document whose @context maps prefixes only. */
export function jsonLdTriples(document: Record<string, unknown>): Triple[] {
  const context = document['@context'];
  if (!context || typeof context !== 'object' || Array.isArray(context)) throw new Error('@context must be an object');
  const prefixes = new Map(Object.entries(context as Record<string, unknown>).map(([k, v]) => {
    if (typeof v !== 'string' || !/^https?:\/\//.test(v)) throw new Error(`@context entry ${k} is not a prefix IRI`);
    return [k, v];
  }));
  const expand = (term: string): string => {
    const colon = term.indexOf(':');
    const base = colon > 0 ? prefixes.get(term.slice(0, colon)) : undefined;
    if (base && !term.slice(colon + 1).startsWith('//')) return base + term.slice(colon + 1);
    if (/^[a-z][a-z0-9+.-]*:/i.test(term)) return term;
    throw new Error(`term ${term} does not expand to an IRI`);
  };
  const triples: Triple[] = [];
  let blank = 0;
  const node = (value: Record<string, unknown>): string => {
    const id = typeof value['@id'] === 'string' ? expand(value['@id']) : `_:j${blank++}`;
    for (const [key, raw] of Object.entries(value)) {
      if (key === '@id') continue;
      if (key === '@type') {
        for (const type of Array.isArray(raw) ? raw : [raw]) triples.push({ subject: id, predicate: RDF_TYPE, object: expand(String(type)) });
        continue;
      }
      if (key.startsWith('@')) throw new Error(`unexpected keyword ${key}`);
      const predicate = expand(key);
      for (const item of Array.isArray(raw) ? raw : [raw]) triples.push({ subject: id, predicate, object: objectOf(item) });
    }
    return id;
  };
  const objectOf = (item: unknown): string => {
    if (typeof item === 'string') return literalKey(item);
    if (typeof item === 'number' && Number.isInteger(item)) return literalKey(String(item), undefined, XSD_INTEGER);
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      if ('@value' in o) {
        if (typeof o['@value'] !== 'string') throw new Error('@value must be a string here');
        return literalKey(o['@value'], o['@language'] as string | undefined, o['@type'] ? expand(String(o['@type'])) : undefined);
      }
      if (Object.keys(o).length === 1 && typeof o['@id'] === 'string') return expand(o['@id']);
      return node(o);
    }
    throw new Error(`cannot read ${JSON.stringify(item)}`);
  };
  const graph = document['@graph'];
  for (const top of Array.isArray(graph) ? graph : [document]) node(top as Record<string, unknown>);
  return triples;
}

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
};

/** Triples as a little graph to ask questions of. */
export class Graph {
  constructor(readonly triples: Triple[]) {}

  objects(subject: string, predicate: string): string[] {
    return this.triples.filter((t) => t.subject === subject && t.predicate === predicate).map((t) => t.object);
  }

  subjectsOfType(type: string): string[] {
    return [...new Set(this.triples.filter((t) => t.predicate === RDF_TYPE && t.object === type).map((t) => t.subject))];
  }

  /** A canonical, order-independent form of the graph (a set: repeated triples count once), blank-node labels aside. */
  signature(): string[] {
    return [...new Set(this.triples.map((t) => `${t.subject.startsWith('_:') ? '_' : t.subject} ${t.predicate} ${t.object.startsWith('_:') ? '_' : t.object}`))].sort();
  }
}
