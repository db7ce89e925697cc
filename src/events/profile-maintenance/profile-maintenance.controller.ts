import { EventKindController } from '../core/event-kind-controller.factory';
import { ProfileMaintenanceService } from './profile-maintenance.service';
import { profileMaintenanceKind } from './profile-maintenance.kind';

export class ProfileMaintenanceController extends EventKindController(profileMaintenanceKind, ProfileMaintenanceService) {}
