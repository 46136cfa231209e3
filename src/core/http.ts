// HTTP conventions shared by every route: request ids, the reader's language, security headers,
// and turning every failure into RFC 9457 problem+json (or an HTML error page for browsers) with
// a stable code from the catalogue. Clients never see a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, problemTypeUri, toProblem, type ErrorCode, type FieldProblem } from './errors';
import { resolveLocale, t, defineMessages, type Locale } from './i18n';
import { html } from './web/html';
import { renderPage } from './web/layout';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}

const messages = defineMessages({
  errorCode: { ko: '오류 코드', en: 'Error code' },
  requestId: { ko: '요청 번호', en: 'Request ID' },
  backHome: { ko: '홈으로 가기', en: 'Go to the home page' },
});

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_TYPE: 'MALFORMED_BODY',
  FST_ERR_BAD_URL: 'VALIDATION_FAILED',
  FST_ERR_ASYNC_CONSTRAINT: 'VALIDATION_FAILED',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
};

const KOREAN_VALIDATION: Record<string, string> = {
  required: '필수 항목입니다',
  type: '형식이 올바르지 않습니다',
  minLength: '너무 짧습니다',
  maxLength: '너무 깁니다',
  pattern: '형식이 올바르지 않습니다',
  format: '형식이 올바르지 않습니다',
  enum: '허용된 값이 아닙니다',
  minimum: '값이 너무 작습니다',
  maximum: '값이 너무 큽니다',
  additionalProperties: '허용되지 않는 항목입니다',
};

export function registerHttpConventions(app: FastifyInstance): void {
  app.decorateRequest('locale', 'ko');

  app.addHook('onRequest', async (request, reply) => {
    request.locale = resolveLocale({
      query: request.query,
      cookie: request.cookies?.lang,
      acceptLanguage: request.headers['accept-language'],
    });
    const explicit = (request.query as { lang?: string } | undefined)?.lang;
    if (explicit === request.locale) reply.setCookie('lang', request.locale, { path: '/', sameSite: 'lax', httpOnly: true });
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
    reply.header('content-language', request.locale);
    reply.header('vary', 'Accept-Language, Cookie');
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = toAppError(error, request.locale);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
    return sendProblem(request, reply, appError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new AppError('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}

function toAppError(error: FastifyError | AppError, locale: Locale): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const context = error.validationContext ?? 'body';
    const errors: FieldProblem[] = error.validation.map((issue) => {
      const missing = (issue.params as { missingProperty?: string; additionalProperty?: string } | undefined);
      const name = missing?.missingProperty ?? missing?.additionalProperty;
      const field = `/${context}${issue.instancePath}${name ? `/${name}` : ''}`;
      const message = locale === 'ko' ? (KOREAN_VALIDATION[issue.keyword] ?? '값이 올바르지 않습니다') : (issue.message ?? 'is invalid');
      return { field, message };
    });
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', detail, errors);
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return new AppError(mapped, error.message);
  if (error instanceof SyntaxError || (error.statusCode === 400 && !error.code)) return new AppError('MALFORMED_BODY', error.message);
  const status = error.statusCode ?? 500;
  if (status === 413) return new AppError('BODY_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 405) return new AppError('METHOD_NOT_ALLOWED');
  if (status === 404) return new AppError('NOT_FOUND');
  if (status >= 400 && status < 500) return new AppError('VALIDATION_FAILED', error.message);
  return new AppError('INTERNAL_ERROR');
}

function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  // Errors raised by the router itself arrive before the hooks that choose the language.
  request.locale ??= resolveLocale({ query: request.query, acceptLanguage: request.headers['accept-language'] });
  const locale = request.locale;
  const problem = toProblem(error, locale, request.url.split('?')[0]!, request.id);
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  if (wantsHtml(request)) {
    // Details are written for developers in English; validation details follow the reader.
    const detailIsEnglish = locale !== 'en' && error.code !== 'VALIDATION_FAILED';
    return renderPage(request, reply, {
      status: problem.status,
      title: problem.title,
      body: html`<h1>${problem.title}</h1>
${problem.detail ? (detailIsEnglish ? html`<p lang="en">${problem.detail}</p>` : html`<p>${problem.detail}</p>`) : ''}
${problem.errors?.length ? html`<ul>${problem.errors.map((e) => html`<li><code>${e.field}</code>: ${e.message}</li>`)}</ul>` : ''}
<dl class="facts"><dt>${t(locale, messages.errorCode)}</dt><dd><a href="${problemTypeUri(error.code)}">${error.code}</a></dd>
<dt>${t(locale, messages.requestId)}</dt><dd><code>${request.id}</code></dd></dl>
<p><a href="/">${t(locale, messages.backHome)}</a></p>`,
    });
  }
  return reply.status(problem.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(problem));
}
