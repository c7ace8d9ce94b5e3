/** Reads a comma-separated column of the statement's answer field by field, in place. */
export class Column {
  readonly #text: string;
  #start = 0;
  #end = -1;

  constructor(text: string | null) {
    this.#text = text ?? "";
  }

  /** Moves to the next field; false after the last. */
  next(): boolean {
    this.#start = this.#end + 1;
    if (this.#start >= this.#text.length) {
      return false;
    }
    const comma = this.#text.indexOf(",", this.#start);
    this.#end = comma === -1 ? this.#text.length : comma;
    return true;
  }

  text(): string {
    return this.#text.slice(this.#start, this.#end);
  }

  /** Where the current field starts in the column's text. */
  get start(): number {
    return this.#start;
  }

  /** The text of the field that starts at `start`. */
  textAt(start: number): string {
    const comma = this.#text.indexOf(",", start);
    return this.#text.slice(start, comma === -1 ? this.#text.length : comma);
  }

  /** The field as a decimal integer (a leading minus allowed), read without a substring. */
  integer(): number {
    const text = this.#text;
    const negative = text.charCodeAt(this.#start) === MINUS;
    let value = 0;
    for (let i = negative ? this.#start + 1 : this.#start; i < this.#end; i += 1) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) {
        throw new Error(`not an integer: ${this.text()}`);
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }
}

const MINUS = 0x2d;
const ZERO = 0x30;
