import { AccountingTransactionModule } from './accounting-transaction/accounting-transaction.module';
import { ArrangementActivityModule } from './arrangement-activity/arrangement-activity.module';
import { ChargeableActivityModule } from './chargable-activity/chargable-activity.module';
import { CommunicationModule } from './communication/communication.module';
import { CustomerCaseModule } from './customer-case/customer-case.module';
import { ProfileMaintenanceModule } from './profile-maintenance/profile-maintenance.module';
import { SocialModule } from './social/social.module';

/** The registry of event kinds: adding a kind is one folder and one line here. */
export const EVENT_KIND_MODULES = [
  CommunicationModule,
  SocialModule,
  AccountingTransactionModule,
  CustomerCaseModule,
  ArrangementActivityModule,
  ProfileMaintenanceModule,
  ChargeableActivityModule,
];

export const EVENT_KINDS = EVENT_KIND_MODULES.map((module) => module.kind);
