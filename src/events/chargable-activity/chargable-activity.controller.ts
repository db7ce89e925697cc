import { EventKindController } from '../core/event-kind-controller.factory';
import { ChargeableActivityService } from './chargable-activity.service';
import { chargeableActivityKind } from './chargable-activity.kind';

export class ChargeableActivityController extends EventKindController(chargeableActivityKind, ChargeableActivityService) {}

/** `chargeable-activity-events`: the usual spelling, next to the tutorial's. */
export class ChargeableActivityAliasController extends EventKindController(chargeableActivityKind, ChargeableActivityService, 'chargeable-activity') {}
