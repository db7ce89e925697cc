import { EventKindController } from '../core/event-kind-controller.factory';
import { CommunicationService } from './communication.service';
import { communicationKind } from './communication.kind';

export class CommunicationController extends EventKindController(communicationKind, CommunicationService) {}
