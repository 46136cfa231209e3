// A browser without JavaScript for the benchmarks that drive the real server over HTTP: fetch with
// a cookie jar, redirects left to the caller, and sign-in through the simulated authenticator.

export const REQUEST_TIMEOUT_MS = 10_000;

export class HttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  get csrfToken(): string {
    const token = this.cookies.get('og_csrf');
    if (!token) throw new Error('no og_csrf cookie yet');
    return token;
  }

  has(cookie: string): boolean {
    return this.cookies.has(cookie);
  }

  async request(
    path: string,
    options: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(path, this.base);
    if (url.origin !== new URL(this.base).origin) throw new Error(`refusing to leave ${this.base}: ${url}`);
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(url, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired =
        value === '' ||
        attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Chooser → simulated authenticator → assertion → callback, as in test/support/platform.ts. */
  async signIn(residentId: number): Promise<void> {
    await (await this.request('/sign-in')).arrayBuffer();
    const start = await this.request('/sign-in/start', { form: { _csrf: this.csrfToken, authenticator: 'kakao', returnTo: '/me' } });
    await start.arrayBuffer();
    if (start.status !== 303) throw new Error(`sign-in start: ${start.status}`);
    const authorizeUrl = new URL(start.headers.get('location')!, this.base);
    const page = await this.request(`${authorizeUrl.pathname}${authorizeUrl.search}`);
    await page.arrayBuffer();
    if (page.status !== 200) throw new Error(`authenticator page: ${page.status}`);
    const state = authorizeUrl.searchParams.get('state')!;
    const confirmed = await this.request(authorizeUrl.pathname, {
      form: { _csrf: this.csrfToken, state, nonce: authorizeUrl.searchParams.get('nonce')!, person: `resident:${residentId}` },
    });
    const html = await confirmed.text();
    const assertion = /name="assertion" value="([^"]+)"/.exec(html)?.[1];
    if (!assertion) throw new Error(`no assertion: ${confirmed.status} ${html.slice(0, 300)}`);
    const callback = await this.request('/sign-in/callback', { form: { state, assertion } });
    await callback.arrayBuffer();
    if (callback.status !== 303 || !this.has('og_session')) throw new Error(`sign-in callback: ${callback.status}`);
  }
}
