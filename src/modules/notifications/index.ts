// The notifications module's public surface (issue 4; Postgres schema `notifications`): residents'
// inbox notices with email and SMS deliveries (GOV.UK Notify statuses, retries with backoff),
// ko/en templates with ((placeholder)) personalisation, and per-category opt-out.
//
//   await notifications.send(tx, { residentId, category: 'child', templateId: 'benefit-eligible',
//     personalisation: { serviceName: { ko: '아동수당', en: 'Child allowance' }, reason, amount, link },
//     idempotencyKey: `benefit-eligible:child-allowance:${residentId}`, link: '/services/child-allowance',
//     reference: 'child-allowance' });   // inside the caller's transaction → 'created' | 'duplicate' | 'suppressed'
//   await notifications.sendMany(tx, requests);   // the same for a whole sweep, a fixed number of statements
export { NOTIFICATION_CATEGORIES, CATEGORY_TITLES, isNotificationCategory } from './categories';
export type { NotificationCategory } from './categories';
export { notificationTemplates, TemplateRegistry } from './templates';
export type { NotificationTemplate, Personalisation, PersonalisationValue, RenderedTemplate } from './templates';
export { NotificationsService, NOTIFICATIONS_ACTOR, CHANNELS, DELIVERY_STATUSES, NOTIFICATION_ID_PATTERN } from './service';
export type {
  Channel,
  ContactDetailsSource,
  DeliveryStatus,
  DeliverySummary,
  Notification,
  NotificationContext,
  NotificationPage,
  NotificationPreferences,
  SendRequest,
  SendResult,
} from './service';
export { DeliveryWorker, DEFAULT_RETRY_POLICY, backoffMs } from './delivery';
export type { DeliveryRunReport, DeliveryWorkerOptions, RetryPolicy } from './delivery';
export { FolderAdapter, SmtpEmailAdapter, folderSmsAdapter } from './adapters';
export type { AdapterOutcome, ChannelAdapter, OutgoingMessage, SmtpOptions } from './adapters';
export { adaptersFromConfig, createNotifications } from './setup';
export { notificationsRoutes } from './routes';
export { notificationsPages } from './pages';
