import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody } from '../../protocol/errors.js';
import { AppError } from './errors.js';

/** Pure: a readable one-line summary of validation issues, e.g. "body.text: message is empty". */
export function describeIssues(issues: readonly { instancePath?: string; message?: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${(i.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.') || 'input'}: ${i.message ?? 'invalid'}`)
    .join('; ');
}

/**
 * Fixed words for errors raised by the framework or Node's HTTP parser. Their own messages quote
 * the URL, a header or a JSON fragment back at the sender; ours never echo input.
 */
const FRAMEWORK_MESSAGES: Record<number, string> = {
  400: 'The request is malformed.',
  404: 'No such route.',
  405: 'That method is not allowed here.',
  408: 'The request took too long to arrive.',
  413: 'The request body is too large.',
  414: 'The address is too long.',
  415: 'Send the body as application/json.',
  431: 'The request headers are too large.',
};

/** Pure: the error body for a framework-level 4xx; never echoes what the client sent. */
export function frameworkErrorBody(status: number, fastifyCode?: string): ErrorBody {
  const code = status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'VALIDATION';
  if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY') return { code, message: 'The body is not valid JSON.' };
  if (fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { code, message: 'The JSON body is empty.' };
  if (status === 429) return { code, message: 'Slow down.' };
  return { code, message: FRAMEWORK_MESSAGES[status] ?? STATUS_CODES[status] ?? 'The request was refused.' };
}

/**
 * Fastify `frameworkErrors`: a bad percent-encoding (400) or a path parameter past
 * `maxParamLength` (414) is answered before routing, so the error handler never sees it.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
  void reply.status(status).header('cache-control', 'no-store').send({ error: frameworkErrorBody(status, err.code) });
}

/**
 * Fastify `clientErrorHandler`: Node's HTTP parser refuses some requests before Fastify sees them
 * (431 headers or URL too large, 400 malformed, 408 timeout). Answer in our shape and close.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_URI_TOO_LONG' ? 414 : 400;
  const body = JSON.stringify({ error: frameworkErrorBody(status) });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * One error handler: AppErrors become `{error: {code, message}}` with their status; validation
 * errors become VALIDATION; anything else is logged and hidden behind INTERNAL.
 */
export const errorHandlerPlugin = fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
      let status: number;
      let body: ErrorBody;
      if (err instanceof AppError) {
        status = err.status;
        body = err.toBody();
        if (err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter));
      } else if (hasZodFastifySchemaValidationErrors(err)) {
        status = 400;
        body = { code: 'VALIDATION', message: `Invalid ${err.validationContext ?? 'input'}: ${describeIssues(err.validation)}` };
      } else if (err.statusCode && err.statusCode < 500) {
        status = err.statusCode;
        body = frameworkErrorBody(status, err.code);
      } else {
        request.log.error({ err }, 'unhandled error');
        status = 500;
        body = { code: 'INTERNAL', message: 'Something went wrong on our side.' };
      }
      return reply.status(status).send({ error: body });
    });
    app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: frameworkErrorBody(404) }));
  },
  { name: 'error-handler' },
);
