import { codesOf, COMMUNICATION_TYPE, MEDIUM, PURPOSE, RESOLUTION_STATUS } from '../../classifications/classification-schemas';
import { CustomerProfile } from './customer-profile';
import { isoDate } from './iso-instant';
import { SeededRandom, WeightedChoice } from './seeded-random';

export interface SampleContext {
  random: SeededRandom;
  customer: CustomerProfile;
  /** When the event is registered, epoch milliseconds. */
  at: number;
  /** A workitem-id no other event of this customer and seed carries. */
  nextWorkitemId(): string;
  /** The customer's most recent communication, which a reply or a referral points to. */
  lastWorkitemId: string | null;
}

/** A kind's members as a validated registration body carries them (property names), description included. */
export type KindBody = Record<string, string | null>;

export type KindSample = (context: SampleContext) => KindBody;

/** Sample bodies by `event-kind` value; a kind without an entry cannot be seeded (a unit test checks every kind has one). */
export const KIND_SAMPLES: Readonly<Record<string, KindSample>> = {
  CommunicationEvent: communication,
  SocialEvent: social,
  AccountingTransactionEvent: accountingTransaction,
  CustomerCaseEvent: customerCase,
  ArrangementActivityEvent: arrangementActivity,
  ProfileMaintenanceEvent: profileMaintenance,
  ChargeableActivityEvent: chargeableActivity,
};

/** Weighted by how often each medium shows up in a retail bank's contact history; codes come from the classification. */
const MEDIUM_WEIGHTS: Record<string, number> = { email: 30, phone: 20, mail: 12, sms: 10, web: 10, 'instant-message': 6, 'face-to-face-meeting': 6 };
const MEDIUMS = new WeightedChoice(codesOf(MEDIUM).map((code) => [code, MEDIUM_WEIGHTS[code] ?? 1] as const));
const COMMUNICATION_TYPES = new WeightedChoice(
  codesOf(COMMUNICATION_TYPE).map((code) => [code, code === 'general-communication' ? 80 : code === 'complaint' ? 12 : 8] as const),
);
const PURPOSES = codesOf(PURPOSE).filter((code) => code !== 'test' && code !== 'complaint-handling');
const RESOLUTION_STATUSES = codesOf(RESOLUTION_STATUS);
const BANK_SENDERS = ['Customer Service', 'Card Centre', 'Loans Department', 'Branch Advisor', 'Collections', 'Marketing'];
const TITLES: Record<string, string[]> = {
  'general-communication': ['Your monthly statement', 'New card on its way', 'Interest rate change', 'Appointment confirmation', 'Question about my account', 'Updated terms & conditions'],
  complaint: ['Card payment declined', 'Double charge on my account', 'ATM did not dispense cash', 'Long waiting time at branch'],
  feedback: ['Great service at the branch', 'Suggestion for the mobile app', 'Feedback on your new website'],
};

function communication({ random, customer, nextWorkitemId, lastWorkitemId }: SampleContext): KindBody {
  const medium = MEDIUMS.pick(random);
  const type = COMMUNICATION_TYPES.pick(random);
  const inbound = type !== 'general-communication' || random.chance(0.35);
  const title = random.pick(TITLES[type]);
  return {
    workitemId: nextWorkitemId(),
    description: random.chance(0.5) ? `${title} (${medium})` : null,
    from: inbound ? customer.fullName : random.pick(BANK_SENDERS),
    to: inbound ? random.pick(BANK_SENDERS) : customer.fullName,
    title,
    medium,
    purpose: type === 'complaint' ? 'complaint-handling' : random.pick(PURPOSES),
    returnAddress: returnAddress(medium, customer),
    communicationType: type,
    resolutionStatus: type === 'general-communication' ? (random.chance(0.4) ? 'resolved' : null) : random.pick(RESOLUTION_STATUSES),
    referralCommunicationId: lastWorkitemId && random.chance(0.05) ? lastWorkitemId : null,
    respondsToId: lastWorkitemId && !inbound && random.chance(0.3) ? lastWorkitemId : null,
  };
}

