// Structured logging (pino) shared by the server and the CLIs. Personal data never reaches a log:
// known personal fields are redacted by path, and anything shaped like a resident registration
// number is masked wherever it appears (URLs, messages, error texts).
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const RRN_PATTERN = /(?<!\d)(\d{6})-?([1-8])\d{6}(?!\d)/g;
const PERSONAL_FIELDS = ['rrn', 'residentRegistrationNumber', 'password', 'birthDate', 'birth_date', 'phone', 'email', 'name_ko', 'nameKo', 'address', 'address_ko', 'assertion'];

export function maskPersonalData(text: string): string {
  return text.replace(RRN_PATTERN, '$1-$2******');
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  // Errors, requests and responses go through the serializers below, which mask them.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = PERSONAL_FIELDS.includes(key) ? '[redacted]' : scrub(item, depth + 1);
  }
  return out;
}

export function loggerOptions(level: LoggerOptions['level']): LoggerOptions {
  return {
    level,
    base: { service: 'oncegov' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.rrn'],
      censor: '[redacted]',
    },
    formatters: {
      log: (object) => scrub(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? maskPersonalData(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
    serializers: {
      // Query strings can carry personal data; only the path is logged.
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: maskPersonalData(String(req.url ?? '').split('?')[0]!),
        id: req.id,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: Error & { code?: string; statusCode?: number }) => ({
        type: err.name,
        code: err.code,
        statusCode: err.statusCode,
        message: maskPersonalData(String(err.message ?? '')),
        stack: err.stack ? maskPersonalData(err.stack) : undefined,
      }),
    },
  };
}

export function createLogger(level: LoggerOptions['level'], destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
