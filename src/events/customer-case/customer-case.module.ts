import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerCaseController } from './customer-case.controller';
import { CustomerCaseEventEntity } from './customer-case.entity';
import { customerCaseKind } from './customer-case.kind';
import { CustomerCaseService } from './customer-case.service';

@Module({
  imports: [TypeOrmModule.forFeature([CustomerCaseEventEntity])],
  controllers: [CustomerCaseController],
  providers: [CustomerCaseService],
})
export class CustomerCaseModule {
  static readonly kind = customerCaseKind;
}
