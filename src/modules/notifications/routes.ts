// HTTP API of notifications for the signed-in resident: the inbox (paged, newest first), one
// notice, marking it read, and the notification preferences (categories opted out of, language).
// Every read and change is audited by the service; another resident's notice answers 404.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { Localised, problemResponses } from '../../core/schemas';
import { CATEGORY_TITLES, NOTIFICATION_CATEGORIES } from './categories';
import {
  CHANNELS,
  DEFAULT_PAGE_SIZE,
  DELIVERY_STATUSES,
  MAX_PAGE_SIZE,
  NOTIFICATION_ID_PATTERN,
  type NotificationContext,
  type NotificationPreferences,
  type NotificationsService,
} from './service';

const literals = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });
const Category = literals(NOTIFICATION_CATEGORIES, 'Notification category');
const Language = Type.Union([Type.Literal('ko'), Type.Literal('en')]);

const NotificationSchema = Type.Object({
  id: Type.String({ description: 'NTF-<uuid>' }),
  residentId: Type.Integer(),
  category: Category,
  templateId: Type.String(),
  locale: Type.Union([Language], { description: 'The language email and SMS went out in' }),
  title: Localised('Title (Korean and English)'),
  body: Localised('Text, paragraphs separated by a blank line (Korean and English)'),
  link: Type.Union([Type.String(), Type.Null()], { description: 'A page on this site the notice points to' }),
  reference: Type.Union([Type.String(), Type.Null()], { description: 'What the notice is about, e.g. a service id' }),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deliveries: Type.Array(
    Type.Object({
      channel: literals(CHANNELS, 'email or sms'),
      status: literals(DELIVERY_STATUSES, 'GOV.UK Notify delivery status'),
      attempts: Type.Integer(),
      updatedAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

const NotificationPageSchema = Type.Object({
  items: Type.Array(NotificationSchema),
  total: Type.Integer({ description: 'All of the resident\'s notices' }),
  unread: Type.Integer({ description: 'How many are unread' }),
  offset: Type.Integer(),
  limit: Type.Integer(),
});

const PreferencesSchema = Type.Object({
  optedOut: Type.Array(Category, { description: 'Categories the resident receives no notices in' }),
  language: Type.Union([Language, Type.Null()], { description: 'Language of email and SMS; null: not chosen (Korean)' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  categories: Type.Array(
    Type.Object({ id: Category, title: Localised('Category name'), hint: Localised('What it covers'), receiving: Type.Boolean() }),
    { description: 'Every category, and whether the resident receives it' },
  ),
});

const PreferencesBody = Type.Object(
  {
    optedOut: Type.Array(Category, { maxItems: NOTIFICATION_CATEGORIES.length, uniqueItems: true, description: 'The categories to receive no notices in (all others are received)' }),
    language: Type.Optional(Type.Union([Language, Type.Null()], { description: 'Language of email and SMS' })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ pattern: NOTIFICATION_ID_PATTERN, maxLength: 40, description: 'Notification id, NTF-<uuid>' }) });

export function notificationContextOf(request: FastifyRequest): NotificationContext {
  return { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id };
}

export function preferencesView(preferences: NotificationPreferences) {
  return {
    ...preferences,
    categories: NOTIFICATION_CATEGORIES.map((id) => ({ id, title: CATEGORY_TITLES[id].title, hint: CATEGORY_TITLES[id].hint, receiving: !preferences.optedOut.includes(id) })),
  };
}

export function notificationsRoutes(notifications: NotificationsService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/me/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: 'The signed-in resident\'s notifications, newest first, one page (audited)',
          querystring: Type.Object({
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
          }),
          response: { 200: NotificationPageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) =>
        reply.header('cache-control', 'no-store').send(await notifications.listForResident(notificationContextOf(request), { offset: request.query.offset, limit: request.query.limit })),
    );

    app.get(
      '/api/v1/me/notifications/:id',
      {
        schema: {
          tags: ['notifications'],
          summary: 'One of the signed-in resident\'s notifications (audited; someone else\'s: 404, audited as denied)',
          params: IdParams,
          response: { 200: NotificationSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await notifications.get(notificationContextOf(request), request.params.id)),
    );

    app.post(
      '/api/v1/me/notifications/:id/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark one of the signed-in resident\'s notifications as read (audited; again: no change; someone else\'s: 404)',
          params: IdParams,
          response: { 200: NotificationSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await notifications.markRead(notificationContextOf(request), request.params.id)),
    );

    app.get(
      '/api/v1/me/notification-preferences',
      {
        schema: {
          tags: ['notifications'],
          summary: 'The signed-in resident\'s notification preferences: categories opted out of, language (audited)',
          response: { 200: PreferencesSchema, ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(preferencesView(await notifications.getPreferences(notificationContextOf(request)))),
    );

    app.put(
      '/api/v1/me/notification-preferences',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Replace the signed-in resident\'s notification preferences (audited with the old and new values)',
          body: PreferencesBody,
          response: { 200: PreferencesSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) =>
        reply
          .header('cache-control', 'no-store')
          .send(preferencesView(await notifications.setPreferences(notificationContextOf(request), { optedOut: request.body.optedOut as string[], language: request.body.language ?? null }))),
    );
  };
}
