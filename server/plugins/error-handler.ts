import type { FastifyError } from 'fastify';
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
        const code = status === 413 ? 'VALIDATION' : status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : 'VALIDATION';
        body = { code, message: err.message };
      } else {
        request.log.error({ err }, 'unhandled error');
        status = 500;
        body = { code: 'INTERNAL', message: 'Something went wrong on our side.' };
      }
      return reply.status(status).send({ error: body });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } }),
    );
  },
  { name: 'error-handler' },
);
