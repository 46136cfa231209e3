// A fetch for openid-client that answers from this Fastify application in-process (app.inject)
// instead of over the network: the demo relying party lives in the same server, and tests drive
// a real relying party against the provider without a socket. The Host header is the URL's, so
// the provider builds its URLs for the issuer's host.
import type { FastifyInstance } from 'fastify';
import type { CustomFetchOptions } from 'openid-client';

export function injectFetch(app: FastifyInstance) {
  return async (url: string, options: CustomFetchOptions): Promise<Response> => {
    const target = new URL(url);
    const headers: Record<string, string> = { ...options.headers, host: target.host };
    const body = options.body;
    const payload = body === undefined || body === null ? undefined : body instanceof URLSearchParams ? body.toString() : typeof body === 'string' ? body : Buffer.from(body as ArrayBuffer);
    const response = await app.inject({ method: options.method as 'GET', url: `${target.pathname}${target.search}`, headers, payload });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) value.forEach((v) => responseHeaders.append(name, v));
      else if (value !== undefined) responseHeaders.set(name, String(value));
    }
    const empty = [204, 205, 304].includes(response.statusCode);
    return new Response(empty ? null : response.rawPayload, { status: response.statusCode, headers: responseHeaders });
  };
}
