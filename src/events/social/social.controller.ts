import { EventKindController } from '../core/event-kind-controller.factory';
import { SocialService } from './social.service';
import { socialKind } from './social.kind';

export class SocialController extends EventKindController(socialKind, SocialService) {}