function returnAddress(medium: string, customer: CustomerProfile): string | null {
  switch (medium) {
    case 'email':
      return customer.email;
    case 'mail':
      return customer.postalAddress;
    case 'phone':
    case 'sms':
    case 'fax':
      return customer.phone;
    default:
      return null;
  }
}

const POST_URLS = {
  twitter: (handle: string, random: SeededRandom) => `https://twitter.com/${handle}/status/${random.digits(18)}`,
  facebook: (handle: string, random: SeededRandom) => `https://www.facebook.com/${handle}/posts/${random.digits(16)}`,
  instagram: (_: string, random: SeededRandom) => `https://www.instagram.com/p/${random.uuid().slice(0, 11)}`,
  linkedin: (_: string, random: SeededRandom) => `https://www.linkedin.com/feed/update/urn:li:activity:${random.digits(19)}`,
};
const NETWORKS = Object.keys(POST_URLS) as (keyof typeof POST_URLS)[];
const POSTS = [
  'Great service at the branch today, thanks!',
  'Mobile app keeps logging me out after the update 😕',
  'Is the card limit change instant? Asking for a Q&A session <3',
  'Waited 40 minutes on the phone line today.',
  'Love the new contactless stickers 👍',
  'Where can I find the exchange rates for today?',
];

function social({ random, customer }: SampleContext): KindBody {
  const network = random.pick(NETWORKS);
  const handle = customer.email.split('@')[0].replace(/\./g, '_');
  const url = POST_URLS[network](handle, random);
  return { description: random.chance(0.2) ? `Mention on ${network}` : null, content: random.pick(POSTS), network, url };
}

/** [transaction type, title, typical amount in EUR]; amounts scatter around it. */
const TRANSACTIONS: readonly [string, string, number][] = [
  ['card-payment', 'Card payment', 35],
  ['card-payment', 'Online card payment', 60],
  ['atm-withdrawal', 'ATM withdrawal', 100],
  ['transfer-out', 'Transfer to another account', 250],
  ['transfer-in', 'Incoming transfer', 300],
  ['salary', 'Salary', 1400],
  ['standing-order', 'Standing order', 120],
  ['direct-debit', 'Direct debit: utilities', 80],
];
const TRANSACTION_CHOICE = new WeightedChoice(TRANSACTIONS.map((transaction, index) => [transaction, [30, 15, 12, 10, 8, 4, 8, 8][index]] as const));
const MERCHANTS = ['MAXI', 'IDEA', 'Lidl', 'OMV', 'NIS Petrol', 'Gigatron', 'Booking.com', 'Amazon EU', 'Wolt'];

function accountingTransaction({ random, customer, at }: SampleContext): KindBody {
  const [transactionType, title, typical] = TRANSACTION_CHOICE.pick(random);
  const merchant = transactionType.startsWith('card') ? ` at ${random.pick(MERCHANTS)}` : '';
  return {
    description: random.chance(0.3) ? `${title}${merchant}` : null,
    from: transactionType.startsWith('card') ? 'Card system' : 'Core banking',
    title: `${title}${merchant}`,
    transactionType,
    accountNumber: random.pick(customer.accounts),
    amount: amount(random, typical, customer.currency),
    currency: customer.currency,
    // Card payments book a day or two after they are authorised.
    bookingDate: isoDate(at + (transactionType.startsWith('card') ? random.int(0, 2) : 0) * DAY_MS),
  };
}

const CASES: readonly [string, string[]][] = [
  ['Card blocked', ['opened', 'resolved', 'closed']],
  ['Disputed card transaction', ['opened', 'in-progress', 'waiting-for-customer', 'closed']],
  ['Loan application', ['opened', 'in-progress', 'approved', 'rejected']],
  ['Lost or stolen card', ['opened', 'closed']],
  ['Change of address request', ['opened', 'closed']],
];

