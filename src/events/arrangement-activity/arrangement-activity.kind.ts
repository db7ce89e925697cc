import { defineEventKind } from '../core/event-kind';
import { ArrangementActivityMembers } from './dto/arrangement-activity-members.dto';
import { ArrangementActivityEventEntity } from './arrangement-activity.entity';

export const arrangementActivityKind = defineEventKind({
  name: 'arrangement-activity',
  eventKind: 'ArrangementActivityEvent',
  title: 'Arrangement activity',
  description: 'Activity on the customer’s arrangements (accounts, loans, cards)',
  entity: ArrangementActivityEventEntity,
  members: ArrangementActivityMembers,
});
