// Shared string instances for short pieces of a text. Field names, enum values and numbers repeat
// a lot; handing out one instance means no new string is allocated for a repeat, so a large
// document keeps far less memory alive. A small open-addressing table keyed by a hash of the
// characters (no string is created to look one up); bounded probing keeps every lookup O(length)
// and the table's size fixed whatever the input.

const SLOT_MASK = 4095;
const MAX_INTERNED_LENGTH = 32;

export class Interner {
  private readonly strings: string[] = [];
  /** Slot -> id + 1 (0 = empty). */
  private readonly slots = new Int32Array(SLOT_MASK + 1);

  constructor(private readonly text: string) {}

  /** Id of the text at [start, end); equal short pieces get the same id. */
  id(start: number, end: number): number {
    const text = this.text;
    const len = end - start;
    if (len > MAX_INTERNED_LENGTH) return this.add(text.slice(start, end));
    let h = len;
    for (let p = start; p < end; p++) h = (Math.imul(h, 31) + text.charCodeAt(p)) | 0;
    const slots = this.slots;
    let slot = h & SLOT_MASK;
    for (let probe = 0; probe < 4; probe++) {
      const known = slots[slot] - 1;
      if (known < 0) {
        const id = this.add(text.slice(start, end));
        slots[slot] = id + 1;
        return id;
      }
      const s = this.strings[known];
      if (s.length === len && text.startsWith(s, start)) return known;
      slot = (slot + 1) & SLOT_MASK;
    }
    return this.add(text.slice(start, end));
  }

  /** The text at [start, end) as a shared instance. */
  slice(start: number, end: number): string {
    return this.strings[this.id(start, end)];
  }

  /** A string that is not a plain piece of the text (e.g. a normalised extension name). */
  add(s: string): number {
    this.strings.push(s);
    return this.strings.length - 1;
  }

  string(id: number): string {
    return this.strings[id];
  }
}
