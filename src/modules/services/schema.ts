// Request and response schemas of the service catalogue API (TypeBox → validation and OpenAPI).
import { Type } from '@sinclair/typebox';
import { Localised } from '../../core/schemas';
import { BENEFIT_CATEGORIES, CHANNELS, LIFE_EVENT_CODES } from './model';
import { MAX_QUERY_LENGTH } from './search';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './service';

/** A string from a fixed list, as one JSON Schema `enum` (one clear validation error, not one per value). */
const stringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

export const LifeEventCodeSchema = stringEnum(LIFE_EVENT_CODES, { description: `Life event: ${LIFE_EVENT_CODES.join(', ')}` });
export const ChannelSchema = stringEnum(CHANNELS, { description: 'online, office (in person) or partner (banks, card companies, apps)' });
const SLUG = '^[a-z0-9]+(-[a-z0-9]+)*$';

export const ServiceListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH, description: 'Search text in Korean or English (spacing and small typos do not matter); results are ranked by relevance' })),
    lifeEvent: Type.Optional(LifeEventCodeSchema),
    agency: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'Agency code, e.g. MOHW' })),
    channel: Type.Optional(ChannelSchema),
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1, description: 'Page number, from 1' }),
    pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: `Services per page, 1–${MAX_PAGE_SIZE}` }),
    lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);

export const ServiceIdParams = Type.Object({ id: Type.String({ pattern: SLUG, maxLength: 80, description: 'Service id, e.g. child-allowance' }) });
export const BundleIdParams = Type.Object({ id: Type.String({ pattern: SLUG, maxLength: 80, description: 'Bundle id, e.g. happy-childbirth' }) });

const AgencySchema = Type.Object({ code: Type.String(), name: Localised('Agency name') });

const RequiredDocumentSchema = Type.Object({
  kind: stringEnum(['data-product', 'upload'] as const, { description: 'data-product: the platform fetches it from the holding agency (once-only); upload: the resident hands it in' }),
  dataProductId: Type.Union([Type.String(), Type.Null()], { description: 'Registry data product, e.g. family.children (kind data-product)' }),
  name: Localised('What the document is'),
  fetchedByPlatform: Type.Boolean({ description: 'True when the resident need not submit it' }),
  heldBy: Type.Union([Localised('Agency holding the data'), Type.Null()]),
});

export const ServiceSchema = Type.Object(
  {
    id: Type.String(),
    agency: AgencySchema,
    name: Localised('Service name'),
    description: Localised('What the service is, for residents'),
    lifeEvents: Type.Array(LifeEventCodeSchema),
    channels: Type.Array(ChannelSchema),
    requiredDocuments: Type.Array(RequiredDocumentSchema),
    processingTime: Localised('How long it takes'),
    feeKrw: Type.Integer({ minimum: 0, description: 'Fee in KRW; 0 = free' }),
    feeNote: Type.Union([Localised('About the fee'), Type.Null()]),
    legalBasis: Localised('Act and article'),
    contact: Localised('Where to ask'),
    category: Type.Union([stringEnum(BENEFIT_CATEGORIES), Type.Null()], { description: 'Notification category of a benefit (residents opt out per category); null for other services' }),
    keywords: Localised('Other words residents search with'),
  },
);

export const ServicePageSchema = Type.Object({
  items: Type.Array(ServiceSchema),
  total: Type.Integer({ description: 'Matching services in all' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const LifeEventListSchema = Type.Object({
  items: Type.Array(
    Type.Object({ code: LifeEventCodeSchema, name: Localised('Life event'), description: Localised('What it covers'), serviceCount: Type.Integer() }),
  ),
});

const ServiceSummarySchema = Type.Object({ id: Type.String(), name: Localised('Service name'), agency: AgencySchema });

export const BundleSchema = Type.Object({
  id: Type.String(),
  name: Localised('Bundle name'),
  description: Localised('What one application covers'),
  lifeEvent: LifeEventCodeSchema,
  serviceIds: Type.Array(Type.String(), { description: 'Member services, in order' }),
  services: Type.Array(ServiceSummarySchema),
});

export const BundleListSchema = Type.Object({ items: Type.Array(BundleSchema) });
