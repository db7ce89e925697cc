import { defineEventKind } from '../core/event-kind';
import { CustomerCaseMembers } from './dto/customer-case-members.dto';
import { CustomerCaseEventEntity } from './customer-case.entity';

export const customerCaseKind = defineEventKind({
  name: 'customer-case',
  eventKind: 'CustomerCaseEvent',
  title: 'Customer case',
  description: 'Cases opened and worked for the customer',
  entity: CustomerCaseEventEntity,
  members: CustomerCaseMembers,
});
