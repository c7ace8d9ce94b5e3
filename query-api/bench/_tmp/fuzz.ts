import { startQueryApi } from "../../src/server";
const api = await startQueryApi({ databaseUrl: process.env.BENCH_DB!, port: 0 });
const qs = [
  "from=2020-03-10T23:59:60Z&to=2020-03-11T00:00:00Z",
  "from=0000-01-01T00:00:00Z&to=0000-01-02T00:00:00Z",
  "from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z",
  "from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59.999999Z",
  "from=2020-03-10T00:00:00+14:00&to=2020-03-11T00:00:00-12:00",
  "from=2020-03-10T00:00:00.123456789Z&to=2020-03-11T00:00:00Z",
  "from=2020-03-10t00:00:00z&to=2020-03-11t00:00:00z",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&distance_m=1e-300",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&distance_m=NaN",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&distance_m=Infinity",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&within_s=86400.0",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&within_s=1e3",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&within_s=-0",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&distance_m=1000&within_s=86400",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&from=2020-03-10T00:00:00Z",
  "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&consistent_with=%00%FF",
  "from=2020-02-30T00:00:00Z&to=2020-03-11T00:00:00Z",
  "from=2020-03-10T24:00:00Z&to=2020-03-11T00:00:00Z",
];
for (const q of qs) {
  for (const path of ["/v1/persons/p1/connections", "/v1/persons/p1/locations"]) {
    const t = performance.now();
    const r = await fetch(`${api.url}${path}?${q}`);
    const body = await r.text();
    console.log(r.status, (performance.now() - t).toFixed(0).padStart(5), "ms", path.split("/").pop(), q.slice(0, 80), r.status >= 400 ? body.slice(0, 140) : `${body.length} bytes`);
  }
}
await api.close();
