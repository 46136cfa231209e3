// A whole platform on a fresh database with a small synthetic population, for API and browser
// tests, plus a client that signs in through the real federated flow (chooser → simulated
// authenticator → signed assertion → callback) using injected requests.
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildPlatform, type Platform } from '../../src/app';
import { loadConfig, type Config } from '../../src/core/config';
import { createLogger } from '../../src/core/logger';
import { freshDatabase, type TestDatabase } from './db';

export interface TestPlatform extends Platform {
  database: TestDatabase;
  config: Config;
  /** Every log line the server wrote, for redaction tests. */
  logLines: string[];
  close(): Promise<void>;
}

export async function startTestPlatform(options: { residents?: number; env?: Record<string, string> } = {}): Promise<TestPlatform> {
  const database = await freshDatabase();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'info', ...options.env });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const platform = await buildPlatform({ config, pool: database.pool, logger: createLogger('info', sink) });
  await platform.identity.seedDemoStaff();
  await platform.registry.seedSyntheticPopulation({ seed: 20261122, residents: options.residents ?? 300 });
  return {
    ...platform,
    database,
    config,
    logLines,
    close: async () => {
      await platform.app.close();
      await database.drop();
    },
  };
}

/** A cookie jar over `app.inject`, like a browser without JavaScript. */
export class TestClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly app: FastifyInstance) {}

  get csrfToken(): string | undefined {
    return this.cookies.get('og_csrf');
  }

  async request(options: {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
    url: string;
    headers?: Record<string, string>;
    form?: Record<string, string>;
    json?: unknown;
    payload?: string | Buffer;
  }): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload = options.payload;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.json);
    }
    const response = await this.app.inject({ method: options.method ?? 'GET', url: options.url, headers, payload });
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now()) || cookie.value === '';
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** Chooses an authenticator on the sign-in page; returns the authenticator's authorize URL. */
  async beginSignIn(authenticator: string, returnTo = '/me'): Promise<URL> {
    await this.request({ url: '/sign-in' });
    const start = await this.request({ method: 'POST', url: '/sign-in/start', form: { _csrf: this.csrfToken!, authenticator, returnTo } });
    if (start.statusCode !== 303) throw new Error(`sign-in start: ${start.statusCode} ${start.body.slice(0, 300)}`);
    return new URL(start.headers.location as string, 'http://localhost');
  }

  /** Confirms a demo person on the simulated authenticator's page (`resident:7`, `staff:BAI-AUD-01`). */
  confirmIdentity(authorizeUrl: URL, person: string): Promise<LightMyRequestResponse> {
    return this.request({
      method: 'POST',
      url: authorizeUrl.pathname,
      form: { _csrf: this.csrfToken!, state: authorizeUrl.searchParams.get('state')!, nonce: authorizeUrl.searchParams.get('nonce')!, person },
    });
  }

  /** Returns to OnceGov with the authenticator's signed assertion. */
  finishSignIn(authorizeUrl: URL, assertion: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'POST', url: '/sign-in/callback', headers, form: { state: authorizeUrl.searchParams.get('state')!, assertion } });
  }

  /** Signs in through the chooser and a simulated authenticator, as a person would. */
  async signIn(person: { residentId: number } | { staffId: string }): Promise<LightMyRequestResponse> {
    const authorizeUrl = await this.beginSignIn('residentId' in person ? 'kakao' : 'gpki');
    const providerPage = await this.request({ url: `${authorizeUrl.pathname}${authorizeUrl.search}` });
    if (providerPage.statusCode !== 200) throw new Error(`authenticator page: ${providerPage.statusCode}`);
    const confirmed = await this.confirmIdentity(authorizeUrl, 'residentId' in person ? `resident:${person.residentId}` : `staff:${person.staffId}`);
    return this.finishSignIn(authorizeUrl, assertionIn(confirmed));
  }
}

/** The signed assertion in the authenticator's "continue" form. */
export function assertionIn(response: LightMyRequestResponse): string {
  const assertion = /name="assertion" value="([^"]+)"/.exec(response.body)?.[1];
  if (!assertion) throw new Error(`no assertion: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return assertion;
}
