// Guards patches/jsonld+9.0.0.patch (applied by `npm ci` through patch-package). The patch lets
// jsonld share active contexts that are never changed after processing, so its cache of
// processed contexts hits when a type-scoped context (the VC 2.0 context has many) applies and
// reverts, instead of deep-copying every term definition each time: verification went from about
// 400 to 880 credentials/s in one thread (bench/credentials.ts). The patch must not change any
// output. testdata/jsonld-golden.json holds what the unpatched jsonld 9.0.0 produced (expansion,
// canonical N-Quads, compaction) for our six certificate types, a presentation, and documents
// that exercise type-scoped, propagated, property-scoped and nullified contexts. Each document is
// processed several times in different orders, so later rounds run on cached, shared contexts.
// testdata/jsonld-credentials.json holds credentials WalletService issued from synthetic residents
// with a throwaway key. To record the golden file again, against an unpatched jsonld (move
// patches/ aside and run `npm ci`): JSONLD_GOLDEN=write npx vitest run <this file>.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';
import { contexts as credentialContexts } from '@digitalbazaar/credentials-context';
import { koreanCertificatesContext, VC_V2_CONTEXT } from './certificates';
import { walletUrls } from './crypto';

const here = new URL('./testdata/', import.meta.url);
const fixtures = JSON.parse(readFileSync(new URL('jsonld-credentials.json', here), 'utf8')) as { credentials: object[]; presentation: object };
const urls = walletUrls('https://oncegov.example');
const documents = new Map<string, unknown>([...credentialContexts, [urls.context, koreanCertificatesContext(urls.vocab)]]);
const documentLoader = async (url: string) => {
  const document = documents.get(url);
  if (document === undefined) throw new Error(`not bundled: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
};

const EX = { '@version': 1.1, ex: 'https://example.test/vocab#' } as const;
// Shapes from the JSON-LD 1.1 scoped-context rules: what a type-scoped context defines must stop
// applying inside a nested node (unless @propagate), property-scoped contexts apply below their
// property, protected terms survive a nested @context: null only where overriding is allowed.
const scopedDocuments: Record<string, object> = {
  typeScopedRevertsInNestedNode: {
    '@context': { ...EX, name: 'ex:name', knows: { '@id': 'ex:knows' }, Person: { '@id': 'ex:Person', '@context': { name: 'ex:personName' } } },
    '@type': 'Person', name: 'Outer', knows: { name: 'Inner, untyped', knows: { '@type': 'Person', name: 'Deep person' } },
  },
  typeScopedPropagates: {
    '@context': { ...EX, name: 'ex:name', child: { '@id': 'ex:child' }, Family: { '@id': 'ex:Family', '@context': { '@propagate': true, name: 'ex:familyName' } } },
    '@type': 'Family', name: 'Kim', child: { name: 'still family scope', child: { name: 'and below' } },
  },
  twoTypesInOrder: {
    '@context': { ...EX, label: 'ex:label', A: { '@id': 'ex:A', '@context': { label: 'ex:labelA' } }, B: { '@id': 'ex:B', '@context': { label: 'ex:labelB', extra: 'ex:extraB' } } },
    '@graph': [{ '@type': ['A', 'B'], label: 'ab', extra: 1 }, { '@type': ['B', 'A'], label: 'ba' }, { '@type': 'A', label: 'a', extra: 'not mapped in A' }],
  },
  propertyScoped: {
    '@context': { ...EX, city: 'ex:city', address: { '@id': 'ex:address', '@context': { city: 'ex:addressCity', Building: { '@id': 'ex:Building', '@context': { city: 'ex:buildingCity' } } } } },
    city: 'Sejong', address: [{ city: 'Seoul' }, { '@type': 'Building', city: 'Busan', address: { city: 'Incheon' } }],
  },
  protectedWithNullification: {
    '@context': { ...EX, '@protected': true, title: 'ex:title', notes: { '@id': 'ex:notes', '@context': [null, { note: 'https://other.test/note' }] } },
    title: 'kept', notes: { note: 'inside a property-scoped null context', title: 'protected term still defined' },
  },
  embeddedContextsAndReverse: {
    '@context': { ...EX, parent: { '@reverse': 'ex:child' }, name: 'ex:name', Org: { '@id': 'ex:Org', '@context': { name: { '@id': 'ex:orgName', '@language': 'ko' } } } },
    '@id': 'urn:x:1', '@type': 'Org', name: '행정안전부',
    parent: [{ '@id': 'urn:x:2', '@context': { name: 'ex:localName' }, name: 'local' }, { '@id': 'urn:x:3', '@type': 'Org', name: '국세청' }],
  },
  vc2TypedStatusAndEvidence: {
    '@context': [VC_V2_CONTEXT, { ex: 'https://example.test/vocab#', Evidence: 'ex:Evidence', note: 'ex:note' }],
    type: ['VerifiableCredential'], issuer: { id: 'https://example.test/issuer', name: 'Issuer' }, validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'urn:x:s', note: 'a' },
    credentialStatus: [{ id: 'https://example.test/s#1', type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: '1', statusListCredential: 'https://example.test/s' }],
    evidence: [{ type: ['Evidence'], note: 'b' }],
    termsOfUse: { type: 'ex:Policy', note: 'c' },
  },
};

interface Outputs { expanded: unknown; nquads: string; compacted: unknown }
const cases: Array<[string, object]> = [
  ...fixtures.credentials.map((c, i) => [`credential ${i} ${(c as { type: string[] }).type[1]}`, c] as [string, object]),
  ['presentation', fixtures.presentation],
  ...Object.entries(scopedDocuments),
];

async function processDocument(document: object): Promise<Outputs> {
  const options = { documentLoader, safe: false };
  const expanded = await jsonld.expand(structuredClone(document), options);
  const nquads = await rdfCanonize.canonize(
    await jsonld.toRDF(structuredClone(document), { ...options, rdfDirection: 'i18n-datatype', produceGeneralizedRdf: false }),
    { algorithm: 'RDFC-1.0' },
  );
  const context = (document as { '@context'?: unknown })['@context'];
  const compacted = await jsonld.compact(structuredClone(document), context, options);
  return { expanded, nquads, compacted };
}

const goldenFile = new URL('jsonld-golden.json', here);

describe('jsonld with shared active contexts (patch) gives the unpatched output', () => {
  if (process.env.JSONLD_GOLDEN === 'write') {
    it('records the golden outputs', async () => {
      const golden: Record<string, Outputs> = {};
      for (const [name, document] of cases) golden[name] = await processDocument(document);
      writeFileSync(goldenFile, `${JSON.stringify(golden, null, 1)}\n`);
    });
    return;
  }
  const golden = JSON.parse(readFileSync(goldenFile, 'utf8')) as Record<string, Outputs>;

  it('covers every case, and the scoped cases really are scoped', () => {
    expect(Object.keys(golden).sort()).toEqual(cases.map(([name]) => name).sort());
    // The golden file itself says the scoping rules hold: nested untyped node reverted, propagation kept.
    expect(golden.typeScopedRevertsInNestedNode!.nquads).toContain('<https://example.test/vocab#name> "Inner, untyped"');
    expect(golden.typeScopedRevertsInNestedNode!.nquads).toContain('<https://example.test/vocab#personName> "Deep person"');
    expect(golden.typeScopedPropagates!.nquads).toContain('<https://example.test/vocab#familyName> "and below"');
    expect(golden.propertyScoped!.nquads).toContain('<https://example.test/vocab#buildingCity> "Busan"');
  });

  // Forward, backward, then interleaved: later rounds reuse contexts cached by earlier documents.
  const orders = [cases, [...cases].reverse(), cases.filter((_, i) => i % 2 === 0).concat(cases.filter((_, i) => i % 2 === 1))];
  orders.forEach((order, round) => {
    it(`round ${round + 1}: every document expands, canonicalises and compacts exactly as before`, async () => {
      for (const [name, document] of order) {
        const outputs = await processDocument(document);
        expect(outputs.nquads, name).toBe(golden[name]!.nquads);
        expect(outputs.expanded, name).toEqual(golden[name]!.expanded);
        expect(outputs.compacted, name).toEqual(golden[name]!.compacted);
      }
    });
  });
});