function customerCase({ random, customer, at }: SampleContext): KindBody {
  const [title, statuses] = random.pick(CASES);
  return {
    description: random.chance(0.4) ? `${title}: ${customer.fullName}` : null,
    from: random.chance(0.5) ? customer.branch : 'Contact centre',
    title,
    caseNumber: `CASE-${new Date(at).getUTCFullYear()}-${random.digits(6)}`,
    caseStatus: random.pick(statuses),
  };
}

const ACTIVITIES: readonly [string, string][] = [
  ['limit-change', 'Overdraft limit changed'],
  ['card-issued', 'Debit card issued'],
  ['card-renewed', 'Card renewed'],
  ['card-blocked', 'Card blocked'],
  ['standing-order-created', 'Standing order created'],
  ['standing-order-cancelled', 'Standing order cancelled'],
  ['statement-requested', 'Statement requested'],
  ['account-opened', 'Savings account opened'],
];
const ACTIVITY_CHANNELS = ['Mobile banking', 'Web banking', 'Contact centre'];

function arrangementActivity({ random, customer }: SampleContext): KindBody {
  const [activityType, title] = random.pick(ACTIVITIES);
  return {
    description: random.chance(0.3) ? title : null,
    from: random.chance(0.3) ? customer.branch : random.pick(ACTIVITY_CHANNELS),
    title,
    arrangementNumber: random.pick(customer.arrangements),
    activityType,
  };
}

const PROFILE_CHANNELS = ['web', 'mobile', 'branch', 'contact-centre'];
const LANGUAGES = ['sr', 'en', 'de', 'hu'];

function profileMaintenance({ random, customer }: SampleContext): KindBody {
  const attribute = random.pick(['email', 'phone', 'postal-address', 'marketing-consent', 'preferred-language'] as const);
  const [oldValue, newValue] = {
    email: () => [customer.email, customer.email.replace('@', `.${random.int(1, 9)}@`)],
    phone: () => [customer.phone, `+381 6${random.int(0, 9)} ${random.digits(3)} ${random.digits(4)}`],
    'postal-address': () => [customer.postalAddress, customer.postalAddress.replace(/\d+,/, `${random.int(1, 120)},`)],
    'marketing-consent': () => (random.chance(0.5) ? ['granted', 'withdrawn'] : ['withdrawn', 'granted']),
    'preferred-language': () => [random.pick(LANGUAGES), random.pick(LANGUAGES)],
  }[attribute]();
  return {
    description: random.chance(0.2) ? `Customer updated ${attribute}` : null,
    changedAttribute: attribute,
    oldValue,
    newValue,
    channel: random.pick(PROFILE_CHANNELS),
  };
}

/** [activity type, title, fee in EUR]. */
const FEES: readonly [string, string, number][] = [
  ['account-maintenance-fee', 'Monthly account maintenance fee', 3.5],
  ['card-fee', 'Annual card fee', 25],
  ['transfer-fee', 'International transfer fee', 12],
  ['atm-fee', 'ATM withdrawal fee (other bank)', 2],
  ['sms-notification-fee', 'SMS notification fee', 1.2],
];

function chargeableActivity({ random, customer }: SampleContext): KindBody {
  const [activityType, title, fee] = random.pick(FEES);
  return {
    description: random.chance(0.2) ? title : null,
    from: activityType === 'card-fee' || activityType === 'atm-fee' ? 'Card system' : 'Core banking',
    title,
    activityType,
    amount: (fee * EUR_RATE[customer.currency]).toFixed(2),
    currency: customer.currency,
    arrangementNumber: random.pick(customer.arrangements),
  };
}

const DAY_MS = 86_400_000;
const EUR_RATE: Record<string, number> = { EUR: 1, RSD: 117, USD: 1.08, CHF: 0.95 };

/** A decimal string scattered log-normally around a typical amount, in the given currency. */
function amount(random: SeededRandom, typicalEur: number, currency: string): string {
  const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Math.max(0.01, typicalEur * EUR_RATE[currency] * Math.exp(0.8 * normal)).toFixed(2);
}
