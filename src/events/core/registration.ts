import { FastifyReply } from 'fastify';
import { CreatedRecordDto } from './dto/created-record.dto';
import { RegistrationResult } from './events.service';

/** The create answer: the workitem-id where there is one, else the new event-id; and the Location header. */
export function answerRegistration(result: RegistrationResult, location: string, reply: FastifyReply): CreatedRecordDto {
  reply.header('Location', location);
  return {
    id: result.event.workitemId ?? String(result.event.eventId),
    CreatedRecordStatus: result.created ? 'Created' : 'AlreadyExists',
  };
}
