import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPersonalData } from './logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('log redaction', () => {
  it('masks anything shaped like a resident registration number, with or without the hyphen', () => {
    expect(maskPersonalData('rrn 900101-1234567 and 0002034123457')).toBe('rrn 900101-1****** and 000203-4******');
  });

  it('keeps personal fields and registration numbers out of every part of a log line', () => {
    const { logger, lines } = capture();
    logger.info({ rrn: '8501012345678', nested: { email: 'kim@example.kr', note: 'holder 850101-2345678' } }, 'lookup for 850101-2345678');
    logger.error({ err: new Error('no resident 8501012345678') }, 'failed');
    const output = lines.join('');
    expect(output).not.toMatch(/2345678/);
    expect(output).not.toContain('kim@example.kr');
    expect(output).toContain('850101-2******');
    expect(output).toContain('[redacted]');
  });

  it('logs request paths without their query strings', () => {
    const { logger, lines } = capture();
    logger.info({ req: { method: 'GET', url: '/api/v1/x?rrn=secret-value', id: 'r1' } }, 'incoming');
    expect(lines.join('')).toContain('"path":"/api/v1/x"');
    expect(lines.join('')).not.toContain('secret-value');
  });
});
