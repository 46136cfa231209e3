// The catalogue in DCAT-AP 3.0.1: a dcat:Catalog (title, description, publisher, datasets: the
// mandatory properties; homepage, language, themes taxonomy, modified: recommended) paged with a
// hydra:PagedCollection, and each dcat:Dataset with its title and description (mandatory), and the
// recommended contact point, distributions, keywords, publisher, spatial and temporal coverage and
// themes, plus access rights, frequency, identifier, issued/modified and landing page. Each
// dcat:Distribution has its access URL (mandatory), format, media type, licence and download URL;
// each dcat:DataService its title and endpoint URL (mandatory), endpoint description and the
// dataset it serves. Vocabulary terms are the EU authority tables' URIs.
import { integer, iri, text, typed, type RdfNode, type Term } from './rdf';
import { ACCESS_RIGHTS, LICENCES, type DatasetEntry, type Publisher } from './model';
import { PUBLISHERS } from './seed';

const EU = 'http://publications.europa.eu/resource/authority';
export const THEME_TAXONOMY = `${EU}/data-theme`;
const LANGUAGES = [`${EU}/language/KOR`, `${EU}/language/ENG`];
const COUNTRY_KOREA = `${EU}/country/KOR`;

const both = (value: { ko: string; en: string }): Term[] => [text(value.ko, 'ko'), text(value.en, 'en')];

export function datasetIri(baseUrl: string, id: string): string {
  return `${baseUrl}/datasets/${encodeURIComponent(id)}`;
}

function agentNode(baseUrl: string, publisher: Publisher): RdfNode {
  return {
    id: `${baseUrl}/publishers/${publisher.code}`,
    types: ['foaf:Agent'],
    properties: [
      ['foaf:name', both(publisher.name)],
      ['dct:identifier', [text(publisher.code)]],
      ['foaf:homepage', [iri(publisher.homepage)]],
    ],
  };
}

function spatialTerm(baseUrl: string, entry: DatasetEntry): Term {
  if (entry.spatial.code === 'KR') return iri(COUNTRY_KOREA);
  return { id: `${baseUrl}/regions/${entry.spatial.code}`, types: ['dct:Location'], properties: [['skos:prefLabel', both(entry.spatial.name)]] };
}

export function datasetNode(baseUrl: string, entry: DatasetEntry): RdfNode {
  const id = datasetIri(baseUrl, entry.id);
  const publisher = agentNode(baseUrl, entry.publisher);
  const licence = entry.licence ? [iri(LICENCES[entry.licence].uri)] : [];
  const accessRights = [iri(`${EU}/access-right/${ACCESS_RIGHTS[entry.accessLevel]}`)];
  const services = new Map(
    entry.services.map((service) => [
      service.id,
      {
        id: `${id}#${service.id}`,
        types: ['dcat:DataService'],
        properties: [
          ['dct:title', both(service.title)],
          ['dcat:endpointURL', [iri(service.endpointUrl)]],
          ['dcat:endpointDescription', [iri(service.endpointDescription)]],
          ['dcat:servesDataset', [iri(id)]],
          ['dct:publisher', [publisher]],
          ['dct:accessRights', accessRights],
          ['dct:license', licence],
        ],
      } satisfies RdfNode,
    ]),
  );
  const distributions: RdfNode[] = entry.distributions.map((distribution) => ({
    id: `${id}#${distribution.id}`,
    types: ['dcat:Distribution'],
    properties: [
      ['dct:title', both(distribution.title)],
      ['dcat:accessURL', [iri(distribution.accessUrl)]],
      ['dcat:downloadURL', distribution.downloadUrl ? [iri(distribution.downloadUrl)] : []],
      ['dct:format', [iri(`${EU}/file-type/${distribution.format}`)]],
      ['dcat:mediaType', [iri(`https://www.iana.org/assignments/media-types/${distribution.mediaType}`)]],
      ['dct:license', licence],
      ['dct:accessRights', accessRights],
      ['dcat:accessService', distribution.accessServiceId && services.has(distribution.accessServiceId) ? [services.get(distribution.accessServiceId)!] : []],
    ],
  }));
  const temporal: Term[] = entry.temporal
    ? [
        {
          types: ['dct:PeriodOfTime'],
          properties: [
            ['dcat:startDate', [typed(entry.temporal.start, 'xsd:date')]],
            ['dcat:endDate', entry.temporal.end ? [typed(entry.temporal.end, 'xsd:date')] : []],
          ],
        },
      ]
    : [];
  return {
    id,
    types: ['dcat:Dataset'],
    properties: [
      ['dct:identifier', [text(entry.id)]],
      ['dct:title', both(entry.title)],
      ['dct:description', both(entry.description)],
      ['dct:publisher', [publisher]],
      ['dcat:contactPoint', [{ types: ['vcard:Organization'], properties: [['vcard:fn', both(entry.contact.name)], ['vcard:hasEmail', [iri(`mailto:${entry.contact.email}`)]]] }]],
      ['dcat:theme', entry.themes.map((theme) => iri(`${THEME_TAXONOMY}/${theme}`))],
      ['dcat:keyword', [...entry.keywords.ko.map((k) => text(k, 'ko')), ...entry.keywords.en.map((k) => text(k, 'en'))]],
      ['dct:accessRights', accessRights],
      ['dct:accrualPeriodicity', [iri(`${EU}/frequency/${entry.frequency}`)]],
      ['dct:spatial', [spatialTerm(baseUrl, entry)]],
      ['dct:temporal', temporal],
      ['dct:issued', [typed(entry.issued, 'xsd:date')]],
      ['dct:modified', [typed(entry.modified, 'xsd:date')]],
      ['dct:language', LANGUAGES.map(iri)],
      ['dcat:landingPage', [iri(id)]],
      ['dcat:distribution', distributions],
    ],
  };
}

