// A small RDF model (nodes with properties) and its two serialisations: JSON-LD (compact, with a
// prefix-only @context, so no remote context is ever fetched) and Turtle (written here, strings
// and IRIs escaped per the Turtle 1.1 grammar). Named nodes nested under several parents are
// written once in Turtle; blank nodes are written inline as [ … ].
export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  adms: 'http://www.w3.org/ns/adms#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  dcatap: 'http://data.europa.eu/r5r/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
} as const;
export type Prefix = keyof typeof PREFIXES;
/** A prefixed name such as dct:title. */
export type Curie = `${Prefix}:${string}`;

export type Literal = { value: string | number; lang?: string; datatype?: Curie };
export type Term = { iri: string } | Literal | RdfNode;
export interface RdfNode {
  /** Absolute IRI; a blank node when absent. */
  id?: string;
  types: Curie[];
  properties: Array<[Curie, Term[]]>;
}

export const iri = (value: string): Term => ({ iri: value });
export const text = (value: string, lang?: string): Literal => (lang ? { value, lang } : { value });
export const typed = (value: string, datatype: Curie): Literal => ({ value, datatype });
export const integer = (value: number): Literal => ({ value, datatype: 'xsd:integer' });

function isNode(term: Term): term is RdfNode {
  return 'properties' in term;
}
function isIri(term: Term): term is { iri: string } {
  return 'iri' in term;
}

export function expandCurie(curie: string): string {
  const colon = curie.indexOf(':');
  const prefix = curie.slice(0, colon) as Prefix;
  const base = PREFIXES[prefix];
  if (!base) throw new Error(`unknown prefix in ${curie}`);
  return base + curie.slice(colon + 1);
}

/**
 * The IRI with what RFC 3987 (and Turtle's IRIREF) forbids percent-encoded: space, <>"{}|^`\ and
 * controls. Both serialisations use it, so they name the same resources.
 */
export function safeIri(value: string): string {
  return value.replace(/[\u0000-\u0020<>"{}|^`\\\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

// ---- JSON-LD ---------------------------------------------------------------------------------

export const JSONLD_CONTEXT: Record<string, string> = { ...PREFIXES };

function jsonLdTerm(term: Term): unknown {
  if (isNode(term)) return jsonLdNode(term);
  if (isIri(term)) return { '@id': safeIri(term.iri) };
  if (term.datatype === 'xsd:integer' && typeof term.value === 'number') return term.value;
  if (term.datatype) return { '@value': String(term.value), '@type': term.datatype };
  if (term.lang) return { '@value': String(term.value), '@language': term.lang };
  return String(term.value);
}

function jsonLdNode(node: RdfNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.id) out['@id'] = safeIri(node.id);
  if (node.types.length) out['@type'] = node.types.length === 1 ? node.types[0] : node.types;
  for (const [predicate, values] of node.properties) {
    if (values.length === 0) continue;
    out[predicate] = values.length === 1 ? jsonLdTerm(values[0]!) : values.map(jsonLdTerm);
  }
  return out;
}

/** A JSON-LD document whose @graph holds the given top-level nodes. */
export function toJsonLd(nodes: readonly RdfNode[]): Record<string, unknown> {
  return { '@context': JSONLD_CONTEXT, '@graph': nodes.map(jsonLdNode) };
}

// ---- Turtle ----------------------------------------------------------------------------------

const PN_LOCAL = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;

/** An IRI as <…> (see safeIri). */
export function turtleIri(value: string): string {
  return `<${safeIri(value)}>`;
}

/** A string as a Turtle STRING_LITERAL_QUOTE, every special or control character escaped. */
export function turtleString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f) || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function turtleName(full: string): string {
  for (const [prefix, base] of Object.entries(PREFIXES)) {
    if (full.startsWith(base)) {
      const local = full.slice(base.length);
      if (PN_LOCAL.test(local)) return `${prefix}:${local}`;
    }
  }
  return turtleIri(full);
}

function turtleCurie(curie: Curie): string {
  return turtleName(expandCurie(curie));
}

function turtleLiteral(term: Literal): string {
  if (term.datatype === 'xsd:integer' && typeof term.value === 'number' && Number.isInteger(term.value)) return String(term.value);
  const body = turtleString(String(term.value));
  if (term.datatype) return `${body}^^${turtleCurie(term.datatype)}`;
  if (term.lang) return `${body}@${term.lang}`;
  return body;
}

function turtleObject(term: Term, indent: string, named: Map<string, RdfNode>): string {
  if (isNode(term)) {
    if (term.id) {
      if (!named.has(term.id)) named.set(term.id, term);
      return turtleIri(term.id);
    }
    return `[\n${turtleProperties(term, `${indent}    `, named)}\n${indent}]`;
  }
  if (isIri(term)) return turtleName(term.iri);
  return turtleLiteral(term);
}

function turtleProperties(node: RdfNode, indent: string, named: Map<string, RdfNode>): string {
  const lines: string[] = [];
  if (node.types.length) lines.push(`${indent}a ${node.types.map(turtleCurie).join(', ')}`);
  for (const [predicate, values] of node.properties) {
    if (values.length === 0) continue;
    lines.push(`${indent}${turtleCurie(predicate)} ${values.map((value) => turtleObject(value, indent, named)).join(', ')}`);
  }
  return lines.join(' ;\n');
}

/** A Turtle document: the prefixes, then every named node once (nested named nodes included). */
export function toTurtle(nodes: readonly RdfNode[]): string {
  const prefixes = Object.entries(PREFIXES).map(([prefix, base]) => `@prefix ${prefix}: ${turtleIri(base)} .`);
  const named = new Map<string, RdfNode>();
  const written = new Set<string>();
  const blocks: string[] = [];
  const queue: RdfNode[] = [...nodes];
  while (queue.length) {
    const node = queue.shift()!;
    if (node.id && written.has(node.id)) continue;
    if (node.id) written.add(node.id);
    const before = new Set(named.keys());
    const subject = node.id ? turtleIri(node.id) : '[]';
    blocks.push(`${subject}\n${turtleProperties(node, '    ', named)} .`);
    for (const [id, found] of named) if (!before.has(id) && !written.has(id)) queue.push(found);
  }
  return `${prefixes.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}
