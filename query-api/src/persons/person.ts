/** A registered attendee as the API shows them. Ids are strings ("5", "ada-lovelace"). */
export interface Person {
  readonly id: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly company_name: string;
}
