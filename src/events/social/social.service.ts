import { EventKindService } from '../core/event-kind.service';
import { socialKind } from './social.kind';

export class SocialService extends EventKindService(socialKind) {}
