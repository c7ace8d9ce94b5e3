import type { ColumnType, Generated } from "kysely";

/** pg returns bigint columns as strings, so no precision is lost. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export interface PersonTable {
  id: string;
  first_name: string;
  last_name: string;
  company_name: string;
  registered_at: Date;
  last_event_id: string;
}

export interface LocationTable {
  event_id: string;
  person_id: string;
  /** geography(Point,4326): read it with ST_Y/ST_X, write it with ST_MakePoint. */
  coordinate: ColumnType<string, string, string>;
  occurred_at: Date;
  recorded_at: Date;
}

export interface ProjectionCheckpointTable {
  topic: string;
  partition: number;
  next_offset: Int8;
  updated_at: Generated<Date>;
}

/** Persons erased (PersonErased): check-ins recorded up to erased_at are never projected again. */
export interface ErasedPersonTable {
  person_id: string;
  erased_at: Date;
  last_event_id: string;
}

/** The read models, as projector writes and query-api reads them. */
export interface Database {
  erased_person: ErasedPersonTable;
  person: PersonTable;
  location: LocationTable;
  projection_checkpoint: ProjectionCheckpointTable;
}
