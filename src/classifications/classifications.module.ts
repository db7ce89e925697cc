import { Module } from '@nestjs/common';
import { ClassificationsController } from './classifications.controller';
import { ClassificationsService } from './classifications.service';

@Module({ controllers: [ClassificationsController], providers: [ClassificationsService] })
export class ClassificationsModule {}
