import { EventKindController } from '../core/event-kind-controller.factory';
import { CustomerCaseService } from './customer-case.service';
import { customerCaseKind } from './customer-case.kind';

export class CustomerCaseController extends EventKindController(customerCaseKind, CustomerCaseService) {}
