import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProfileMaintenanceController } from './profile-maintenance.controller';
import { ProfileMaintenanceEventEntity } from './profile-maintenance.entity';
import { profileMaintenanceKind } from './profile-maintenance.kind';
import { ProfileMaintenanceService } from './profile-maintenance.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProfileMaintenanceEventEntity])],
  controllers: [ProfileMaintenanceController],
  providers: [ProfileMaintenanceService],
})
export class ProfileMaintenanceModule {
  static readonly kind = profileMaintenanceKind;
}
