export interface ClassificationValue {
  code: string;
  literal: string;
  description: string;
  ordinal: number;
}

export interface ClassificationSchema {
  'schema-id': string;
  name: string;
  description: string;
  values: ClassificationValue[];
}

type ValueRow = [code: string, literal: string, description: string];

function schema(id: string, name: string, description: string, rows: ValueRow[]): ClassificationSchema {
  return {
    'schema-id': id,
    name,
    description,
    values: rows.map(([code, literal, text], index) => ({ code, literal, description: text, ordinal: index + 1 })),
  };
}

export const MEDIUM = schema('medium', 'Medium', 'How a communication reached or left the customer', [
  ['phone', 'Phone', 'Telephone call'],
  ['mail', 'Mail', 'Postal mail'],
  ['email', 'E-mail', 'Electronic mail'],
  ['fax', 'Fax', 'Facsimile'],
  ['face-to-face-meeting', 'Face-to-face meeting', 'Meeting in a branch or at the customer'],
  ['sms', 'SMS', 'Text message'],
  ['web', 'Web', 'Web banking or web site'],
  ['wap', 'WAP', 'Mobile WAP site'],
  ['instant-message', 'Instant message', 'Chat or instant messaging'],
  ['other-communication-technology', 'Other communication technology', 'Any other medium'],
]);

export const COMMUNICATION_TYPE = schema('communication-type', 'Communication type', 'What a communication is about', [
  ['general-communication', 'General communication', 'Any communication that is not a complaint or feedback'],
  ['complaint', 'Complaint', 'The customer complains'],
  ['feedback', 'Feedback', 'The customer gives feedback'],
]);

export const RESOLUTION_STATUS = schema('resolution-status', 'Resolution status', 'How far a communication has been dealt with', [
  ['open', 'Open', 'Not yet handled'],
  ['in-progress', 'In progress', 'Being handled'],
  ['resolved', 'Resolved', 'Handled to the customer’s satisfaction'],
  ['unresolved', 'Unresolved', 'Closed without a resolution'],
  ['escalated', 'Escalated', 'Handed to a higher level'],
]);

/** Purposes channels commonly send; `purpose` itself is free text (the tutorial sends "TestPorpose"). */
export const PURPOSE = schema('purpose', 'Purpose', 'Why a communication took place (advisory values; the member is free text)', [
  ['information', 'Information', 'Informing the customer'],
  ['service', 'Service', 'Servicing an existing product'],
  ['sales', 'Sales', 'Offering a product'],
  ['marketing', 'Marketing', 'Campaign or promotion'],
  ['collection', 'Collection', 'Overdue payments'],
  ['complaint-handling', 'Complaint handling', 'Answering a complaint'],
  ['test', 'Test', 'Test communication'],
]);

/** Generic event kinds channels register through POST /events; any PascalCase `...Event` is accepted. */
export const GENERIC_EVENT_KINDS: ValueRow[] = [
  ['SecurtyEvent', 'Security event', 'Logins and other security events (the tutorial’s spelling)'],
  ['DeviceEvent', 'Device event', 'A device was registered or changed'],
];

/** The codes of a schema: what validation accepts for an enum member. */
export const codesOf = (classification: ClassificationSchema): string[] => classification.values.map((value) => value.code);

export const STATIC_SCHEMAS = [MEDIUM, COMMUNICATION_TYPE, RESOLUTION_STATUS, PURPOSE];
