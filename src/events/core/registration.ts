import { applyDecorators, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Caller } from '../../common/auth/caller';
import { ApiProblems } from '../../common/errors/problem.dto';
import { CreatedRecordDto } from './dto/created-record.dto';
import type { RegistrationResult } from './events.service';
import { ApiIdempotencyKey } from './idempotency-key';

/** Every answer a registration can give, the same for every kind: 200 + Location, or a problem. */
export const REGISTRATION_PROBLEMS = [400, 401, 403, 409, 413, 415, 429, 500, 503];

/** POST answering 200 (not 201: the tutorial's contract), with its documented answers and the Idempotency-Key header. */
export const RegistrationEndpoint = () =>
  applyDecorators(
    Post(),
    HttpCode(200),
    ApiIdempotencyKey(),
    ApiOkResponse({
      type: CreatedRecordDto,
      headers: { Location: { description: "The new event's versioned URI", schema: { type: 'string', format: 'uri' } } },
    }),
    ApiProblems(...REGISTRATION_PROBLEMS),
  );

const audit = new Logger('Registration');

/**
 * The create answer: the workitem-id where there is one, else the new
 * event-id; and the Location header. Every registration is logged, tied to
 * its request and attributable to the token's subject and client (the token
 * itself is never logged).
 */
export function answerRegistration(result: RegistrationResult, location: string, reply: FastifyReply): CreatedRecordDto {
  const caller = (reply.request as { user?: Caller }).user;
  audit.log({
    msg: result.created ? 'event registered' : 'registration replayed',
    req: reply.request,
    eventId: result.event.eventId,
    eventKind: result.event.eventKind,
    subject: caller?.subject,
    clientId: caller?.clientId,
  });
  reply.header('Location', location);
  return {
    id: result.event.workitemId ?? String(result.event.eventId),
    CreatedRecordStatus: result.created ? 'Created' : 'AlreadyExists',
  };
}
