import { SeededRandom, WeightedChoice } from './seeded-random';

/** Who a seeded customer is: the names, numbers and addresses their events keep referring to. */
export interface CustomerProfile {
  customerNumber: string;
  fullName: string;
  email: string;
  phone: string;
  postalAddress: string;
  /** The login user behind the customer's channel sessions (the tutorial's `user-id`). */
  userId: string;
  /** IBANs of the customer's accounts. */
  accounts: string[];
  arrangements: string[];
  currency: string;
  branch: string;
}

const FIRST_NAMES = ['Ana', 'Marko', 'Jelena', 'Nikola', 'Milica', 'Stefan', 'Ivana', 'Luka', 'Maja', 'Đorđe', 'Sofia', 'Lars', 'Émilie', 'Jonas', 'Zoë', 'Omar'];
const LAST_NAMES = ['Petrović', 'Jovanović', 'Nikolić', 'Marković', 'Đorđević', 'Ilić', 'Stojanović', 'Müller', 'Schmidt', "O'Brien", 'García', 'Novak', 'Horvat', 'Kovač'];
const STREETS = ['Knez Mihailova', 'Bulevar kralja Aleksandra', 'Nemanjina', 'Takovska', 'Cara Dušana', 'Gospodar Jevremova', 'Resavska'];
const CITIES = ['11000 Beograd', '21000 Novi Sad', '18000 Niš', '34000 Kragujevac', '24000 Subotica'];
const MAIL_DOMAINS = ['example.com', 'mail.example.net', 'example.org'];
const CURRENCIES = new WeightedChoice([
  ['RSD', 70],
  ['EUR', 20],
  ['USD', 5],
  ['CHF', 5],
]);

export function customerProfile(customerNumber: string, random: SeededRandom): CustomerProfile {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const mailbox = `${ascii(first)}.${ascii(last)}${random.int(1, 99)}`.toLowerCase();
  const accounts = Array.from({ length: random.int(1, 3) }, () => serbianIban(random));
  const arrangements = Array.from({ length: random.int(1, 4) }, () => `ARR-${random.digits(8)}`);
  return {
    customerNumber,
    fullName: `${first} ${last}`,
    email: `${mailbox}@${random.pick(MAIL_DOMAINS)}`,
    phone: `+381 6${random.int(0, 9)} ${random.digits(3)} ${random.digits(4)}`,
    postalAddress: `${random.pick(STREETS)} ${random.int(1, 120)}, ${random.pick(CITIES)}`,
    userId: `800${random.digits(7)}`,
    accounts,
    arrangements,
    currency: CURRENCIES.pick(random),
    branch: `Branch ${random.int(1, 60)}`,
  };
}

/** An IBAN with correct check digits (ISO 13616 mod 97), so validators downstream accept it. */
export function serbianIban(random: SeededRandom): string {
  const bban = `${random.pick(['105', '160', '170', '205', '265', '310', '325', '340'])}${random.digits(15)}`;
  const rearranged = `${bban}${'RS'.split('').map((letter) => letter.charCodeAt(0) - 55).join('')}00`;
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  return `RS${String(98 - remainder).padStart(2, '0')}${bban}`;
}

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/Đ/g, 'Dj')
    .replace(/đ/g, 'dj')
    .replace(/[^A-Za-z]/g, '');
}
