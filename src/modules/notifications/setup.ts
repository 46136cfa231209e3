// How the platform builds this module from its configuration: the service, the delivery worker
// and the adapters the configuration names. src/app.ts calls this; src/main.ts starts the worker
// and the application's close stops it.
import type { AuditLog } from '../../core/audit';
import type { Config } from '../../core/config';
import type { Pool } from '../../core/db';
import { FolderAdapter, SmtpEmailAdapter, type ChannelAdapter } from './adapters';
import { DeliveryWorker } from './delivery';
import { NotificationsService, type Channel, type ContactDetailsSource } from './service';

export function adaptersFromConfig(config: Config['notifications']): Record<Channel, ChannelAdapter> {
  const email =
    config.emailAdapter === 'smtp' && config.smtp
      ? new SmtpEmailAdapter({ ...config.smtp, from: config.emailFrom })
      : new FolderAdapter({ channel: 'email', directory: config.outboxDir, from: config.emailFrom });
  return { email, sms: new FolderAdapter({ channel: 'sms', directory: config.outboxDir }) };
}

export function createNotifications(deps: {
  pool: Pool;
  audit: AuditLog;
  contacts: ContactDetailsSource;
  config: Config;
  onError?: (error: unknown) => void;
  /** Instead of the configured ones (tests). */
  adapters?: Partial<Record<Channel, ChannelAdapter>>;
}): { notifications: NotificationsService; notificationWorker: DeliveryWorker } {
  const settings = deps.config.notifications;
  const notificationWorker = new DeliveryWorker(deps.pool, deps.adapters ?? adaptersFromConfig(settings), {
    publicBaseUrl: deps.config.publicBaseUrl,
    retry: { baseMs: settings.retryBaseMs, capMs: settings.retryCapMs, maxAttempts: settings.maxAttempts },
    onError: deps.onError,
  });
  const notifications = new NotificationsService(deps.pool, deps.audit, deps.contacts, { onDeliveriesCreated: () => notificationWorker.poke() });
  return { notifications, notificationWorker };
}
