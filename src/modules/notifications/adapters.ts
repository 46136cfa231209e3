// Channel adapters: how a delivery leaves the platform. One interface for every channel and
// provider; the delivery worker records what an adapter answers as GOV.UK Notify statuses:
//   - resolves 'delivered': the provider accepted the message (for SMTP: the relay took it);
//   - resolves 'temporary-failure': the provider could not deliver it now (mailbox full, phone
//     off, SMTP 4xx on the recipient): retried with backoff, up to a limit;
//   - resolves 'permanent-failure': the address does not work (SMTP 5xx on the recipient): never retried;
//   - throws (or times out): 'technical-failure', the adapter or provider is down: retried until it works.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Locale } from '../../core/i18n';
import type { Channel } from './service';

export interface OutgoingMessage {
  /** Unique per delivery; adapters use it to make a resend recognisable (file name, Message-ID). */
  deliveryId: number;
  notificationId: string;
  channel: Channel;
  /** An email address or a mobile number. */
  to: string;
  locale: Locale;
  /** Email subject (SMS: unused). */
  subject: string;
  /** The whole text, link included. */
  text: string;
}

export type AdapterOutcome =
  | { status: 'delivered'; providerReference?: string }
  | { status: 'temporary-failure' | 'permanent-failure'; reason: string; providerReference?: string };

export interface ChannelAdapter {
  /** For the delivery record, e.g. 'folder', 'smtp'. */
  readonly name: string;
  send(message: OutgoingMessage): Promise<AdapterOutcome>;
  close?(): Promise<void> | void;
}

/** RFC 2606 reserves `.invalid`: such an address can never work, so the dev adapters refuse it permanently. */
const INVALID_EMAIL = /\.invalid$/i;
/** Numbers 010-0000-xxxx are refused permanently by the dev SMS adapter, to try the failure path. */
const INVALID_PHONE = /^010-?0000-?\d{4}$/;

/**
 * Development adapter: writes each message as a file into `directory` (email as an .eml file any
 * mail program opens, SMS as a .txt file), named by delivery id so a resend overwrites rather
 * than duplicates. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export class FolderAdapter implements ChannelAdapter {
  readonly name = 'folder';
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(private readonly options: { channel: Channel; directory: string; from?: string }) {}

  async send(message: OutgoingMessage): Promise<AdapterOutcome> {
    if (message.channel !== this.options.channel) throw new Error(`the ${this.options.channel} folder adapter was given a ${message.channel} message`);
    const invalid = message.channel === 'email' ? INVALID_EMAIL.test(message.to) || !message.to.includes('@') : INVALID_PHONE.test(message.to);
    if (invalid) return { status: 'permanent-failure', reason: `the address ${message.channel === 'email' ? 'does not exist' : 'is not a working number'}` };
    const directory = join(this.options.directory, message.channel);
    await mkdir(directory, { recursive: true });
    const file = join(directory, `${message.deliveryId}.${message.channel === 'email' ? 'eml' : 'txt'}`);
    const content = message.channel === 'email' ? await this.compose(message) : smsFile(message);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, content);
    await rename(temporary, file);
    return { status: 'delivered', providerReference: file };
  }

  private async compose(message: OutgoingMessage): Promise<Buffer> {
    const info = await this.composer.sendMail(mailOptions(message, this.options.from ?? DEFAULT_FROM));
    return info.message as Buffer;
  }
}

/** The SMS development adapter: a FolderAdapter for text messages. */
export function folderSmsAdapter(directory: string): FolderAdapter {
  return new FolderAdapter({ channel: 'sms', directory });
}

function smsFile(message: OutgoingMessage): string {
  return `To: ${message.to}\nNotification: ${message.notificationId}\nLanguage: ${message.locale}\n\n${message.text}\n`;
}

const DEFAULT_FROM = 'OnceGov <no-reply@oncegov.example>';

function mailOptions(message: OutgoingMessage, from: string) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    // One Message-ID per delivery: a resend after a crash is recognisably the same message.
    messageId: `<delivery-${message.deliveryId}.${message.notificationId.toLowerCase()}@oncegov.notifications>`,
    headers: { 'Content-Language': message.locale, 'X-OnceGov-Notification': message.notificationId },
  };
}

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Give up on a silent server after this long (a technical failure, retried). */
  timeoutMs?: number;
}

/**
 * Production email adapter over SMTP (nodemailer). A 5xx answer to RCPT TO is a permanent failure
 * (no such mailbox), a 4xx one a temporary failure; anything else going wrong (connection refused,
 * authentication, a 4xx/5xx on DATA) throws and becomes a technical failure, retried.
 */
export class SmtpEmailAdapter implements ChannelAdapter {
  readonly name = 'smtp';
  private readonly transport;

  constructor(private readonly options: SmtpOptions) {
    const timeout = options.timeoutMs ?? 30_000;
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(message: OutgoingMessage): Promise<AdapterOutcome> {
    if (message.channel !== 'email') throw new Error(`the SMTP adapter sends email, not ${message.channel}`);
    try {
      const info = await this.transport.sendMail(mailOptions(message, this.options.from));
      if (info.rejected.length > 0) return { status: 'permanent-failure', reason: `the server refused ${message.to}` };
      return { status: 'delivered', providerReference: info.messageId };
    } catch (error) {
      const smtp = error as { command?: string; responseCode?: number; response?: string };
      if (smtp.command === 'RCPT TO' && typeof smtp.responseCode === 'number') {
        const reason = `${smtp.responseCode} ${(smtp.response ?? '').slice(0, 200)}`.trim();
        return smtp.responseCode >= 500 ? { status: 'permanent-failure', reason } : { status: 'temporary-failure', reason };
      }
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }
}