export interface CataloguePage {
  /** This page's URL (without host), e.g. /catalog.jsonld?page=2 */
  pageUrl: (page: number) => string;
  page: number;
  pageSize: number;
  total: number;
  entries: readonly DatasetEntry[];
  /** The latest modification of any entry the viewer may see. */
  modified: string;
}

const CATALOGUE_ISSUED = '2026-01-02';

const CATALOGUE_TEXT = {
  title: { ko: 'OnceGov 데이터 목록', en: 'OnceGov data catalogue' },
  description: {
    ko: '모든 기관의 데이터 자산(공개 데이터셋, 협약으로 정부 내에서 이용하는 기본 레지스트리 데이터 상품, 비공개 자산)의 목록입니다.',
    en: 'Every data asset of every agency: open datasets, the base registries\' data products used inside government under an agreement, and closed assets.',
  },
};

/** The catalogue node (with this page's datasets) and the page's hydra:PagedCollection node. */
export function catalogueNodes(baseUrl: string, page: CataloguePage): RdfNode[] {
  const operator = PUBLISHERS.find((p) => p.code === 'MOIS')!;
  const lastPage = Math.max(1, Math.ceil(page.total / page.pageSize));
  const pageIri = (n: number) => iri(`${baseUrl}${page.pageUrl(n)}`);
  return [
    {
      id: `${baseUrl}/catalog`,
      types: ['dcat:Catalog'],
      properties: [
        ['dct:title', both(CATALOGUE_TEXT.title)],
        ['dct:description', both(CATALOGUE_TEXT.description)],
        ['dct:publisher', [agentNode(baseUrl, operator)]],
        ['foaf:homepage', [iri(`${baseUrl}/catalog`)]],
        ['dct:language', LANGUAGES.map(iri)],
        ['dcat:themeTaxonomy', [iri(THEME_TAXONOMY)]],
        ['dct:issued', [typed(CATALOGUE_ISSUED, 'xsd:date')]],
        ['dct:modified', [typed(page.modified, 'xsd:date')]],
        ['dct:spatial', [iri(COUNTRY_KOREA)]],
        // The licence of the catalogue's metadata itself (each distribution states its data's).
        ['dct:license', [iri(LICENCES['CC-BY-4.0'].uri)]],
        ['dcat:dataset', page.entries.map((entry) => datasetNode(baseUrl, entry))],
      ],
    },
    {
      id: `${baseUrl}${page.pageUrl(page.page)}`,
      types: ['hydra:PagedCollection'],
      properties: [
        ['hydra:totalItems', [integer(page.total)]],
        ['hydra:itemsPerPage', [integer(page.pageSize)]],
        ['hydra:firstPage', [pageIri(1)]],
        ['hydra:lastPage', [pageIri(lastPage)]],
        ['hydra:previousPage', page.page > 1 ? [pageIri(Math.min(page.page - 1, lastPage))] : []],
        ['hydra:nextPage', page.page < lastPage ? [pageIri(page.page + 1)] : []],
      ],
    },
  ];
}
