// The SMTP email adapter against a tiny fake SMTP server (node:net, in this file): an accepted
// message is 'delivered' and carries the notice's text and ids; a 5xx on the recipient is a
// permanent failure, a 4xx a temporary one; a server that is down makes the adapter throw (the
// worker records a technical failure and retries). Also: the configuration that picks adapters.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { SmtpEmailAdapter, type OutgoingMessage } from './adapters';
import { adaptersFromConfig } from './setup';

interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

/** A minimal SMTP server: EHLO, MAIL, RCPT (answer chosen per address), DATA, QUIT. */
async function fakeSmtpServer(rcptReply: (address: string) => string = () => '250 2.1.5 OK'): Promise<{ server: Server; port: number; received: ReceivedMail[] }> {
  const received: ReceivedMail[] = [];
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let mail: ReceivedMail = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 fake.smtp.test ESMTP ready');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(mail);
          mail = { from: '', to: [], data: '' };
          reply('250 2.0.0 Ok: queued as FAKE1');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-fake.smtp.test\r\n250 8BITMIME');
        else if (verb === 'HELO') reply('250 fake.smtp.test');
        else if (verb === 'MAIL') {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          const answer = rcptReply(address);
          if (answer.startsWith('250')) mail.to.push(address);
          reply(answer);
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') reply('250 OK');
        else if (verb === 'QUIT') {
          reply('221 Bye');
          socket.end();
        } else reply('502 5.5.2 Command not recognized');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port, received };
}

const servers: Server[] = [];
const adapters: SmtpEmailAdapter[] = [];
afterEach(async () => {
  for (const adapter of adapters.splice(0)) adapter.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

function smtpAdapter(port: number): SmtpEmailAdapter {
  const adapter = new SmtpEmailAdapter({ host: '127.0.0.1', port, secure: false, from: 'OnceGov <no-reply@oncegov.example>', timeoutMs: 2000 });
  adapters.push(adapter);
  return adapter;
}

const message: OutgoingMessage = {
  deliveryId: 42,
  notificationId: 'NTF-00000000-0000-4000-8000-000000000042',
  channel: 'email',
  to: 'parent@example.kr',
  locale: 'en',
  subject: 'You can get Child allowance',
  text: 'You are eligible for Child allowance.\n\nhttps://oncegov.example/services/child-allowance',
};

describe('SmtpEmailAdapter', () => {
  it('an accepted message is delivered, with subject, text, language and the delivery\'s own Message-ID', async () => {
    const smtp = await fakeSmtpServer();
    servers.push(smtp.server);
    const outcome = await smtpAdapter(smtp.port).send(message);
    expect(outcome.status).toBe('delivered');
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('no-reply@oncegov.example');
    expect(mail.to).toEqual(['parent@example.kr']);
    expect(mail.data).toContain('Subject: You can get Child allowance');
    expect(mail.data).toContain('Content-Language: en');
    expect(mail.data).toContain('You are eligible for Child allowance.');
    expect(mail.data).toContain('https://oncegov.example/services/child-allowance');
    expect(mail.data).toMatch(/Message-ID:\s*<delivery-42\.ntf-0+-0+-4000-8000-0+42@oncegov\.notifications>/);
  });

  it('Korean text survives the trip (encoded, then decoded intact)', async () => {
    const smtp = await fakeSmtpServer();
    servers.push(smtp.server);
    await smtpAdapter(smtp.port).send({ ...message, locale: 'ko', subject: '아동수당 신청 대상입니다', text: '아동수당 지원 대상으로 확인되었습니다.' });
    const data = smtp.received[0]!.data;
    // The subject is folded into RFC 2047 encoded words; join their bytes and decode.
    const header = /\r\nSubject: (.*(?:\r\n[ \t].*)*)/.exec(data)![1]!;
    expect(header).not.toContain('아동');
    const words = [...header.matchAll(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi)];
    expect(words.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(
      words.map(([, kind, text]) =>
        kind!.toUpperCase() === 'B'
          ? Buffer.from(text!, 'base64')
          : Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1'),
      ),
    );
    expect(bytes.toString('utf8')).toBe('아동수당 신청 대상입니다');
    const body = data.slice(data.indexOf('\r\n\r\n') + 4);
    const decoded = /Content-Transfer-Encoding: base64/i.test(data)
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    expect(decoded).toContain('아동수당 지원 대상으로 확인되었습니다.');
  });

  it('a 5xx answer to the recipient is a permanent failure (the address does not work)', async () => {
    const smtp = await fakeSmtpServer((address) => (address.startsWith('nobody') ? '550 5.1.1 <nobody@example.kr>: Recipient address rejected: User unknown' : '250 OK'));
    servers.push(smtp.server);
    const outcome = await smtpAdapter(smtp.port).send({ ...message, to: 'nobody@example.kr' });
    expect(outcome).toMatchObject({ status: 'permanent-failure' });
    expect((outcome as { reason: string }).reason).toContain('550');
    expect(smtp.received).toHaveLength(0);
  });

  it('a 4xx answer to the recipient is a temporary failure (try again later)', async () => {
    const smtp = await fakeSmtpServer(() => '452 4.2.2 Mailbox full');
    servers.push(smtp.server);
    const outcome = await smtpAdapter(smtp.port).send(message);
    expect(outcome).toMatchObject({ status: 'temporary-failure' });
    expect((outcome as { reason: string }).reason).toContain('452');
  });

  it('a server that is down makes the adapter throw: a technical failure, for the worker to retry', async () => {
    const smtp = await fakeSmtpServer();
    const port = smtp.port;
    await new Promise((done) => smtp.server.close(done));
    await expect(smtpAdapter(port).send(message)).rejects.toThrow(/ECONNREFUSED|connect/i);
  });
});

describe('notification adapters from configuration', () => {
  it('defaults to the folder adapters under DATA_DIR/outbox', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/oncegov-config-test' });
    expect(config.notifications).toMatchObject({ emailAdapter: 'folder', outboxDir: resolve('/tmp/oncegov-config-test/outbox'), smtp: null, retryBaseMs: 30_000, maxAttempts: 10 });
    const chosen = adaptersFromConfig(config.notifications);
    expect([chosen.email.name, chosen.sms.name]).toEqual(['folder', 'folder']);
  });

  it('picks SMTP when configured, and requires its host', () => {
    const config = loadConfig({ NOTIFY_EMAIL_ADAPTER: 'smtp', SMTP_HOST: 'mail.example.kr', SMTP_USER: 'notify', SMTP_PASSWORD: 's3cret' });
    expect(config.notifications.smtp).toEqual({ host: 'mail.example.kr', port: 587, secure: false, user: 'notify', password: 's3cret' });
    const chosen = adaptersFromConfig(config.notifications);
    expect(chosen.email.name).toBe('smtp');
    (chosen.email as SmtpEmailAdapter).close();
    expect(() => loadConfig({ NOTIFY_EMAIL_ADAPTER: 'smtp' })).toThrow(/SMTP_HOST is required/);
    expect(() => loadConfig({ NOTIFY_EMAIL_ADAPTER: 'pigeon' })).toThrow(/NOTIFY_EMAIL_ADAPTER must be one of folder, smtp/);
    expect(() => loadConfig({ NOTIFY_RETRY_BASE_SECONDS: '600', NOTIFY_RETRY_CAP_SECONDS: '60' })).toThrow(/NOTIFY_RETRY_CAP_SECONDS/);
  });
});
