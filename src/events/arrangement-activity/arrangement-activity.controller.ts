import { EventKindController } from '../core/event-kind-controller.factory';
import { ArrangementActivityService } from './arrangement-activity.service';
import { arrangementActivityKind } from './arrangement-activity.kind';

export class ArrangementActivityController extends EventKindController(arrangementActivityKind, ArrangementActivityService) {}
