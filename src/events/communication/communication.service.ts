import { EventKindService } from '../core/event-kind.service';
import { communicationKind } from './communication.kind';

export class CommunicationService extends EventKindService(communicationKind) {}
