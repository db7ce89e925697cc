import { defineEventKind } from '../core/event-kind';
import { ChargeableActivityMembers } from './dto/chargable-activity-members.dto';
import { ChargeableActivityEventEntity } from './chargable-activity.entity';

export const chargeableActivityKind = defineEventKind({
  name: 'chargable-activity',
  aliases: ['chargeable-activity'],
  eventKind: 'ChargeableActivityEvent',
  title: 'Chargeable activity',
  description: 'Fees and charges applied to the customer',
  entity: ChargeableActivityEventEntity,
  members: ChargeableActivityMembers,
});
