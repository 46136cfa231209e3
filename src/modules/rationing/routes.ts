// HTTP API of rationed distribution: programmes and outlets (public), outlets' API keys
// (operators), sales at the counter and stock reports (outlets, with their API key as a bearer
// token, so no CSRF token: no cookie is involved), and the open stock dataset as JSON and as a
// server-sent-events stream.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { IdParam, Localised, problemResponses } from '../../core/schemas';
import type { OutletStock, Programme, RationingService, StockReport } from './service';
import type { StockEvent } from './stream';

const Band = Type.Union([Type.Literal('plenty'), Type.Literal('some'), Type.Literal('few'), Type.Literal('empty')], { description: 'plenty: 100 or more; some: 30–99; few: 2–29; empty: 0–1 (as the 2020 public mask API)' });

const DayRuleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('any-day') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('birth-year-last-digit'),
      digitsByWeekday: Type.Record(Type.String({ pattern: '^[1-7]$' }), Type.Array(Type.Integer({ minimum: 0, maximum: 9 }), { maxItems: 10 }), {
        description: 'ISO weekday (1 = Monday … 7 = Sunday, Korea time) → last digits of the birth years that may buy that day',
      }),
      anyoneOn: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, description: 'Weekdays on which anyone may buy' }),
    },
    { additionalProperties: false },
  ),
]);

const ProgrammeSchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  item: Localised('What is distributed'),
  limitPerPerson: Type.Integer({ description: 'Most one person may buy per period' }),
  period: Type.Union([Type.Literal('week'), Type.Literal('day')], { description: 'week: Monday to Sunday, Korea time' }),
  dayRule: DayRuleSchema,
});

const ProgrammeBody = Type.Object(
  {
    slug: Type.String({ minLength: 1, maxLength: 60 }),
    item: Type.Object({ ko: Type.String({ minLength: 1, maxLength: 100 }), en: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
    limitPerPerson: Type.Integer({ minimum: 1, maximum: 1000 }),
    period: Type.Union([Type.Literal('week'), Type.Literal('day')]),
    dayRule: DayRuleSchema,
  },
  { additionalProperties: false },
);

const OutletSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Localised('Outlet name'),
  regionCode: Type.String({ description: 'Province code (시·도), e.g. 11 for Seoul' }),
  address: Localised('Address'),
  longitude: Type.Number(),
  latitude: Type.Number(),
});

const OutletStockSchema = Type.Object({
  outletId: Type.Integer(),
  code: Type.String(),
  name: Localised('Outlet name'),
  regionCode: Type.String(),
  latitude: Type.Number(),
  longitude: Type.Number(),
  remaining: Type.Integer(),
  band: Band,
  deliveredTotal: Type.Integer(),
  soldTotal: Type.Integer(),
  version: Type.Integer({ description: 'Change number of this stock row' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const StockSchema = Type.Object({
  programmeId: Type.Integer(),
  lastEventId: Type.Integer({ description: 'Resume the stream from here (Last-Event-ID)' }),
  outlets: Type.Array(OutletStockSchema),
});

const SaleBody = Type.Object(
  {
    residentId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The buyer (a resident id)' })),
    rrn: Type.Optional(Type.String({ pattern: '^[0-9]{6}-?[0-9]{7}$', description: 'Or the buyer\'s resident registration number, as read from the ID card' })),
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

const ReceiptSchema = Type.Object({
  programmeId: Type.Integer(),
  outletCode: Type.String(),
  residentId: Type.Integer(),
  quantity: Type.Integer(),
  boughtThisPeriod: Type.Integer(),
  limitPerPerson: Type.Integer(),
  periodStart: Type.String({ format: 'date' }),
  periodEnd: Type.String({ format: 'date' }),
  outletStock: Type.Object({ remaining: Type.Integer(), band: Band }),
});

const StockReportBody = Type.Object(
  {
    delivered: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'A delivery: added to the stock' })),
    counted: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'A count: replaces the stock' })),
  },
  { additionalProperties: false },
);

