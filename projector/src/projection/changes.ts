/** The values of one `person` row, from the newest PersonRegistered of that person. */
export interface PersonChange {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
  /** The envelope's recorded_at: when the gateway accepted the registration. */
  readonly registeredAt: Date;
  readonly lastEventId: string;
}

/** Fields a PersonUpdated sets; the others keep their value. */
export interface PersonPatch {
  readonly id: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly companyName?: string;
  readonly lastEventId: string;
}

/** A PersonErased: the person and every check-in recorded up to `erasedAt` go. */
export interface PersonErasure {
  readonly id: string;
  /** The envelope's recorded_at (gateway clock, as location.recorded_at). */
  readonly erasedAt: Date;
  readonly lastEventId: string;
}

/** One `location` row, from one LocationRecorded. */
export interface LocationChange {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  /** The device's accuracy in metres; null when the event carries none. */
  readonly accuracyMetres: number | null;
}

/**
 * What one record means to the read models. A record that cannot be projected
 * is an expected outcome, not an exception: it must never stop the partition.
 */
export type RecordOutcome =
  | { readonly kind: "person"; readonly change: PersonChange }
  | { readonly kind: "person-updated"; readonly patch: PersonPatch }
  | { readonly kind: "person-erased"; readonly erasure: PersonErasure }
  | { readonly kind: "location"; readonly change: LocationChange }
  | { readonly kind: "skipped"; readonly reason: string }
  /** Sealed personal fields whose data key was destroyed: the person was erased, nothing of theirs is written. */
  | { readonly kind: "erased"; readonly personId: string }
  /** Sealed personal fields whose data key is not loaded yet: the adapter loads it and plans the batch again. */
  | { readonly kind: "key-needed"; readonly keyId: string };

/** A record as the projection sees it: its offset in the partition and its raw value. */
export interface SourceRecord {
  readonly offset: bigint;
  readonly value: Uint8Array | null;
}

export interface SkippedRecord {
  readonly offset: bigint;
  readonly reason: string;
}
