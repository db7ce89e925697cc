import { EventKindService } from '../core/event-kind.service';
import { arrangementActivityKind } from './arrangement-activity.kind';

export class ArrangementActivityService extends EventKindService(arrangementActivityKind) {}