const ProgrammeParams = IdParam('id', 'Programme id');
const OUTLET_AUTH = 'Outlets authenticate with `Authorization: Bearer ogr_…` (their API key, issued by an operator).';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

function outletJson(outlet: { id: number; code: string; name: { ko: string; en: string }; regionCode: string; address: { ko: string; en: string }; position: [number, number] }) {
  return { id: outlet.id, code: outlet.code, name: outlet.name, regionCode: outlet.regionCode, address: outlet.address, longitude: outlet.position[0], latitude: outlet.position[1] };
}

/** One SSE message: `id:` is the highest change number, so Last-Event-ID resumes after it. */
export function sseMessage(id: number, outlets: Array<Pick<OutletStock, 'outletId' | 'code' | 'remaining' | 'band' | 'version' | 'updatedAt'>>, programmeId: number): string {
  return `id: ${id}\nevent: stock\ndata: ${JSON.stringify({ programmeId, outlets })}\n\n`;
}

export function rationingRoutes(service: RationingService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const openStreams = new Set<() => void>();
    // Open streams would hold the server open forever: end them when the platform closes.
    fastify.addHook('preClose', async () => {
      for (const end of [...openStreams]) end();
    });

    app.get(
      '/api/v1/rationing/programmes',
      { schema: { tags: ['rationing'], summary: 'Rationing programmes (public)', security: [], response: { 200: Type.Object({ items: Type.Array(ProgrammeSchema) }) } } },
      async () => ({ items: await service.listProgrammes() }),
    );

    app.get(
      '/api/v1/rationing/programmes/:id',
      { schema: { tags: ['rationing'], summary: 'One rationing programme (public)', security: [], params: ProgrammeParams, response: { 200: ProgrammeSchema, ...problemResponses(400, 404) } } },
      async (request) => service.getProgramme(request.params.id),
    );

    app.post(
      '/api/v1/rationing/programmes',
      {
        schema: {
          tags: ['rationing'],
          summary: 'Set up a rationing programme (operators; audited). Every outlet takes part, with no stock until it reports a delivery.',
          body: ProgrammeBody,
          response: { 201: ProgrammeSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        requirePrincipal(request, ['operator']);
        const programme: Programme = await service.createProgramme({ actor: actorOf(request), requestId: request.id }, request.body);
        return reply.status(201).send(programme);
      },
    );

    app.get(
      '/api/v1/rationing/outlets',
      { schema: { tags: ['rationing'], summary: 'Outlets (pharmacies) with their location (public)', security: [], response: { 200: Type.Object({ items: Type.Array(OutletSchema) }) } } },
      async () => ({ items: (await service.listOutlets()).map(outletJson) }),
    );

    app.post(
      '/api/v1/rationing/outlets/:outletId/keys',
      {
        schema: {
          tags: ['rationing'],
          summary: 'Issue an outlet\'s API key (operators; audited). The secret is shown once; the outlet\'s earlier key stops working.',
          params: IdParam('outletId', 'Outlet id'),
          response: { 201: Type.Object({ outletCode: Type.String(), secret: Type.String() }), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        requirePrincipal(request, ['operator']);
        const { outlet, secret } = await service.issueOutletKey({ actor: actorOf(request), requestId: request.id }, request.params.outletId);
        return reply.status(201).header('cache-control', 'no-store').send({ outletCode: outlet.code, secret });
      },
    );

    app.post(
      '/api/v1/rationing/programmes/:id/sales',
      {
        config: { csrf: false },
        schema: {
          tags: ['rationing'],
          summary: 'Sell at the counter (outlets): checks the purchase day and the per-person limit, takes the stock; audited as a use of the buyer\'s data',
          description: `${OUTLET_AUTH} Give the buyer as residentId or rrn. Refusals: RATIONING_NOT_PURCHASE_DAY (403), RATIONING_LIMIT_REACHED and RATIONING_OUT_OF_STOCK (409).`,
          security: [],
          params: ProgrammeParams,
          body: SaleBody,
          response: { 201: ReceiptSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { residentId, rrn, quantity } = request.body;
        if ((residentId === undefined) === (rrn === undefined)) {
          throw new AppError('VALIDATION_FAILED', 'Give the buyer as exactly one of residentId or rrn.', [{ field: '/body/residentId', message: 'exactly one of residentId or rrn' }]);
        }
        const receipt = await service.sell({
          outletKey: bearer(request),
          programmeId: request.params.id,
          buyer: residentId !== undefined ? { residentId } : { rrn: rrn!.replace('-', '') },
          quantity,
          requestId: request.id,
        });
        return reply.status(201).send(receipt);
      },
    );

    app.post(
      '/api/v1/rationing/programmes/:id/stock',
      {
        config: { csrf: false },
        schema: {
          tags: ['rationing'],
          summary: 'Report stock (outlets): a delivery (added) or a count (replaces); audited, streamed',
          description: OUTLET_AUTH,
          security: [],
          params: ProgrammeParams,
          body: StockReportBody,
          response: { 200: OutletStockSchema, ...problemResponses(400, 401, 404) },
        },
      },
      async (request) => {
        const { delivered, counted } = request.body;
        if ((delivered === undefined) === (counted === undefined)) {
          throw new AppError('VALIDATION_FAILED', 'Report exactly one of delivered or counted.', [{ field: '/body/delivered', message: 'exactly one of delivered or counted' }]);
        }
        const report: StockReport = delivered !== undefined ? { delivered } : { counted: counted! };
        return service.reportStock(bearer(request), request.params.id, report, request.id);
      },
    );

    app.get(
      '/api/v1/rationing/programmes/:id/stock',
      {
        schema: {
          tags: ['rationing'],
          summary: 'Every outlet\'s stock, in real time (open data)',
          security: [],
          params: ProgrammeParams,
          response: { 200: StockSchema, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-cache');
        return service.stock(request.params.id);
      },
    );

    app.get(
      '/api/v1/rationing/programmes/:id/stock/stream',
      {
        schema: {
          tags: ['rationing'],
          summary: 'Stock changes as server-sent events (text/event-stream, open data)',
          description:
            'Each `stock` event carries the new level of every outlet that changed in the last moment (bursts are coalesced), with `id:` the highest change number. Reconnect with `Last-Event-ID` to receive the outlets that changed since (their latest levels).',
          security: [],
          params: ProgrammeParams,
          headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 20 })) }),
          response: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const programmeId = request.params.id;
        await service.getProgramme(programmeId);
        const given = request.headers['last-event-id'];
        const resumeFrom = given !== undefined && /^\d{1,15}$/.test(given.trim()) ? Number(given.trim()) : null;
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
          'x-content-type-options': 'nosniff',
        });
        let closed = false;
        const send = (event: StockEvent) => {
          if (closed) return;
          void Promise.all(event.changes.map((change) => service.outletStockOf(change)))
            .then((outlets) => {
              if (!closed) raw.write(sseMessage(event.id, outlets, programmeId));
            })
            .catch((error) => request.log.error({ err: error }, 'stock stream event failed'));
        };
        const unsubscribe = await service.stream.subscribe(programmeId, send);
        // Written once listening: a client that sees it will get every change committed after.
        raw.write('retry: 2000\n: stock changes follow\n\n');
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
        const end = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          unsubscribe();
          openStreams.delete(end);
          raw.end();
        };
        openStreams.add(end);
        request.raw.on('close', end);
        if (resumeFrom !== null) {
          const missed = await service.stockSince(programmeId, resumeFrom);
          if (missed.outlets.length > 0 && !closed) raw.write(sseMessage(missed.lastEventId, missed.outlets, programmeId));
        }
      },
    );
  };
}
