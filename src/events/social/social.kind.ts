import { defineEventKind } from '../core/event-kind';
import { SocialMembers } from './dto/social-members.dto';
import { SocialEventEntity } from './social.entity';

export const socialKind = defineEventKind({
  name: 'social',
  eventKind: 'SocialEvent',
  title: 'Social',
  description: 'Posts and messages on social networks',
  entity: SocialEventEntity,
  members: SocialMembers,
});
