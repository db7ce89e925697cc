import { defineEventKind } from '../core/event-kind';
import { CommunicationMembers } from './dto/communication-members.dto';
import { CommunicationEventEntity } from './communication.entity';

export const communicationKind = defineEventKind({
  name: 'communication',
  eventKind: 'CommunicationEvent',
  title: 'Communication',
  description: 'Letters, calls, e-mails and meetings with the customer',
  entity: CommunicationEventEntity,
  members: CommunicationMembers,
});
