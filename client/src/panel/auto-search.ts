// When the refit panel searches by itself. A new user who imported the TX2 sweep was left on a hand
// fit of `macs` alone (83 % MAPE); the search's recommended model is the better default. So a dataset
// that is chosen (imported, picked, or the first one shown) gets one automatic search once its fit is
// drawn, and its frontier's recommended model is selected. A result is taken only while it is still
// current: a later dataset choice or any fitting choice made by hand since it started drops it, and
// once the user chose by hand nothing automatic replaces that choice. Pure: it only decides.

/** One automatic search, started for a dataset's content at a moment of the panel's choices. */
export interface AutoSearchTicket {
  readonly datasetKey: string;
  readonly generation: number;
}

export class AutoSearchPolicy {
  private generation = 0;
  private datasetId?: string;
  private datasetKey?: string;
  /** The user chose a fit by hand for the current dataset: no automatic search replaces it. */
  private hand = false;
  private started = false;
  private handWhat = '';

  /**
   * The panel shows this dataset (`key` identifies its content). Another dataset than before is a new
   * choice; the same one with new content (campaign records added) is searched again unless the user
   * chose by hand.
   */
  shown(datasetId: string, datasetKey: string): void {
    if (datasetId !== this.datasetId) {
      this.hand = false;
      this.started = false;
      this.generation++;
    } else if (datasetKey !== this.datasetKey && !this.hand) {
      this.started = false;
      this.generation++;
    }
    this.datasetId = datasetId;
    this.datasetKey = datasetKey;
  }

  /** The user changed a fitting choice (`what`: features, method, validation…): a running search is stale. */
  handChoice(what = 'a fitting choice'): void {
    this.hand = true;
    this.handWhat = what;
    this.generation++;
  }

  /** A ticket when the fit of `datasetKey` is drawn and its automatic search is due; at most once per choice. */
  next(datasetKey: string): AutoSearchTicket | undefined {
    if (this.hand || this.started || datasetKey !== this.datasetKey) return undefined;
    this.started = true;
    return { datasetKey, generation: this.generation };
  }

  /** Whether a finished search's result may be shown and selected. */
  accept(ticket: AutoSearchTicket): boolean {
    return !this.hand && ticket.generation === this.generation && ticket.datasetKey === this.datasetKey;
  }

  /** For tests' failure messages. */
  describe(): string {
    return `dataset ${this.datasetId ?? 'none'} (${this.datasetKey ?? ''}), generation ${this.generation}, hand ${this.hand ? this.handWhat : 'no'}, started ${this.started}`;
  }

  /** The automatic search could not run to its end (cancelled by other work): due again at the next fit. */
  retry(ticket: AutoSearchTicket): void {
    if (ticket.generation === this.generation && !this.hand) this.started = false;
  }
}
