import { EventKindService } from '../core/event-kind.service';
import { chargeableActivityKind } from './chargable-activity.kind';

export class ChargeableActivityService extends EventKindService(chargeableActivityKind) {}
