import { EventKindService } from '../core/event-kind.service';
import { customerCaseKind } from './customer-case.kind';

export class CustomerCaseService extends EventKindService(customerCaseKind) {}
