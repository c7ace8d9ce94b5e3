-- Each person's JSON in the API's Person shape, {"id":…,"first_name":…,"last_name":…,"company_name":…},
-- ready for the connections lookup (query-api/src/encounters/encounter-statement.ts), which
-- writes one per person met: ~1,500 on a crowded day, where escaping the names with to_json
-- on every lookup cost milliseconds.
--
-- A generated column, so every writer (the projector, tests, benchmarks) gets it for free.
-- It must be built from immutable functions: json_object(text[], text[]) is (to_json and
-- json_build_object are only stable). It prints {"id" : "p1", "first_name" : …}; the two
-- replace() make that compact. They cannot touch a name: inside a JSON string every quote
-- is escaped as \", so a quote right after a space ('" : "', '", "') is always structure.
ALTER TABLE person ADD COLUMN json text GENERATED ALWAYS AS (
  replace(replace(
    json_object(ARRAY['id', 'first_name', 'last_name', 'company_name'], ARRAY[id, first_name, last_name, company_name])::text,
    '" : "', '":"'), '", "', '","')
) STORED;
