import { defineEventKind } from '../core/event-kind';
import { ProfileMaintenanceMembers } from './dto/profile-maintenance-members.dto';
import { ProfileMaintenanceEventEntity } from './profile-maintenance.entity';

export const profileMaintenanceKind = defineEventKind({
  name: 'profile-maintenance',
  eventKind: 'ProfileMaintenanceEvent',
  title: 'Profile maintenance',
  description: 'Changes to the customer’s profile',
  entity: ProfileMaintenanceEventEntity,
  members: ProfileMaintenanceMembers,
});
