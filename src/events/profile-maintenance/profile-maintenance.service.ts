import { EventKindService } from '../core/event-kind.service';
import { profileMaintenanceKind } from './profile-maintenance.kind';

export class ProfileMaintenanceService extends EventKindService(profileMaintenanceKind) {}
